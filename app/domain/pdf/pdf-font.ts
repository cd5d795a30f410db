import { deflateSync } from "node:zlib";
import type { Font, Glyph } from "fontkit";
import { pdfNumber, prepareObjects, type PreparedObjects } from "./pdf-writer";
import { documentSubset, hexIds, toUnicodeCmap, widthsArray, type PreparedFont } from "./prepared-font";
import { sparseFontProgram } from "./sparse-font-program";

/**
 * A word shaped by fontkit (glyphs, advances with kerning, ligatures), in 1/1000 em — what pdfkit's
 * EmbeddedFont.layoutRun returns, kept per process: a word's shape depends on the font and the word
 * alone, not on the document.
 */
export interface ShapedWord {
  readonly glyphs: readonly Glyph[];
  /** Advance after kerning, per glyph. */
  readonly xAdvance: Float64Array;
  /** xAdvance − the glyph's own advance width (non-zero where kerning applies). */
  readonly kerning: Float64Array;
  /** Glyph offsets (combining marks), or null when all are zero. */
  readonly offsets: { x: Float64Array; y: Float64Array } | null;
  /** Sum of xAdvance, summed as fontkit's GlyphRun.advanceWidth sums it. */
  readonly width: number;
  /**
   * The word's part of a TJ operator when all its glyphs are in the prepared subset and none is
   * offset: hex runs each ended by a kerning adjustment ("<hex> adj"), then the hex after the last
   * adjustment; and the prepared ids it uses. Null otherwise (the per-glyph path).
   */
  readonly tj: { readonly kerned: string[]; readonly tail: string; readonly tailKerning: number; readonly ids: Uint16Array } | null;
}

const MAX_CACHED_WORDS = 20_000;
const MAX_CACHED_LINES = 20_000;

/**
 * What a whole text (a line, as a layout writes it) needs, in this font at any size, kept per process:
 * its width, the characters at which the line breaker could split a word, and its TJ operator. An
 * invoice's labels, descriptions and many of its amounts repeat from invoice to invoice; each is
 * then one lookup instead of a word-by-word walk. A pure function of font and text: what the cache
 * holds never changes the bytes.
 */
export interface ShapedLine {
  /** Width in 1/1000 em, summed word by word as widthOfString sums it (× size / 1000 for points). */
  readonly width: number;
  /** Characters other than ASCII letters, digits and space (where the breaker might split a word). */
  readonly breakable: number;
  /** The TJ operator showing the text, when all its glyphs are in the prepared subset and none is offset; else null. */
  readonly tj: string | null;
  /** The prepared ids the TJ uses, per word (for a document that ends up building a subset of its own). */
  readonly ids: readonly Uint16Array[];
}

/** A font of the invoice: metrics, prepared subset, and the shaped-word cache of the process. */
export class ShapingFont {
  readonly scale: number;
  readonly ascender: number;
  readonly descender: number;
  readonly lineGap: number;
  private words = new Map<string, ShapedWord>();
  /**
   * The font's objects with a sparse font program, by object number, resource name and set of used
   * glyphs; least recently used first (a Map keeps insertion order). A shop's invoices mostly use
   * the same glyphs, so most documents find theirs here.
   */
  private readonly sparseBlocks = new Map<string, PreparedObjects>();
  private lines = new Map<string, ShapedLine>();
  private readonly lineWords: ShapedWord[] = [];

  constructor(
    readonly font: Font,
    readonly prepared: PreparedFont,
  ) {
    this.scale = 1000 / font.unitsPerEm;
    this.ascender = font.ascent * this.scale;
    this.descender = font.descent * this.scale;
    this.lineGap = font.lineGap * this.scale;
  }

