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
  // module), in module units: the transformation scales a module to its size on the page, so each
  // rectangle is a few digits (e.g. "12 7 3 1 re") instead of four positions with six decimals —
  // the same squares, a quarter of the bytes to join and compress.
  const cell = size / (count + 2 * quiet);
  // (Ten decimals: a module's edge lands within 10⁻⁶ pt of where the six-decimal positions put it before.)
  const c = precise(cell);
  const ops: string[] = [`${c} 0 0 ${c} ${precise(x + quiet * cell)} ${precise(y + quiet * cell)} cm`];
  for (let row = 0; row < count; row++) {
    const base = row * count;
    for (let col = 0; col < count; col++) {
      if (!modules[base + col]) continue;
      let end = col;
      while (end + 1 < count && modules[base + end + 1]) end++;
      ops.push(`${col} ${row} ${end - col + 1} 1 re`);
      col = end;
    }
  }
  doc.addContent(ops.join("\n"));
  doc.fill();
  doc.restore();
}

const precise = (n: number) => String(Math.round(n * 1e10) / 1e10);

// ── The QR symbol ───────────────────────────────────────────────────────────────────────────────
// An encoder of our own for the one kind of symbol the invoice prints: byte mode (UTF-8), error
// correction M (ISO/IEC 18004 §7). It gives the modules the qrcode package gives for the same input
// in byte mode (a test holds it to the package module for module), without the package's general
// machinery per symbol: the function patterns, the order in which data modules are filled and the
// mask patterns are made once per version (the package itself draws the version's template), the
// Reed–Solomon remainders are computed with log/antilog tables over typed arrays, and the mask
// search (§7.8.3: all 8 masks, the lowest penalty wins) scores the four rules over plain arrays.

interface BitMatrix {
  size: number;
  data: Uint8Array;
  reservedBit: Uint8Array;
}
const requireQr = createRequire(import.meta.url);
const formatInfo = requireQr("qrcode/lib/core/format-info") as { getEncodedBits(errorCorrectionLevel: unknown, mask: number): number };
const qrVersion = requireQr("qrcode/lib/core/version") as { getCapacity(version: number, errorCorrectionLevel: unknown, mode: unknown): number };
const ecCode = requireQr("qrcode/lib/core/error-correction-code") as { getBlocksCount(version: number, ecl: unknown): number; getTotalCodewordsCount(version: number, ecl: unknown): number };
const qrUtils = requireQr("qrcode/lib/core/utils") as { getSymbolTotalCodewords(version: number): number };
const ECL_M = (requireQr("qrcode/lib/core/error-correction-level") as { M: unknown }).M;
const BYTE_MODE = (requireQr("qrcode/lib/core/mode") as { BYTE: unknown }).BYTE;

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

/** GF(256) with the QR polynomial 0x11D (§7.5.2): antilogarithms (doubled, no modulo) and logarithms. */
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

/** The generator polynomial of a degree (∏ (x − αⁱ)), without its leading 1, as logarithms. */
const generators = new Map<number, Int16Array>();
function generatorLogs(degree: number): Int16Array {
  let logs = generators.get(degree);
  if (!logs) {
    let poly = new Uint8Array([1]);
    for (let i = 0; i < degree; i++) {
      const next = new Uint8Array(poly.length + 1);
      for (let j = 0; j < poly.length; j++) {
        next[j]! ^= poly[j]!;
        if (poly[j]) next[j + 1]! ^= EXP[LOG[poly[j]!]! + i]!;
      }
      poly = next;
    }
    logs = new Int16Array(degree);
    for (let i = 0; i < degree; i++) {
      if (!poly[i + 1]) throw new Error(`QR generator polynomial of degree ${degree} has a zero coefficient`);
      logs[i] = LOG[poly[i + 1]!]!;
    }
    generators.set(degree, logs);
  }
  return logs;
}

