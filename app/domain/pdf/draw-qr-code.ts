import { createRequire } from "node:module";
import QRCode from "qrcode";

/** What drawing a QR code needs of a document (pdfkit's or our PdfCanvas). */
interface Doc {
  save(): unknown;
  restore(): unknown;
  rect(x: number, y: number, w: number, h: number): { fill(colour?: string): unknown };
  fillColor(colour: string): unknown;
  addContent(op: string): unknown;
  fill(colour?: string): unknown;
}

/**
 * Draws a QR code as vector squares (sharp at any zoom, a few hundred bytes) with its quiet zone.
 * Error correction M, as EPC069-12 prescribes for payment codes.
 */
export function drawQrCode(doc: Doc, payload: string, x: number, y: number, size: number): void {
  const { size: count, modules } = qrMatrix(payload);
  const quiet = 2;
  doc.save();
  doc.rect(x, y, size, size).fill("#ffffff");
  doc.fillColor("#000000");
  // One rectangle per horizontal run of dark modules (a third of the drawing operations of one per
  // module), written as one block of the operators `doc.rect` writes (numbers rounded as pdfkit's
  // PDFObject.number rounds them).
  const grid = gridFor(x, y, size, count, quiet);
  const ops: string[] = [];
  for (let row = 0; row < count; row++) {
    const base = row * count;
    for (let col = 0; col < count; col++) {
      if (!modules[base + col]) continue;
      let end = col;
      while (end + 1 < count && modules[base + end + 1]) end++;
      ops.push(`${grid.columns[col]!} ${grid.rowHeads[row]!} ${grid.widths[end - col + 1]!}${grid.height}`);
      col = end;
    }
  }
  if (ops.length) doc.addContent(ops.join("\n"));
  doc.fill();
  doc.restore();
}

const pdfNumber = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The numbers of a symbol's rectangles as text, per position, size and module count: the same few
 * hundred numbers every invoice (the code sits at the same place), formatted once.
 */
const grids = new Map<string, { columns: string[]; rowHeads: string[]; height: string; widths: string[] }>();
function gridFor(x: number, y: number, size: number, count: number, quiet: number) {
  const key = `${x} ${y} ${size} ${count}`;
  let grid = grids.get(key);
  if (!grid) {
    const cell = size / (count + 2 * quiet);
    const indexes = Array.from({ length: count + 1 }, (_, i) => i);
    grid = {
      columns: indexes.map((col) => String(pdfNumber(x + (col + quiet) * cell))),
      rowHeads: indexes.map((row) => String(pdfNumber(y + (row + quiet) * cell))),
      height: ` ${pdfNumber(cell)} re`,
      widths: indexes.map((n) => String(pdfNumber(n * cell))),
    };
    if (grids.size >= 64) grids.clear();
    grids.set(key, grid);
  }
  return grid;
}

// ── The QR symbol ───────────────────────────────────────────────────────────────────────────────
// ISO/IEC 18004 §7.8.3: the encoder masks the symbol with each of the 8 patterns and keeps the one
// with the lowest penalty. The qrcode package does this through a function call per module and
// pattern (a fifth of a PDF's render time); the same rules over plain arrays choose the same mask
// (a test holds it to the package's choice for many payloads) in a fraction of the time.

interface BitMatrix {
  size: number;
  data: Uint8Array;
  reservedBit: Uint8Array;
}
interface FormatInfoModule {
  getEncodedBits(errorCorrectionLevel: unknown, mask: number): number;
}
const formatInfo = createRequire(import.meta.url)("qrcode/lib/core/format-info") as FormatInfoModule;

const maskFunctions: ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

/** Per symbol size (the reserved modules depend on the version only): each pattern's XOR over the data modules. */
const masksBySize = new Map<number, Uint8Array[]>();
function masksFor(matrix: BitMatrix): Uint8Array[] {
  let masks = masksBySize.get(matrix.size);
  if (!masks) {
    const n = matrix.size;
    masks = maskFunctions.map((mask) => {
      const xor = new Uint8Array(n * n);
      for (let row = 0; row < n; row++) for (let col = 0; col < n; col++) if (!matrix.reservedBit[row * n + col] && mask(row, col)) xor[row * n + col] = 1;
      return xor;
    });
    masksBySize.set(n, masks);
  }
  return masks;
}