  /** One word (pdfkit's unit: text up to and including a space or tab), shaped once per process. */
  word(text: string): ShapedWord {
    let shaped = this.words.get(text);
    if (!shaped) {
      if (this.words.size >= MAX_CACHED_WORDS) this.words = new Map();
      const run = this.font.layout(text);
      const n = run.glyphs.length;
      const xAdvance = new Float64Array(n);
      const kerning = new Float64Array(n);
      let offsets: ShapedWord["offsets"] = null;
      let width = 0;
      for (let i = 0; i < n; i++) {
        const p = run.positions[i]!;
        xAdvance[i] = p.xAdvance * this.scale;
        kerning[i] = xAdvance[i]! - run.glyphs[i]!.advanceWidth * this.scale;
        if (p.xOffset || p.yOffset) {
          offsets ??= { x: new Float64Array(n), y: new Float64Array(n) };
          offsets.x[i] = p.xOffset * this.scale;
          offsets.y[i] = p.yOffset * this.scale;
        }
        width += xAdvance[i]!;
      }
      shaped = { glyphs: run.glyphs, xAdvance, kerning, offsets, width, tj: offsets ? null : this.tjPieces(run.glyphs, kerning) };
      this.words.set(text, shaped);
    }
    return shaped;
  }

  private tjPieces(glyphs: readonly Glyph[], kerning: Float64Array): ShapedWord["tj"] {
    const ids = new Uint16Array(glyphs.length);
    const kerned: string[] = [];
    let hex = "";
    for (let i = 0; i < glyphs.length; i++) {
      const id = this.prepared.ids.get(glyphs[i]!.id);
      if (id === undefined) return null;
      ids[i] = id;
      hex += hexIds[id]!;
      if (kerning[i] !== 0) {
        kerned.push(`<${hex}> ${pdfNumber(-kerning[i]!)}`);
        hex = "";
      }
    }
    return { kerned, tail: hex, tailKerning: glyphs.length ? kerning[glyphs.length - 1]! : 0, ids };
  }