/** Everything about a version at level M that does not depend on the data. */
interface VersionPlan {
  size: number;
  /** Byte-mode capacity in bytes. */
  capacity: number;
  /** Bits of the character count indicator. */
  countBits: number;
  dataCodewords: number;
  totalCodewords: number;
  blocks: number;
  /** The function patterns (finder, timing, alignment, version information, format information for mask 0, the dark module); 0 elsewhere. */
  template: Uint8Array;
  /** Data module indexes in placement order (§7.7.3). */
  order: Int32Array;
  /** Each mask pattern's XOR over the data modules. */
  masks: Uint8Array[];
  /** The same, packed (see `pack`), and the words per packed row. */
  packedMasks: { rows: Int32Array; columns: Int32Array }[];
  /** The template packed, and each data module's place in the packed matrices: (row word, bit, column word, bit) per module in placement order. */
  packedTemplate: { rows: Int32Array; columns: Int32Array };
  orderPacked: Int32Array;
  words: number;
  /** Positions of the format-information bits in the packed matrices (see formatPositions). */
  format: Int32Array;
}
const plans: (VersionPlan | undefined)[] = [];
const capacities: number[] = [];
function capacity(version: number): number {
  return (capacities[version] ??= qrVersion.getCapacity(version, ECL_M, BYTE_MODE));
}

function planFor(version: number): VersionPlan {
  let plan = plans[version];
  if (!plan) {
    // The package draws the version's function patterns (mask 0's format information): they do not depend on the data.
    const reference = QRCode.create([{ data: new Uint8Array(1), mode: "byte" }] as unknown as string, { errorCorrectionLevel: "M", maskPattern: 0, version }) as unknown as { modules: BitMatrix };
    const { size: n, reservedBit } = reference.modules;
    const template = new Uint8Array(n * n);
    for (let i = 0; i < n * n; i++) if (reservedBit[i]) template[i] = reference.modules.data[i]!;
    // qrcode's setupData (lib/core/qrcode.js): two columns at a time, upwards then downwards, skipping the timing column.
    const order: number[] = [];
    let inc = -1;
    let row = n - 1;
    for (let col = n - 1; col > 0; col -= 2) {
      if (col === 6) col--;
      for (;;) {
        for (let c = 0; c < 2; c++) if (!reservedBit[row * n + col - c]) order.push(row * n + col - c);
        row += inc;
        if (row < 0 || n <= row) {
          row -= inc;
          inc = -inc;
          break;
        }
      }
    }
    const masks = maskFunctions.map((mask) => {
      const xor = new Uint8Array(n * n);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (!reservedBit[r * n + c] && mask(r, c)) xor[r * n + c] = 1;
      return xor;
    });
    const totalCodewords = qrUtils.getSymbolTotalCodewords(version);
    plan = {
      size: n,
      capacity: capacity(version),
      countBits: version < 10 ? 8 : 16,
      dataCodewords: totalCodewords - ecCode.getTotalCodewordsCount(version, ECL_M),
      totalCodewords,
      blocks: ecCode.getBlocksCount(version, ECL_M),
      template,
      order: Int32Array.from(order),
      masks,
      packedMasks: masks.map((mask) => pack(mask, n, wordsPerRow(n))),
      packedTemplate: pack(template, n, wordsPerRow(n)),
      orderPacked: Int32Array.from(order.flatMap((i) => {
        const [r, c] = [Math.floor(i / n), i % n];
        const W = wordsPerRow(n);
        return [r * W + (c >>> 5), 1 << (c & 31), c * W + (r >>> 5), 1 << (r & 31)];
      })),
      words: wordsPerRow(n),
      format: formatPositions(n, wordsPerRow(n)),
    };
    plans[version] = plan;
  }
  return plan;
}

