import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * DejaVu Sans (from the dejavu-fonts-ttf package) covers Latin Extended, so names like "Łukasz
 * Nováček" or "Őrség" render. Reading the package's font files is the one I/O the PDF layout does:
 * once per process, at first use.
 */
let cache: { regular: Buffer; bold: Buffer } | undefined;

export function invoiceFonts(): { regular: Buffer; bold: Buffer } {
  if (!cache) {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
    cache = { regular: readFileSync(path.join(dir, "DejaVuSans.ttf")), bold: readFileSync(path.join(dir, "DejaVuSans-Bold.ttf")) };
  }
  return cache;
}
