import { deflateSync } from "node:zlib";
import type { Font, Glyph } from "fontkit";

/**
 * A font subset made once per process and embedded as-is in every PDF of the process.
 *
 * pdfkit subsets a font per document: it collects the glyphs the document uses and, at the end,
 * re-encodes a TrueType file for them with fontkit and deflates it. For an invoice that was a quarter
 * of the render time, and the result hardly changes from one invoice to the next. Here the subset is
 * made once for the characters European invoices use (ASCII, Latin-1, Latin Extended-A, Romanian
 * comma-below letters, typographic punctuation, €, the f-ligatures DejaVu forms), with its font file,
 * widths and ToUnicode map already serialised and compressed, so a document only writes bytes.
 *
 * A glyph outside that set (Greek, Cyrillic, a symbol…) still renders: it gets the next free id, and
 * that document alone builds a subset of its own — the prepared glyphs under the same ids, then its
 * extra glyphs — which costs what every document cost before. Either way the bytes depend only on the
 * document, never on what the process rendered earlier.
 */
export interface PreparedFont {
  /** fontkit glyph id → id in the prepared subset. */
  readonly ids: Map<number, number>;
  /** Glyph ids of the prepared subset, in subset order (0 is .notdef). */
  readonly glyphs: readonly number[];
  /** Advance widths (1/1000 em) per subset id. */
  readonly widths: readonly number[];
  /** Unicode code points per subset id (empty for a glyph only used inside another glyph). */
  readonly unicode: readonly (readonly number[])[];
  /** The TrueType subset, deflated, and its length before compression. */
  readonly fontFile: Uint8Array;
  readonly fontFileLength: number;
  /** The ToUnicode CMap, deflated. */
  readonly toUnicode: Uint8Array;
  /** The /W array, serialised. */
  readonly widthsPdf: string;
  /** A glyph without an outline (the space): what a per-document subset puts in the slots it does not use. */
  readonly emptyGlyph: number;
}

/** The characters of the prepared subset. */
export const PREPARED_CHARACTERS: string = (() => {
  const ranges: [number, number][] = [
    [0x20, 0x7e], // ASCII
    [0xa0, 0xff], // Latin-1 Supplement: à é ö ß ç ø å ñ « » ° · …
    [0x100, 0x17f], // Latin Extended-A: ł č ő ś ž ę ą ğ ı …
    [0x218, 0x21b], // Ș ș Ț ț (Romanian)
    [0x2c6, 0x2c7], // ˆ ˇ
    [0x2d8, 0x2dd], // ˘ ˙ ˚ ˛ ˜ ˝
    [0x2010, 0x2027], // ‐ – — ‘ ’ ‚ “ ” „ † ‡ • …
    [0x2030, 0x2030], // ‰
    [0x2039, 0x203a], // ‹ ›
    [0x2044, 0x2044], // ⁄
    [0x20ac, 0x20ac], // €
    [0x2116, 0x2116], // №
    [0x2122, 0x2122], // ™
    [0x2212, 0x2212], // −
  ];
  return ranges.map(([a, b]) => String.fromCodePoint(...Array.from({ length: b - a + 1 }, (_, i) => a + i))).join("");
})();

/** Letter sequences DejaVu turns into one glyph (its 'liga' feature), mapped back to their letters. */
const LIGATURES = ["ffi", "ffl", "ff", "fi", "fl"];

type FontkitSubset = { glyphs: number[]; mapping: Record<number, number>; includeGlyph(id: number): number; encode(): Uint8Array };