/** The codewords of a byte-mode segment (§7.4): data with mode, count, terminator and padding, then Reed–Solomon, interleaved (§7.6). */
function codewords(bytes: Uint8Array, plan: VersionPlan): Uint8Array {
  const data = new Uint8Array(plan.dataCodewords);
  // Mode 0100, the count, the bytes: written as a bit stream.
  let acc = 0b0100;
  let bits = 4;
  let at = 0;
  const put = (value: number, length: number) => {
    acc = (acc << length) | value;
    bits += length;
    while (bits >= 8) {
      bits -= 8;
      data[at++] = (acc >>> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  };
  put(bytes.length, plan.countBits);
  for (let i = 0; i < bytes.length; i++) put(bytes[i]!, 8);
  // The terminator (up to 4 zero bits, as room allows), zeros to the byte boundary, then 0xEC 0x11 alternately.
  const totalBits = plan.dataCodewords * 8;
  if (at * 8 + bits + 4 <= totalBits) put(0, 4);
  if (bits) put(0, 8 - bits);
  for (let i = 0; at < plan.dataCodewords; i++) data[at++] = i % 2 ? 0x11 : 0xec;

  // Blocks (group 2 has one data codeword more), each with its error correction codewords.
  const { blocks, totalCodewords, dataCodewords } = plan;
  const group2 = totalCodewords % blocks;
  const group1 = blocks - group2;
  const data1 = Math.floor(dataCodewords / blocks);
  const ecCount = Math.floor(totalCodewords / blocks) - data1;
  const gen = generatorLogs(ecCount);
  const out = new Uint8Array(totalCodewords);
  const ecc = new Uint8Array(ecCount * blocks);
  let offset = 0;
  for (let b = 0; b < blocks; b++) {
    const length = b < group1 ? data1 : data1 + 1;
    const base = b * ecCount;
    // The remainder of data(x)·x^ecCount divided by the generator, shifted in byte by byte
    // (the generator polynomials of QR codes have no zero coefficient: see generatorLogs).
    const last = base + ecCount - 1;
    for (let i = 0; i < length; i++) {
      const factor = data[offset + i]! ^ ecc[base]!;
      if (factor) {
        const lf = LOG[factor]!;
        for (let j = base; j < last; j++) ecc[j] = ecc[j + 1]! ^ EXP[gen[j - base]! + lf]!;
        ecc[last] = EXP[gen[ecCount - 1]! + lf]!;
      } else {
        for (let j = base; j < last; j++) ecc[j] = ecc[j + 1]!;
        ecc[last] = 0;
      }
    }
    offset += length;
  }
  // Interleave: the i-th data codeword of every block, then the i-th EC codeword of every block.
  let index = 0;
  for (let i = 0; i <= data1; i++) {
    let start = 0;
    for (let b = 0; b < blocks; b++) {
      const length = b < group1 ? data1 : data1 + 1;
      if (i < length) out[index++] = data[start + i]!;
      start += length;
    }
  }
  for (let i = 0; i < ecCount; i++) for (let b = 0; b < blocks; b++) out[index++] = ecc[b * ecCount + i]!;
  return out;
}

// ── The mask search, 32 modules at a time ─────────────────────────────────────────────────────
// The penalty rules as qrcode scores them (lib/core/mask-pattern.js), but on rows packed into 32-bit
// words (the columns too, as the rows of the transposed symbol), so that each rule is a few bitwise
// operations and a population count per 32 modules instead of a branch per module:
//   N1: a run of L ≥ 5 equal modules scores 3 + (L − 5) = (L − 4 windows of 5 equal modules) + 2;
//   N2: 3 per 2 × 2 block of one colour;
//   N3: 40 per 11-module window reading 10111010000 or 00001011101;
//   N4: 10 per 5 % that dark modules deviate from half.

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Bits j = 0…limit set (all 32 when limit ≥ 31, none when < 0). */
function upTo(limit: number): number {
  return limit >= 31 ? -1 : limit < 0 ? 0 : (1 << (limit + 1)) - 1;
}

/** 32 modules of a packed row starting at module p (p ≥ 0): bit j is module p + j. */
function bitsAt(rows: Int32Array, base: number, p: number): number {
  const w = base + (p >>> 5);
  const o = p & 31;
  return o ? (rows[w]! >>> o) | (rows[w + 1]! << (32 - o)) : rows[w]!;
}

/** Words per packed row: room for a window of 11 starting at the last module, and a zero word after. */
const wordsPerRow = (n: number) => ((n + 11 + 31) >>> 5) + 1;

/** Rules N1 and N3 along the rows of a packed matrix. */
function linePenalty(rows: Int32Array, n: number, W: number): number {
  let n1 = 0;
  let n3 = 0;
  for (let r = 0; r < n; r++) {
    const base = r * W;
    for (let s = 0; s < n; s += 32) {
      const x0 = bitsAt(rows, base, s);
      const x1 = bitsAt(rows, base, s + 1);
      const x2 = bitsAt(rows, base, s + 2);
      const x3 = bitsAt(rows, base, s + 3);
      const x4 = bitsAt(rows, base, s + 4);
      // e_k bit j: modules s+j+k and s+j+k+1 are equal.
      const e0 = ~(x0 ^ x1);
      const e1 = ~(x1 ^ x2);
      const e2 = ~(x2 ^ x3);
      const e3 = ~(x3 ^ x4);
      // Whether module s+j−1 equals module s+j (never, for the first module of the row: a run starts there).
      const before = s ? ~(bitsAt(rows, base, s - 1) ^ x0) : ~((x0 << 1) ^ x0) & ~1;
      const five = e0 & e1 & e2 & e3 & upTo(n - 5 - s);
      n1 += popcount(five) + 2 * popcount(five & ~before);
      if (n - 11 - s >= 0) {
        const x5 = bitsAt(rows, base, s + 5);
        const x6 = bitsAt(rows, base, s + 6);
        const x7 = bitsAt(rows, base, s + 7);
        const x8 = bitsAt(rows, base, s + 8);
        const x9 = bitsAt(rows, base, s + 9);
        const x10 = bitsAt(rows, base, s + 10);
        const light = ~(x7 | x8 | x9 | x10);
        const finderThenLight = x0 & ~x1 & x2 & x3 & x4 & ~x5 & x6 & light;
        const lightThenFinder = ~(x0 | x1 | x2 | x3) & x4 & ~x5 & x6 & x7 & x8 & ~x9 & x10;
        n3 += popcount((finderThenLight | lightThenFinder) & upTo(n - 11 - s));
      }
    }
  }
  return n1 + n3 * 40;
}

/** Penalty of a masked symbol given as packed rows and packed columns (see above). */
function penalty(rows: Int32Array, columns: Int32Array, n: number, W: number): number {
  let n2 = 0;
  let dark = 0;
  for (let r = 0; r < n; r++) {
    const base = r * W;
    for (let w = 0; w < W; w++) dark += popcount(rows[base + w]!);
    if (r === n - 1) break;
    for (let s = 0; s < n - 1; s += 32) {
      const a0 = bitsAt(rows, base, s);
      const a1 = bitsAt(rows, base, s + 1);
      const b0 = bitsAt(rows, base + W, s);
      const b1 = bitsAt(rows, base + W, s + 1);
      n2 += popcount(~(a0 ^ a1) & ~(a0 ^ b0) & ~(a0 ^ b1) & upTo(n - 2 - s));
    }
  }
  const k = Math.abs(Math.ceil((dark * 100) / (n * n) / 5) - 10);
  return linePenalty(rows, n, W) + linePenalty(columns, n, W) + n2 * 3 + k * 10;
}

/** A matrix (row-major bytes) packed by rows, and by columns (the rows of its transpose). */
function pack(modules: Uint8Array, n: number, W: number): { rows: Int32Array; columns: Int32Array } {
  const rows = new Int32Array(n * W);
  const columns = new Int32Array(n * W);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const bit = modules[r * n + c]!;
      rows[r * W + (c >>> 5)]! |= bit << (c & 31);
      columns[c * W + (r >>> 5)]! |= bit << (r & 31);
    }
  }
  return { rows, columns };
}

