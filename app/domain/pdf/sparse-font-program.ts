/**
 * A "retain glyph ids" sparse TrueType font program: the prepared subset (prepared-font.ts) with the
 * outlines of the glyphs a document does not use dropped (their `loca` entries zero-length), every
 * glyph keeping its id. The PDF objects around it — the /W array, the ToUnicode CMap, the content
 * streams' glyph ids (CIDToGIDMap /Identity) — stay what they are for the full prepared subset; only
 * the FontFile2 stream shrinks (decision 029, "Sparse font programs").
 *
 * Made per distinct set of used glyphs with typed arrays: the tables that do not depend on the set
 * (cvt, fpgm, hhea, hmtx, maxp, prep) are copied as they are with their checksums computed once; glyf
 * and loca are written in one pass over the glyph ids; head gets the file's checkSumAdjustment. The
 * components of a used composite glyph (an accented letter's base and accent) are kept with it.
 */
export interface SparseFontSource {
  readonly glyphCount: number;
  /** The prepared subset's glyf table; glyph i is glyf[start[i], start[i + 1]). */
  readonly glyf: Uint8Array;
  readonly start: Uint32Array;
  /** Per glyph, the glyphs its outline is made of (composites, transitively), or null. */
  readonly components: readonly (Uint16Array | null)[];
  /** The tables copied as they are, in tag order, each with its checksum. */
  readonly fixed: readonly { readonly tag: string; readonly bytes: Uint8Array; readonly checksum: number }[];
  /** The head table with checkSumAdjustment 0 and the long loca format. */
  readonly head: Uint8Array;
}

/** The tables a CIDFontType2 program with CIDToGIDMap /Identity needs (PDF 32000-1 §9.9), besides glyf, head and loca. */
const FIXED_TABLES = ["cvt ", "fpgm", "hhea", "hmtx", "maxp", "prep"];

/** Composite glyph flags (OpenType glyf table). */
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** Reads a TrueType font program (the prepared subset) into what `sparseFontProgram` copies from. */
export function sparseFontSource(font: Uint8Array): SparseFontSource {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, Uint8Array>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + 16 * i;
    const tag = String.fromCharCode(font[record]!, font[record + 1]!, font[record + 2]!, font[record + 3]!);
    const offset = view.getUint32(record + 8);
    tables.set(tag, font.subarray(offset, offset + view.getUint32(record + 12)));
  }
  const table = (tag: string) => {
    const bytes = tables.get(tag);
    if (!bytes) throw new Error(`font program without a '${tag}' table`);
    return bytes;
  };
  const headIn = table("head");
  const loca = table("loca");
  const glyf = table("glyf");
  const glyphCount = new DataView(table("maxp").buffer, table("maxp").byteOffset).getUint16(4);
  const longLoca = new DataView(headIn.buffer, headIn.byteOffset).getInt16(50) === 1;
  const locaView = new DataView(loca.buffer, loca.byteOffset, loca.byteLength);
  const start = new Uint32Array(glyphCount + 1);
  for (let i = 0; i <= glyphCount; i++) start[i] = longLoca ? locaView.getUint32(4 * i) : 2 * locaView.getUint16(2 * i);

  // Direct components of each composite glyph, then their transitive closure.
  const glyfView = new DataView(glyf.buffer, glyf.byteOffset, glyf.byteLength);
  const direct: number[][] = [];
  for (let gid = 0; gid < glyphCount; gid++) {
    const list: number[] = [];
    const begin = start[gid]!;
    if (start[gid + 1]! > begin && glyfView.getInt16(begin) < 0) {
      let p = begin + 10;
      let flags: number;
      do {
        flags = glyfView.getUint16(p);
        list.push(glyfView.getUint16(p + 2));
        p += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
        if (flags & WE_HAVE_A_SCALE) p += 2;
        else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) p += 4;
        else if (flags & WE_HAVE_A_TWO_BY_TWO) p += 8;
      } while (flags & MORE_COMPONENTS);
    }
    direct.push(list);
  }
  const components = direct.map((list, gid) => {
    if (!list.length) return null;
    const seen = new Set<number>();
    const stack = [...list];
    while (stack.length) {
      const c = stack.pop()!;
      if (c === gid || seen.has(c) || c >= glyphCount) continue;
      seen.add(c);
      stack.push(...direct[c]!);
    }
    return Uint16Array.from([...seen].sort((a, b) => a - b));
  });

  const head = Uint8Array.from(headIn);
  const headView = new DataView(head.buffer);
  headView.setUint32(8, 0); // checkSumAdjustment, set per file
  headView.setInt16(50, 1); // indexToLocFormat: long offsets
  return {
    glyphCount,
    glyf,
    start,
    components,
    fixed: FIXED_TABLES.filter((tag) => tables.has(tag)).map((tag) => ({ tag, bytes: tables.get(tag)!, checksum: tableChecksum(tables.get(tag)!) })),
    head,
  };
}