  /**
   * The words of a text as pdfkit's EmbeddedFont.layout splits it (after each space or tab), shaped,
   * into `out` (reused by the caller: no closure or array per call on this hot path). Returns the count.
   */
  shapeWords(text: string, out: ShapedWord[]): number {
    let count = 0;
    let last = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        out[count++] = this.word(text.slice(last, i + 1));
        last = i + 1;
      }
    }
    if (last < n) out[count++] = this.word(last === 0 ? text : text.slice(last));
    return count;
  }

  /** A text's width, break characters and TJ operator (see ShapedLine), made once per process. */
  line(text: string): ShapedLine {
    let line = this.lines.get(text);
    if (line === undefined) {
      if (this.lines.size >= MAX_CACHED_LINES) this.lines = new Map();
      let breakable = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 32)) breakable++;
      }
      const words = this.lineWords;
      const count = this.shapeWords(text, words);
      let width = 0;
      let tj: string | null = "";
      const ids: Uint16Array[] = [];
      // pdfkit's _fragment for words that all have their TJ pieces (the words' pieces joined, the
      // hex run between two kerning adjustments continued across words).
      const commands: string[] = [];
      let hex = "";
      let lastKerning = 0;
      for (let k = 0; k < count; k++) {
        const word = words[k]!;
        width += word.width;
        const piece = word.tj;
        if (!piece) tj = null;
        if (tj === null) continue;
        ids.push(piece!.ids);
        if (piece!.kerned.length) {
          commands.push(hex ? `<${hex}${piece!.kerned[0]!.slice(1)}` : piece!.kerned[0]!);
          for (let j = 1; j < piece!.kerned.length; j++) commands.push(piece!.kerned[j]!);
          hex = piece!.tail;
        } else hex += piece!.tail;
        if (word.glyphs.length) lastKerning = piece!.tailKerning;
      }
      if (tj !== null) {
        // (pdfkit ended every TJ with an adjustment, even 0: left out when it is.)
        if (hex) commands.push(lastKerning ? `<${hex}> ${pdfNumber(-lastKerning)}` : `<${hex}>`);
        tj = commands.length ? `[${commands.join(" ").replace(/<([0-9a-f]+)>/g, (_, hex: string) => literalCodes(hex))}] TJ` : "";
      }
      words.length = 0;
      line = { width, breakable, tj, ids: tj === null ? [] : ids };
      this.lines.set(text, line);
    }
    return line;
  }

  /** Width of a text in points at a size, with pdfkit's arithmetic (EmbeddedFont.widthOfString). */
  widthOfString(text: string, size: number): number {
    const words = this.lineWords;
    const count = this.shapeWords(text, words);
    let width = 0;
    for (let k = 0; k < count; k++) width += words[k]!.width;
    words.length = 0;
    return width * (size / 1000);
  }

  /**
   * The five objects of the prepared font at numbers first…first+4 for a document that uses the
   * prepared ids marked in `used`: a font program with only the outlines of those glyphs, under the
   * same ids (sparse-font-program.ts), and the /W array and ToUnicode CMap of those glyphs only. Made once per distinct set and kept (at most
   * MAX_SPARSE_BLOCKS per font); the bytes depend on the set only.
   */
  sparseBlock(first: number, resourceName: string, used: Uint8Array): PreparedObjects {
    const key = `${first} ${resourceName} ${usedKey(used)}`;
    let block = this.sparseBlocks.get(key);
    if (block) {
      this.sparseBlocks.delete(key);
      this.sparseBlocks.set(key, block);
      return block;
    }
    const program = sparseFontProgram(this.prepared.sparse, used);
    block = fontObjects(this, first, resourceName, {
      fontFile: deflateSync(program, { level: SPARSE_PROGRAM_LEVEL }),
      fontFileLength: program.length,
      // The widths and the text mapping of the glyphs shown only (the whole prepared subset's /W array
      // was 7.9 KB of every PDF, uncompressed): a glyph not shown needs neither.
      widthsPdf: usedWidthsArray(this.prepared.widths, used),
      toUnicode: deflateSync(Buffer.from(toUnicodeCmap(this.prepared.unicode.map((u, id) => (used[id] ? u : []))), "latin1"), { level: 9 }),
    });
    if (this.sparseBlocks.size >= MAX_SPARSE_BLOCKS) this.sparseBlocks.delete(this.sparseBlocks.keys().next().value!);
    this.sparseBlocks.set(key, block);
    return block;
  }

  /** Forgets the kept sparse objects (the bench's cold-cache line; tests). */
  clearSparseBlocks(): void {
    this.sparseBlocks.clear();
  }
}

/** Distinct sets of used glyphs kept per font (each entry ~10–15 KB: the compressed program, the /W array and the ToUnicode CMap). */
const MAX_SPARSE_BLOCKS = 64;

/** zlib level of a sparse font program (glyph outlines compress little: level 1 is ~20 % faster for ~1.5 % more bytes, decision 029). */
const SPARSE_PROGRAM_LEVEL = 9;

/** A /W array (PDF 32000-1 §9.7.4.3) of the used ids only: one entry per run of consecutive used ids. */
export function usedWidthsArray(widths: readonly number[], used: Uint8Array): string {
  const runs: string[] = [];
  for (let i = 0; i < used.length; ) {
    if (!used[i]) {
      i++;
      continue;
    }
    const start = i;
    const run: string[] = [];
    while (i < used.length && used[i]) run.push(n6(widths[i]!)), i++;
    runs.push(`${start} [${run.join(" ")}]`);
  }
  return `[${runs.join(" ")}]`;
}

/** A set of used prepared ids (one byte per id, 0 or 1) as a short string: 16 ids per character. */
function usedKey(used: Uint8Array): string {
  let key = "";
  for (let i = 0; i < used.length; i += 16) {
    let bits = 0;
    const end = Math.min(i + 16, used.length);
    for (let j = i; j < end; j++) if (used[j]) bits |= 1 << (j - i);
    key += String.fromCharCode(bits);
  }
  return key;
}