/**
 * The format-information modules (qrcode's setupFormatInfo) in the packed matrices: for bit i, at
 * 8i… four (word index, bit) pairs: its first position in the rows, in the columns, its second in
 * the rows, in the columns.
 */
function formatPositions(n: number, W: number): Int32Array {
  const out = new Int32Array(15 * 8);
  for (let i = 0; i < 15; i++) {
    const positions = [
      [i < 6 ? i : i < 8 ? i + 1 : n - 15 + i, 8],
      [8, i < 8 ? n - i - 1 : i < 9 ? 15 - i : 15 - i - 1],
    ];
    positions.forEach(([r, c], k) => {
      out.set([r! * W + (c! >>> 5), 1 << (c! & 31), c! * W + (r! >>> 5), 1 << (r! & 31)], i * 8 + k * 4);
    });
  }
  return out;
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

const utf8 = new TextEncoder();

/** The QR symbol for a payload in byte mode at error correction M, masked as ISO/IEC 18004 prescribes: size and modules (row-major, 1 = dark). */
export function qrMatrix(payload: string): { size: number; modules: Uint8Array } {
  if (!payload) throw new Error("No input text");
  const bytes = utf8.encode(payload);
  let version = 1;
  while (version <= 40 && bytes.length > capacity(version)) version++;
  if (version > 40) throw new Error("The amount of data is too big to be stored in a QR Code");
  const plan = planFor(version);
  const n = plan.size;
  const words = codewords(bytes, plan);
  // The data bits into the template, as bytes and packed (by rows and by columns) at once.
  const unmasked = plan.template.slice();
  const W = plan.words;
  const base = { rows: plan.packedTemplate.rows.slice(), columns: plan.packedTemplate.columns.slice() };
  const { order, orderPacked } = plan;
  const bitCount = Math.min(order.length, words.length * 8);
  for (let k = 0; k < bitCount; k++) {
    if (!((words[k >> 3]! >>> (7 - (k & 7))) & 1)) continue;
    unmasked[order[k]!] = 1;
    const q = k * 4;
    base.rows[orderPacked[q]!]! |= orderPacked[q + 1]!;
    base.columns[orderPacked[q + 2]!]! |= orderPacked[q + 3]!;
  }
  // Each mask's symbol, packed: the unmasked symbol's words XOR the mask's, then that mask's format information.
  const rows = new Int32Array(base.rows.length);
  const columns = new Int32Array(base.columns.length);
  let best = 0;
  let lowest = Infinity;
  for (let p = 0; p < 8; p++) {
    const mask = plan.packedMasks[p]!;
    for (let i = 0; i < rows.length; i++) {
      rows[i] = base.rows[i]! ^ mask.rows[i]!;
      columns[i] = base.columns[i]! ^ mask.columns[i]!;
    }
    const bits = formatInfo.getEncodedBits(ECL_M, p);
    const format = plan.format;
    for (let i = 0; i < 15; i++) {
      const set = -((bits >> i) & 1);
      for (let k = i * 8; k < i * 8 + 8; k += 2) {
        const target = k & 2 ? columns : rows;
        const at = format[k]!;
        const bit = format[k + 1]!;
        target[at] = (target[at]! & ~bit) | (bit & set);
      }
    }
    const score = penalty(rows, columns, n, W);
    if (score < lowest) {
      lowest = score;
      best = p;
    }
  }
  const candidate = new Uint8Array(unmasked.length);
  const mask = plan.masks[best]!;
  for (let i = 0; i < candidate.length; i++) candidate[i] = unmasked[i]! ^ mask[i]!;
  setFormatInfo(candidate, n, formatInfo.getEncodedBits(ECL_M, best));
  return { size: n, modules: candidate };
}