/** Builds the prepared subset of a font (once per process and font: a few tens of milliseconds). */
export function prepareFont(font: Font, characters: string = PREPARED_CHARACTERS): PreparedFont {
  const scale = 1000 / font.unitsPerEm;
  const subset = font.createSubset() as unknown as FontkitSubset;
  const unicode = new Map<number, number[]>([[0, []]]);
  for (const char of characters) {
    const glyph = font.glyphForCodePoint(char.codePointAt(0)!);
    if (!glyph || glyph.id === 0) continue; // not in the font: such text takes the per-document path
    subset.includeGlyph(glyph.id);
    if (!unicode.has(glyph.id)) unicode.set(glyph.id, [char.codePointAt(0)!]);
  }
  for (const sequence of LIGATURES) {
    const run = font.layout(sequence);
    if (run.glyphs.length !== 1) continue;
    const glyph = run.glyphs[0]!;
    subset.includeGlyph(glyph.id);
    if (!unicode.has(glyph.id)) unicode.set(glyph.id, glyph.codePoints);
  }
  // Encoding adds the components of composite glyphs (accented letters) after the glyphs above.
  const bytes = subset.encode();
  const glyphs = [...subset.glyphs];
  const ids = new Map(glyphs.map((gid, index) => [gid, index]));
  const widths = glyphs.map((gid) => font.getGlyph(gid).advanceWidth * scale);
  const codePoints = glyphs.map((gid) => unicode.get(gid) ?? []);
  return {
    ids,
    glyphs,
    widths,
    unicode: codePoints,
    fontFile: deflateSync(bytes, { level: 9 }),
    fontFileLength: bytes.length,
    toUnicode: deflateSync(Buffer.from(toUnicodeCmap(codePoints), "latin1"), { level: 9 }),
    widthsPdf: widthsArray(widths),
    emptyGlyph: font.glyphForCodePoint(0x20).id,
  };
}

