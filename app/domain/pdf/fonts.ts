import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { create, type Font } from "fontkit";
import { ShapingFont } from "./pdf-font";
import { prepareFont, type PreparedFont } from "./prepared-font";

/**
 * DejaVu Sans (from the dejavu-fonts-ttf package) covers Latin Extended, so names like "Łukasz
 * Nováček" or "Őrség" render. The font files are read and parsed once per process — parsing a
 * 700 KB TrueType file for every invoice was most of a PDF's render time. (Reading the package's
 * font files is the one I/O the PDF layout does.)
 */
let cache: { regular: Font; bold: Font } | undefined;

export function invoiceFonts(): { regular: Font; bold: Font } {
  if (!cache) {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
    const load = (file: string) => create(readFileSync(path.join(dir, file))) as Font;
    cache = { regular: load("DejaVuSans.ttf"), bold: load("DejaVuSans-Bold.ttf") };
  }
  return cache;
}

let prepared: { regular: PreparedFont; bold: PreparedFont } | undefined;

/** The invoice fonts' prepared subsets (see prepared-font.ts), made on first use and kept for the process. */
export function preparedInvoiceFonts(): { regular: PreparedFont; bold: PreparedFont } {
  if (!prepared) {
    const fonts = invoiceFonts();
    prepared = { regular: prepareFont(fonts.regular), bold: prepareFont(fonts.bold) };
  }
  return prepared;
}

let shaping: { bold: ShapingFont; regular: ShapingFont } | undefined;

/** The invoice fonts with their prepared subsets and the process's shaped-word caches (pdf-font.ts). */
export function shapingInvoiceFonts(): { bold: ShapingFont; regular: ShapingFont } {
  if (!shaping) {
    const fonts = invoiceFonts();
    const subsets = preparedInvoiceFonts();
    shaping = { bold: new ShapingFont(fonts.bold, subsets.bold), regular: new ShapingFont(fonts.regular, subsets.regular) };
  }
  return shaping;
}

/** Forgets the fonts' kept sparse font programs (pdf-font.ts): the next documents make theirs again. */
export function clearSparseFontPrograms(): void {
  if (!shaping) return;
  shaping.bold.clearSparseBlocks();
  shaping.regular.clearSparseBlocks();
}
