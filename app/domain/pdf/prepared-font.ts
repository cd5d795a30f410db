import { deflateSync } from "node:zlib";
import type { Font, Glyph } from "fontkit";
import { sparseFontSource, type SparseFontSource } from "./sparse-font-program";

/**
 * A font subset made once per process and embedded as-is in every PDF of the process.
 *
 * pdfkit subsets a font per document: it collects the glyphs the document uses and, at the end,
 * re-encodes a TrueType file for them with fontkit and deflates it. For an invoice that was a quarter
 * of the render time, and the result hardly changes from one invoice to the next. Here the subset is
 * made once for the characters European invoices use (ASCII, Latin-1, Latin Extended-A, Romanian
 * comma-below letters, typographic punctuation, €, the f-ligatures DejaVu forms), with its widths and
 * ToUnicode map already serialised and compressed, so a document only writes bytes. Its font program
 * is embedded sparse: the outlines of the glyphs the document uses, every glyph under its prepared id
 * (sparse-font-program.ts), compressed once per distinct set of used glyphs (pdf-font.ts).
 *
 * A glyph outside that set (Greek, Cyrillic, a symbol…) still renders: it gets the next free id, and
 * that document alone builds a subset of its own (`documentSubset`) — the prepared glyphs under the
 * same ids, then its extra glyphs — which costs what every document cost before. Either way the bytes
 * depend only on the document, never on what the process rendered earlier. The invoice writer
 * (pdf-font.ts, decision 029) writes these as PDF objects.
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
  /** The TrueType subset as fontkit encodes it (all its glyphs). */
  readonly program: Uint8Array;
  /** The same, read for making sparse programs of it: the glyphs a document uses, under the same ids (sparse-font-program.ts). */
  readonly sparse: SparseFontSource;
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
    program: bytes,
    sparse: sparseFontSource(bytes),
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

/** The 4 hex digits of every glyph id, for the text operators. */
export const hexIds: string[] = Array.from({ length: 0x10000 }, (_, i) => hex4(i));

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