/**
 * A font as one document uses it: the prepared subset's ids, and glyphs outside it numbered from the
 * end of the prepared set, in order of first use (the document's own subset is built at the end).
 */
export class DocumentFont {
  private readonly used: Uint8Array;
  private readonly extra: Glyph[] = [];
  private readonly extraIds = new Map<number, number>();

  constructor(
    readonly shaping: ShapingFont,
    /** The name in the page resources (F1, F2: as pdfkit names them, which also gives the subset tag). */
    readonly resourceName: string,
  ) {
    this.used = new Uint8Array(shaping.prepared.glyphs.length);
  }

  private readonly tfs = new Map<number, string>();

  /** The Tf operator selecting this font at a size. */
  tf(size: number): string {
    let op = this.tfs.get(size);
    if (op === undefined) this.tfs.set(size, (op = `/${this.resourceName} ${pdfNumber(size)} Tf`));
    return op;
  }

  /** Lines written from their ShapedLine: their ids are marked used when the document's fonts are written (objects()). */
  private readonly lines: ShapedLine[] = [];

  /** Marks prepared ids as used by this document (its font program carries their outlines only). */
  markUsed(ids: Uint16Array): void {
    for (let i = 0; i < ids.length; i++) this.used[ids[i]!] = 1;
  }

  /** Notes a line written whole from its ShapedLine. */
  usedLine(line: ShapedLine): void {
    this.lines.push(line);
  }

  /** The 4 hex digits of a glyph's id in this document's font. */
  hex(glyph: Glyph): string {
    const prepared = this.shaping.prepared;
    let id = prepared.ids.get(glyph.id);
    if (id !== undefined) this.used[id] = 1;
    else {
      id = this.extraIds.get(glyph.id);
      if (id === undefined) {
        id = prepared.glyphs.length + this.extra.length;
        this.extra.push(glyph);
        this.extraIds.set(glyph.id, id);
      }
    }
    return hexIds[id]!;
  }

  /** The font's five objects at numbers first…first+4 (the Type0 font first): the prepared bytes, or a subset of this document's own. */
  objects(first: number): PreparedObjects {
    // Every used id marked first, also those of lines written whole: the sparse program (or a subset of
    // the document's own) carries the outlines of exactly these glyphs.
    for (const line of this.lines) for (const ids of line.ids) this.markUsed(ids);
    if (!this.extra.length) return this.shaping.sparseBlock(first, this.resourceName, this.used);
    const own = documentSubset(this.shaping.font, this.shaping.prepared, this.used, this.extra);
    return fontObjects(this.shaping, first, this.resourceName, {
      fontFile: deflateSync(own.fontFile, { level: 1 }),
      fontFileLength: own.fontFile.length,
      widthsPdf: widthsArray(own.widths),
      toUnicode: deflateSync(Buffer.from(toUnicodeCmap(own.unicode), "latin1"), { level: 1 }),
    });
  }
}

const n6 = (n: number) => String(Math.round(n * 1e6) / 1e6);

/**
 * Two-byte glyph codes (given as hex) as a literal string (PDF 32000-1 §7.3.4.2): the codes' own
 * bytes, half the length of the hex string, with the three delimiters and the carriage return
 * escaped (a reader would turn an unescaped CR into LF). Bytes 0x80–0xFF stay as they are: page
 * contents are written as latin1, byte for byte.
 */
function literalCodes(hex: string): string {
  let out = "(";
  for (let i = 0; i < hex.length; i += 2) {
    const byte = parseInt(hex.slice(i, i + 2), 16);
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte === 0x0d) out += "\\r";
    else out += String.fromCharCode(byte);
  }
  return `${out})`;
}

/**
 * A TrueType font as PDF objects (PDF 32000-1 §9.7, a Type0 font with one CIDFontType2 descendant,
 * Identity-H): the dictionary entries pdfkit's EmbeddedFont.embed writes, at numbers first (Type0),
 * first+1 (CIDFont), first+2 (descriptor), first+3 (font file), first+4 (ToUnicode).
 */