/** A number as pdfkit writes it (six decimals at most). */
function pdfNumber(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

const hex4 = (n: number) => n.toString(16).padStart(4, "0");

function utf16Hex(codePoints: readonly number[]): string {
  let out = "";
  for (let value of codePoints) {
    if (value > 0xffff) {
      value -= 0x10000;
      out += hex4(((value >>> 10) & 0x3ff) | 0xd800);
      value = 0xdc00 | (value & 0x3ff);
    }
    out += hex4(value);
  }
  return out;
}

/** A ToUnicode CMap (PDF 32000-1 §9.10.3) with one bfchar entry per glyph that has code points. */
export function toUnicodeCmap(unicode: readonly (readonly number[])[]): string {
  const entries: string[] = [];
  unicode.forEach((codePoints, id) => {
    if (codePoints.length) entries.push(`<${hex4(id)}> <${utf16Hex(codePoints)}>`);
  });
  const blocks: string[] = [];
  // At most 100 entries per beginbfchar block (PDF 32000-1 §9.10.3, Adobe Technical Note #5411).
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    blocks.push(`${block.length} beginbfchar\n${block.join("\n")}\nendbfchar`);
  }
  return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo <<
  /Registry (Adobe)
  /Ordering (UCS)
  /Supplement 0
>> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000><ffff>
endcodespacerange
${blocks.join("\n")}
endcmap
CMapName currentdict /CMap defineresource pop
end
end`;
}

/** A value pdfkit writes into a PDF object as it is (pdfkit stringifies objects that are not plain). */
class PdfRaw {
  constructor(private readonly value: string) {}
  get [Symbol.toStringTag]() {
    return "PdfRaw";
  }
  toString() {
    return this.value;
  }
}

/** The parts of pdfkit's EmbeddedFont (js/pdfkit.js, class EmbeddedFont) this module takes over. */
interface PdfkitEmbeddedFont {
  id: string;
  font: Font;
  scale: number;
  ascender: number;
  descender: number;
  subset: FontkitSubset;
  widths: number[];
  unicode: number[][];
  dictionary: { data: Record<string, unknown>; end(): void };
  document: { ref(data?: Record<string, unknown>): PdfkitRef };
  layout(text: string, features?: unknown, onlyWidth?: boolean): { glyphs: Glyph[] | null; positions: unknown[] | null; advanceWidth: number };
  layoutRun(text: string, features?: unknown): { glyphs: Glyph[]; positions: unknown[]; advanceWidth: number };
  layoutCached(text: string): { glyphs: Glyph[]; positions: unknown[]; advanceWidth: number };
  encode(text: string, features?: unknown): [string[], unknown[]];
  embed(): void;
}
interface PdfkitRef {
  data: Record<string, unknown>;
  end(chunk?: Uint8Array | string): void;
}

export const hexIds: string[] = Array.from({ length: 0x10000 }, (_, i) => hex4(i));

/**
 * Makes a document's font (the object pdfkit made for `doc.font(name)`) use the prepared subset:
 * glyph ids from the prepared table, and at the end the prepared bytes — or, if the document used a
 * glyph outside it, a subset of its own built the way pdfkit builds one.
 */
export function usePreparedFont(pdfkitFont: unknown, prepared: PreparedFont): void {
  const font = pdfkitFont as PdfkitEmbeddedFont;
  const originalEmbed = font.embed;
  /** Glyphs outside the prepared subset, in order of first use (ids from prepared.glyphs.length). */
  const extra: Glyph[] = [];
  const extraIds = new Map<number, number>();
  /** Which prepared ids this document uses. */
  const used = new Uint8Array(prepared.glyphs.length);

  // pdfkit's EmbeddedFont.layout, word by word through the layout cache, with the glyphs appended in
  // place (pdfkit copies the whole array for every word, and tests each character with Array.includes).
  font.layout = function layout(text, features, onlyWidth) {
    if (features) return this.layoutRun(text, features);
    const glyphs: Glyph[] | null = onlyWidth ? null : [];
    const positions: unknown[] | null = onlyWidth ? null : [];
    let advanceWidth = 0;
    let last = 0;
    const n = text.length;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? text.charCodeAt(i) : -1;
      if (i === n ? last < n : c === 32 || c === 9) {
        const run = this.layoutCached(text.slice(last, i + 1));
        if (glyphs && positions) {
          for (const g of run.glyphs) glyphs.push(g);
          for (const p of run.positions) positions.push(p);
        }
        advanceWidth += run.advanceWidth;
        last = i + 1;
      }
    }
    return { glyphs, positions, advanceWidth };
  };

  font.encode = function encode(text, features) {
    const { glyphs: laidOut, positions } = this.layout(text, features);
    const glyphs = laidOut!;
    const res: string[] = new Array(glyphs.length);
    for (let i = 0; i < glyphs.length; i++) {
      const glyph = glyphs[i]!;
      let id = prepared.ids.get(glyph.id);
      if (id !== undefined) used[id] = 1;
      else id = extraIds.get(glyph.id);
      if (id === undefined) {
        id = prepared.glyphs.length + extra.length;
        extra.push(glyph);
        extraIds.set(glyph.id, id);
      }
      res[i] = hexIds[id]!;
    }
    return [res, positions!];
  };

  font.embed = function embed() {
    if (extra.length) {
      // pdfkit's own embedding, over a subset that keeps the prepared ids and appends the extra glyphs.
      // A prepared id the document does not use holds an empty glyph, so the subset carries only the
      // glyphs the document shows (and their components, which fontkit appends when encoding).
      const subset = this.font.createSubset() as unknown as FontkitSubset;
      for (let i = 1; i < prepared.glyphs.length; i++) {
        if (used[i]) subset.includeGlyph(prepared.glyphs[i]!);
        else subset.glyphs.push(prepared.emptyGlyph);
      }
      for (const glyph of extra) subset.includeGlyph(glyph.id);
      this.subset = subset;
      this.widths = [...prepared.widths, ...extra.map((g) => g.advanceWidth * this.scale)];
      this.unicode = [...prepared.unicode.map((u) => (u.length ? [...u] : [0])), ...extra.map((g) => g.codePoints)];
      return originalEmbed.call(this);
    }
    embedPrepared(this, prepared);
  };
}

/** pdfkit's EmbeddedFont.embed for a TrueType font, with the prepared font file, widths and CMap. */
function embedPrepared(font: PdfkitEmbeddedFont, prepared: PreparedFont): void {
  const doc = font.document;
  const fontFile = doc.ref({ Length1: prepared.fontFileLength, Filter: "FlateDecode" });
  fontFile.end(prepared.fontFile);
  const f = font.font as Font & { "OS/2"?: { sFamilyClass?: number }; post: { isFixedPitch: number }; head: { macStyle: { italic: boolean } } };
  const familyClass = (f["OS/2"]?.sFamilyClass ?? 0) >> 8;
  let flags = 0;
  if (f.post.isFixedPitch) flags |= 1 << 0;
  if (1 <= familyClass && familyClass <= 7) flags |= 1 << 1;
  flags |= 1 << 2;
  if (familyClass === 10) flags |= 1 << 3;
  if (f.head.macStyle.italic) flags |= 1 << 6;
  const tag = [1, 2, 3, 4, 5, 6].map((i) => String.fromCharCode((font.id.charCodeAt(i) || 73) + 17)).join("");
  const name = `${tag}+${f.postscriptName.replaceAll(" ", "_")}`;
  const { bbox } = f;
  const descriptor = doc.ref({
    Type: "FontDescriptor",
    FontName: name,
    Flags: flags,
    FontBBox: [bbox.minX * font.scale, bbox.minY * font.scale, bbox.maxX * font.scale, bbox.maxY * font.scale],
    ItalicAngle: f.italicAngle,
    Ascent: font.ascender,
    Descent: font.descender,
    CapHeight: (f.capHeight || f.ascent) * font.scale,
    XHeight: (f.xHeight || 0) * font.scale,
    StemV: 0,
    FontFile2: fontFile,
  });
  descriptor.end();
  const descendant = doc.ref({
    Type: "Font",
    Subtype: "CIDFontType2",
    BaseFont: name,
    CIDSystemInfo: { Registry: new String("Adobe"), Ordering: new String("Identity"), Supplement: 0 },
    FontDescriptor: descriptor,
    W: new PdfRaw(prepared.widthsPdf),
    CIDToGIDMap: "Identity",
  });
  descendant.end();
  const cmap = doc.ref({ Filter: "FlateDecode" });
  cmap.end(prepared.toUnicode);
  font.dictionary.data = { Type: "Font", Subtype: "Type0", BaseFont: name, Encoding: "Identity-H", DescendantFonts: [descendant], ToUnicode: cmap };
  font.dictionary.end();
}

/**
 * A document's own subset when its text needs glyphs outside the prepared set: the prepared glyphs it
 * used under their prepared ids (an empty glyph in each id it did not use, so the subset carries only
 * what the document shows), then its extra glyphs from id `prepared.glyphs.length` on. fontkit appends
 * the components of composite glyphs when encoding. The slow path (a per-document subset, as pdfkit
 * makes for every document), taken only for such documents.
 */
export function documentSubset(font: Font, prepared: PreparedFont, used: Uint8Array, extra: readonly Glyph[]): { fontFile: Uint8Array; widths: number[]; unicode: number[][] } {
  const scale = 1000 / font.unitsPerEm;
  const subset = font.createSubset() as unknown as FontkitSubset;
  for (let i = 1; i < prepared.glyphs.length; i++) {
    if (used[i]) subset.includeGlyph(prepared.glyphs[i]!);
    else subset.glyphs.push(prepared.emptyGlyph);
  }
  for (const glyph of extra) subset.includeGlyph(glyph.id);
  return {
    fontFile: subset.encode(),
    widths: [...prepared.widths, ...extra.map((g) => g.advanceWidth * scale)],
    unicode: [...prepared.unicode.map((u) => (u.length ? [...u] : [0])), ...extra.map((g) => g.codePoints)],
  };
}

/** The /W array of a font's widths (one run from id 0), numbers as pdfkit writes them. */
export function widthsArray(widths: readonly number[]): string {
  return `[0 [${widths.map(pdfNumber).join(" ")}]]`;
}