/** The 15 format-information modules (qrcode's setupFormatInfo, lib/core/qrcode.js) and the dark module. */
function setFormatInfo(data: Uint8Array, n: number, bits: number): void {
  for (let i = 0; i < 15; i++) {
    const mod = (bits >> i) & 1;
    if (i < 6) data[i * n + 8] = mod;
    else if (i < 8) data[(i + 1) * n + 8] = mod;
    else data[(n - 15 + i) * n + 8] = mod;
    if (i < 8) data[8 * n + (n - i - 1)] = mod;
    else if (i < 9) data[8 * n + (15 - i - 1 + 1)] = mod;
    else data[8 * n + (15 - i - 1)] = mod;
  }
  data[(n - 8) * n + 8] = 1;
}

/** Penalty of a masked symbol: rules N1–N4 exactly as the qrcode package scores them (lib/core/mask-pattern.js). */
function penalty(d: Uint8Array, n: number): number {
  let n1 = 0;
  let n3 = 0;
  for (let a = 0; a < n; a++) {
    let sameRow = 0;
    let sameCol = 0;
    let lastRow = -1;
    let lastCol = -1;
    let bitsRow = 0;
    let bitsCol = 0;
    for (let b = 0; b < n; b++) {
      const h = d[a * n + b]!; // along row a
      const v = d[b * n + a]!; // along column a
      if (h === lastRow) sameRow++;
      else {
        if (sameRow >= 5) n1 += 3 + (sameRow - 5);
        lastRow = h;
        sameRow = 1;
      }
      if (v === lastCol) sameCol++;
      else {
        if (sameCol >= 5) n1 += 3 + (sameCol - 5);
        lastCol = v;
        sameCol = 1;
      }
      bitsRow = ((bitsRow << 1) & 0x7ff) | h;
      bitsCol = ((bitsCol << 1) & 0x7ff) | v;
      if (b >= 10) {
        if (bitsRow === 0x5d0 || bitsRow === 0x05d) n3++;
        if (bitsCol === 0x5d0 || bitsCol === 0x05d) n3++;
      }
    }
    if (sameRow >= 5) n1 += 3 + (sameRow - 5);
    if (sameCol >= 5) n1 += 3 + (sameCol - 5);
  }
  let n2 = 0;
  let dark = 0;
  for (let row = 0; row < n - 1; row++) {
    for (let col = 0; col < n - 1; col++) {
      const i = row * n + col;
      const sum = d[i]! + d[i + 1]! + d[i + n]! + d[i + n + 1]!;
      if (sum === 4 || sum === 0) n2++;
    }
  }
  for (let i = 0; i < d.length; i++) dark += d[i]!;
  const k = Math.abs(Math.ceil((dark * 100) / d.length / 5) - 10);
  return n1 + n2 * 3 + n3 * 40 + k * 10;
}

/** The QR symbol for a payload at error correction M, masked as ISO/IEC 18004 prescribes: size and modules (row-major, 1 = dark). */
export function qrMatrix(payload: string): { size: number; modules: Uint8Array } {
  // Mask 0 given, so the package skips its own mask search; the search below replaces it.
  const qr = QRCode.create([{ data: payload, mode: "byte" }] as unknown as string, { errorCorrectionLevel: "M", maskPattern: 0 }) as unknown as { modules: BitMatrix; errorCorrectionLevel: unknown };
  const matrix = qr.modules;
  const n = matrix.size;
  const masks = masksFor(matrix);
  const unmasked = matrix.data.slice();
  const mask0 = masks[0]!;
  for (let i = 0; i < unmasked.length; i++) unmasked[i]! ^= mask0[i]!;
  const candidate = new Uint8Array(unmasked.length);
  let best = 0;
  let lowest = Infinity;
  for (let p = 0; p < 8; p++) {
    const mask = masks[p]!;
    for (let i = 0; i < candidate.length; i++) candidate[i] = unmasked[i]! ^ mask[i]!;
    setFormatInfo(candidate, n, formatInfo.getEncodedBits(qr.errorCorrectionLevel, p));
    const score = penalty(candidate, n);
    if (score < lowest) {
      lowest = score;
      best = p;
    }
  }
  const mask = masks[best]!;
  for (let i = 0; i < candidate.length; i++) candidate[i] = unmasked[i]! ^ mask[i]!;
  setFormatInfo(candidate, n, formatInfo.getEncodedBits(qr.errorCorrectionLevel, best));
  return { size: n, modules: candidate };
}