function fontObjects(shaping: ShapingFont, first: number, resourceName: string, data: { fontFile: Uint8Array; fontFileLength: number; widthsPdf: string; toUnicode: Uint8Array }): PreparedObjects {
  return fontObjectsFrame(shaping, first, resourceName, data)(data.fontFile, data.fontFileLength);
}

/**
 * The objects of `fontObjects` serialised once but for the font file: a function that writes them
 * around a font file (the same bytes as `fontObjects` with that font file).
 */
function fontObjectsFrame(shaping: ShapingFont, first: number, resourceName: string, data: { widthsPdf: string; toUnicode: Uint8Array }): (fontFile: Uint8Array, fontFileLength: number) => PreparedObjects {
  const bodies = fontObjectBodies(shaping, first, resourceName, data);
  const before = prepareObjects(first, bodies.slice(0, 3));
  const after = prepareObjects(first + 4, bodies.slice(4));
  return (fontFile, fontFileLength) => {
    const file = prepareObjects(first + 3, [{ entries: `/Length1 ${fontFileLength}\n/Filter /FlateDecode`, data: fontFile }]);
    const at = before.bytes.length;
    return { first, bytes: Buffer.concat([before.bytes, file.bytes, after.bytes]), offsets: [...before.offsets, at, at + file.bytes.length] };
  };
}

/** The bodies of the five objects of `fontObjects`, the font file's left empty. */
function fontObjectBodies(shaping: ShapingFont, first: number, resourceName: string, data: { widthsPdf: string; toUnicode: Uint8Array }): (string | { entries: string; data: Uint8Array })[] {
  const f = shaping.font as Font & { "OS/2"?: { sFamilyClass?: number }; post: { isFixedPitch: number }; head: { macStyle: { italic: boolean } } };
  const familyClass = (f["OS/2"]?.sFamilyClass ?? 0) >> 8;
  let flags = 0;
  if (f.post.isFixedPitch) flags |= 1 << 0;
  if (1 <= familyClass && familyClass <= 7) flags |= 1 << 1;
  flags |= 1 << 2;
  if (familyClass === 10) flags |= 1 << 3;
  if (f.head.macStyle.italic) flags |= 1 << 6;
  const tag = [1, 2, 3, 4, 5, 6].map((i) => String.fromCharCode((resourceName.charCodeAt(i) || 73) + 17)).join("");
  const name = `${tag}+${f.postscriptName.replaceAll(" ", "_")}`;
  const s = shaping.scale;
  const { bbox } = f;
  const ref = (k: number) => `${first + k} 0 R`;
  return [
    `<<\n/Type /Font\n/Subtype /Type0\n/BaseFont /${name}\n/Encoding /Identity-H\n/DescendantFonts [${ref(1)}]\n/ToUnicode ${ref(4)}\n>>`,
    `<<\n/Type /Font\n/Subtype /CIDFontType2\n/BaseFont /${name}\n/CIDSystemInfo <<\n/Registry (Adobe)\n/Ordering (Identity)\n/Supplement 0\n>>\n/FontDescriptor ${ref(2)}\n/W ${data.widthsPdf}\n/CIDToGIDMap /Identity\n>>`,
    `<<\n/Type /FontDescriptor\n/FontName /${name}\n/Flags ${flags}\n/FontBBox [${[bbox.minX * s, bbox.minY * s, bbox.maxX * s, bbox.maxY * s].map(n6).join(" ")}]\n/ItalicAngle ${n6(f.italicAngle)}\n/Ascent ${n6(shaping.ascender)}\n/Descent ${n6(shaping.descender)}\n/CapHeight ${n6((f.capHeight || f.ascent) * s)}\n/XHeight ${n6((f.xHeight || 0) * s)}\n/StemV 0\n/FontFile2 ${ref(3)}\n>>`,
    "", // the font file (fontObjectsFrame)
    { entries: "/Filter /FlateDecode", data: data.toUnicode },
  ];
}
