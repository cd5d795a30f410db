import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { PNG } from "pngjs";
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { qrMatrix } from "./draw-qr-code";
import { preparedInvoiceFonts } from "./fonts";
import { PREPARED_CHARACTERS } from "./prepared-font";
import { clearPreparedImages, preparedImageCount } from "./prepared-image";
import { renderInvoicePdf } from "./render-invoice-pdf";
import { sampleIssuedInvoice } from "./sample-invoice";
import { sparseFontSource } from "./sparse-font-program";

/**
 * What the renderer keeps between documents (decision 022): the prepared font subsets (per process;
 * each document embeds the glyphs it uses of them, decision 029),
 * the logo's PDF objects (per distinct logo), the QR mask search (none: computed per payload, but by
 * code of our own that must choose what the qrcode package chooses).
 */
const createdAt = new Date("2026-11-23T10:00:00Z");

function pdfText(pdf: Buffer): string {
  return execFileSync("pdftotext", ["-layout", "-", "-"], { input: pdf }).toString("utf8");
}

/** pdfinfo and a full rasterisation both without a word on stderr: poppler reports every syntax or stream error there. */
function expectValidPdf(pdf: Buffer) {
  const dir = mkdtempSync(path.join(tmpdir(), "facto-pdf-"));
  try {
    writeFileSync(path.join(dir, "a.pdf"), pdf);
    const info = spawnSync("pdfinfo", [path.join(dir, "a.pdf")], { encoding: "utf8" });
    expect(info.status).toBe(0);
    expect(info.stderr).toBe("");
    const raster = spawnSync("pdftoppm", ["-r", "30", "-png", path.join(dir, "a.pdf"), path.join(dir, "p")], { encoding: "utf8" });
    expect(raster.status).toBe(0);
    expect(raster.stderr).toBe("");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Page 1 at 100 dpi as RGBA pixels. */
function rasterize(pdf: Buffer): PNG {
  const dir = mkdtempSync(path.join(tmpdir(), "facto-pdf-"));
  try {
    writeFileSync(path.join(dir, "a.pdf"), pdf);
    execFileSync("pdftoppm", ["-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", path.join(dir, "a.pdf"), path.join(dir, "page")]);
    return PNG.sync.read(readFileSync(path.join(dir, "page.png")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Both font programs are the prepared subsets (sparse programs of them, under the prepared ids:
 * sparse-font-program.ts), not a per-document subset, which would have more glyphs.
 */
function expectPreparedSubsetsOnly(pdf: Buffer) {
  const prepared = preparedInvoiceFonts();
  const text = pdf.toString("latin1");
  const programs = [...text.matchAll(/\/Length1 (\d+)\n\/Filter \/FlateDecode\n\/Length (\d+)\n>>\nstream\n/g)].map((m) => inflateSync(pdf.subarray(m.index + m[0].length, m.index + m[0].length + Number(m[2]))));
  expect(programs).toHaveLength(2);
  for (const program of programs) {
    expect(sparseFontSource(program).glyphCount).toBe(prepared.regular.glyphs.length);
    expect(program.length).toBeLessThan(prepared.regular.program.length);
  }
  expect(prepared.bold.glyphs.length).toBe(prepared.regular.glyphs.length);
}

function solidLogo(rgb: [number, number, number], alpha = 255): Buffer {
  const png = new PNG({ width: 60, height: 20 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([...rgb, alpha], i);
  return PNG.sync.write(png);
}

/** The colour at the middle of the logo box (top left: x 48 pt, y 48 pt, fitted into 150 × 48 pt). */
function logoPixel(pdf: Buffer): [number, number, number] {
  const page = rasterize(pdf);
  const scale = 100 / 72;
  // A 60 × 20 logo fitted into 150 × 48 pt becomes 144 × 48 pt; its middle is at (48 + 72, 48 + 24).
  const x = Math.round((48 + 72) * scale);
  const y = Math.round((48 + 24) * scale);
  const i = (y * page.width + x) * 4;
  return [page.data[i]!, page.data[i + 1]!, page.data[i + 2]!];
}

describe("the prepared font subsets", () => {
  it("embed the prepared subsets (sparse: the glyphs used) for an invoice in Latin script (ł, č, ő, ß, € included), and the text extracts", async () => {
    const invoice = sampleIssuedInvoice({ buyerName: "Łukasz Čapek-Őrsi, Straße 5 — 12,50 €" });
    const pdf = await renderInvoicePdf(invoice, { createdAt });
    expectPreparedSubsetsOnly(pdf);
    expect(pdfText(pdf)).toContain("Łukasz Čapek-Őrsi, Straße 5 — 12,50 €");
    expectValidPdf(pdf);
  });

  it("cover every prepared character: each one extracts as itself", async () => {
    // Letters and symbols only (spaces and controls say nothing), in words pdftotext keeps together.
    const chars = [...PREPARED_CHARACTERS].filter((c) => /[\p{L}\p{N}\p{S}]/u.test(c));
    const words = [];
    for (let i = 0; i < chars.length; i += 12) words.push(chars.slice(i, i + 12).join(""));
    const base = sampleIssuedInvoice();
    const lines = words.map((w, i) => ({ ...base.lines[0]!, position: i + 1, description: w, sku: null }));
    const pdf = await renderInvoicePdf({ ...base, lines }, { createdAt });
    expectPreparedSubsetsOnly(pdf); // no per-document subset needed
    const text = pdfText(pdf).normalize("NFC");
    for (const w of words) expect(text).toContain(w.normalize("NFC"));
  });

  it("a character outside the prepared subset still renders: the document gets a subset of its own", async () => {
    const greek = sampleIssuedInvoice({ buyerName: "ΑΒΓΔ Παπαδόπουλος" });
    const pdf = await renderInvoicePdf(greek, { createdAt });
    expect(pdfText(pdf)).toContain("ΑΒΓΔ Παπαδόπουλος");
    expect(pdfText(pdf)).toContain("Łukasz Nováček"); // prepared glyphs keep working beside the extra ones
    expectValidPdf(pdf);
    // Real glyphs, not .notdef boxes: two names of the same length rasterise differently.
    const other = await renderInvoicePdf(sampleIssuedInvoice({ buyerName: "ΕΖΗΘ Παπαδόπουλος" }), { createdAt });
    expect(rasterize(pdf).data.equals(rasterize(other).data)).toBe(false);
  });

  it("the bytes depend on the document only, not on what the process rendered before", async () => {
    const before = await renderInvoicePdf(sampleIssuedInvoice(), { createdAt });
    await renderInvoicePdf(sampleIssuedInvoice({ buyerName: "Γιώργος ☃ Ωμέγα" }), { createdAt });
    await renderInvoicePdf(sampleIssuedInvoice({ lineCount: 90 }), { createdAt });
    const after = await renderInvoicePdf(sampleIssuedInvoice(), { createdAt });
    expect(after.equals(before)).toBe(true);
  });

  it("five pages stay valid and extractable", async () => {
    const pdf = await renderInvoicePdf(sampleIssuedInvoice({ lineCount: 90 }), { createdAt });
    expectValidPdf(pdf);
    const pages = pdfText(pdf).split("\f");
    expect(pages[4]).toContain("Pagina 5 van 5");
  });
});

describe("the logo cache", () => {
  it("two shops with different logos never share a cached logo", async () => {
    clearPreparedImages();
    const red = solidLogo([220, 20, 20]);
    const blue = solidLogo([20, 20, 220]);
    const redPdf = await renderInvoicePdf(sampleIssuedInvoice(), { createdAt, logo: red });
    const bluePdf = await renderInvoicePdf(sampleIssuedInvoice(), { createdAt, logo: blue });
    expect(preparedImageCount()).toBe(2);
    const [r1, , b1] = logoPixel(redPdf);
    const [r2, , b2] = logoPixel(bluePdf);
    expect(r1).toBeGreaterThan(180);
    expect(b1).toBeLessThan(60);
    expect(b2).toBeGreaterThan(180);
    expect(r2).toBeLessThan(60);
    // And the second shop's PDF is exactly what it is with nothing cached.
    clearPreparedImages();
    expect((await renderInvoicePdf(sampleIssuedInvoice(), { createdAt, logo: blue })).equals(bluePdf)).toBe(true);
  });

  it("a logo with transparency keeps its alpha (soft mask), and a cached logo writes the same bytes", async () => {
    clearPreparedImages();
    const translucent = solidLogo([20, 20, 220], 128);
    const first = await renderInvoicePdf(sampleIssuedInvoice(), { createdAt, logo: translucent });
    const second = await renderInvoicePdf(sampleIssuedInvoice(), { createdAt, logo: translucent });
    expect(second.equals(first)).toBe(true);
    expect(first.toString("latin1")).toMatch(/\/SMask \d+ 0 R/);
    expectValidPdf(first);
    const [r, g, b] = logoPixel(first);
    // Half-transparent blue on white.
    expect(b).toBeGreaterThan(200);
    expect(r).toBeGreaterThan(100);
    expect(r).toBeLessThan(160);
    expect(g).toBeGreaterThan(100);
  });
});

describe("the QR encoder (our own, byte mode, level M)", () => {
  it("gives the symbol the qrcode package gives: version, data and error correction codewords, the mask it chooses (ISO/IEC 18004 penalty rules), module for module", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 \n.-/:+€łőč";
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const payloads = [
      "BCD\n002\n1\nSCT\nGKCCBEBB\nAtelier Lumière BV\nBE68539007547034\nEUR273.91\n\n000000004242",
      "https://facto.example/pay/w6x99c9II29s_vDSxGGpPo-sRLepgaRV",
      ...Array.from({ length: 150 }, () => Array.from({ length: 1 + Math.floor(random() * 330) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("")),
    ];
    for (const payload of payloads) {
      // Byte mode (decision 029): the package in the same mode is the reference for the symbol and the mask.
      const reference = QRCode.create([{ data: payload, mode: "byte" }] as unknown as string, { errorCorrectionLevel: "M" }) as unknown as { modules: { size: number; data: Uint8Array } };
      const ours = qrMatrix(payload);
      expect(ours.size).toBe(reference.modules.size);
      expect(Buffer.from(ours.modules).equals(Buffer.from(reference.modules.data))).toBe(true);
    }
  }, 60_000); // 152 symbols built twice: seconds on a busy machine
});