/**
 * The font program with only the glyphs marked in `used` (indexed by glyph id; .notdef is always
 * kept), and their components. The same `used` always gives the same bytes.
 */
export function sparseFontProgram(source: SparseFontSource, used: Uint8Array): Uint8Array {
  const { glyphCount, glyf, start, components } = source;
  const keep = new Uint8Array(glyphCount);
  keep[0] = 1;
  for (let gid = 1; gid < glyphCount; gid++) {
    if (!used[gid]) continue;
    keep[gid] = 1;
    const parts = components[gid];
    if (parts) for (let i = 0; i < parts.length; i++) keep[parts[i]!] = 1;
  }
  let glyfLength = 0;
  for (let gid = 0; gid < glyphCount; gid++) if (keep[gid]) glyfLength += start[gid + 1]! - start[gid]!;

  // Tables in tag order (the table directory must be sorted), each at a 4-byte boundary.
  const tables: { tag: string; length: number; write: (out: Uint8Array, at: number) => void; checksum?: number }[] = [];
  for (const t of source.fixed) tables.push({ tag: t.tag, length: t.bytes.length, checksum: t.checksum, write: (out, at) => out.set(t.bytes, at) });
  const locaLength = 4 * (glyphCount + 1);
  tables.push({
    tag: "glyf",
    length: glyfLength,
    write: (out, at) => {
      for (let gid = 0; gid < glyphCount; gid++) {
        if (!keep[gid]) continue;
        const from = start[gid]!;
        const to = start[gid + 1]!;
        out.set(glyf.subarray(from, to), at);
        at += to - from;
      }
    },
  });
  tables.push({ tag: "head", length: source.head.length, write: (out, at) => out.set(source.head, at) });
  tables.push({
    tag: "loca",
    length: locaLength,
    write: (out, at) => {
      const view = new DataView(out.buffer, out.byteOffset + at, locaLength);
      let offset = 0;
      for (let gid = 0; gid < glyphCount; gid++) {
        view.setUint32(4 * gid, offset);
        if (keep[gid]) offset += start[gid + 1]! - start[gid]!;
      }
      view.setUint32(4 * glyphCount, offset);
    },
  });
  tables.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));

  const numTables = tables.length;
  const directoryLength = 12 + 16 * numTables;
  let size = directoryLength;
  const offsets = tables.map((t) => {
    const at = size;
    size += (t.length + 3) & ~3;
    return at;
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const power = 2 ** Math.floor(Math.log2(numTables));
  view.setUint32(0, 0x00010000); // sfnt version: TrueType outlines
  view.setUint16(4, numTables);
  view.setUint16(6, power * 16);
  view.setUint16(8, Math.log2(power));
  view.setUint16(10, numTables * 16 - power * 16);
  let headAt = 0;
  tables.forEach((t, i) => {
    t.write(out, offsets[i]!);
    const checksum = t.checksum ?? checksumAt(view, offsets[i]!, t.length);
    const record = 12 + 16 * i;
    for (let k = 0; k < 4; k++) out[record + k] = t.tag.charCodeAt(k);
    view.setUint32(record + 4, checksum);
    view.setUint32(record + 8, offsets[i]!);
    view.setUint32(record + 12, t.length);
    if (t.tag === "head") headAt = offsets[i]!;
  });
  // head.checkSumAdjustment: 0xB1B0AFBA minus the checksum of the whole font (with the adjustment 0).
  view.setUint32(headAt + 8, (0xb1b0afba - checksumAt(view, 0, size)) >>> 0);
  return out;
}

/** The OpenType table checksum: the sum of the table's big-endian uint32s, zero-padded, modulo 2³². */
export function tableChecksum(bytes: Uint8Array): number {
  const padded = new Uint8Array((bytes.length + 3) & ~3);
  padded.set(bytes);
  return checksumAt(new DataView(padded.buffer), 0, bytes.length);
}

/** The checksum of `length` bytes at `at` of a buffer that is zero-padded to a multiple of 4 after them. */
function checksumAt(view: DataView, at: number, length: number): number {
  let sum = 0;
  const end = at + ((length + 3) & ~3);
  for (let p = at; p < end; p += 4) sum = (sum + view.getUint32(p)) >>> 0;
  return sum;
}
