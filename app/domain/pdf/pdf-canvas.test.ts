import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import PDFDocument from "pdfkit";
import { describe, expect, it } from "vitest";
import { invoiceFonts, shapingInvoiceFonts } from "./fonts";
import { PdfCanvas, type CanvasTextOptions } from "./pdf-canvas";
import { renderInvoicePdf } from "./render-invoice-pdf";
import { sampleIssuedInvoice } from "./sample-invoice";

/**
 * The invoice's own PDF writer (decision 029). It replaces pdfkit for the invoice and must draw what
 * pdfkit drew: its text wrapping is a port of pdfkit's LineWrapper (pdfkit stays the reference here),
 * and the sample invoice's page content is a committed expectation — the operators pdfkit wrote for it
 * before the switch (the QR code's modules aside: byte mode since decision 029), so the look cannot
 * drift unnoticed. The writer draws the same with fewer operators (one text object for consecutive
 * lines, font and colour written when they change), so both are compared by what they draw: every
 * text shown (font, size, spacing, colour, position on the page, glyphs and kerning) and every path
 * painted (colour, line width, points on the page), in order.
 */
const createdAt = new Date("2026-11-23T10:00:00Z");
const golden = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../tests/golden");
const update = process.env.FACTO_UPDATE_GOLDEN === "1";

/** The decompressed content streams of a PDF's pages, in page order (this writer writes them in order). */
/** An A4 canvas with pdfkit's margins and the invoice fonts, page contents uncompressed (what the comparisons with pdfkit use). */
function a4Canvas(): PdfCanvas {
  return new PdfCanvas({
    size: { width: 595.28, height: 841.89 },
    margins: { top: 48, bottom: 48, left: 48, right: 48 },
    fonts: shapingInvoiceFonts(),
    lang: "en",
    contentLevel: 0,
    info: { Title: "", Author: "", Subject: "", Creator: "", Producer: "", CreationDate: createdAt, ModDate: createdAt },
  });
}

function pageContents(pdf: Buffer): string[] {
  const s = pdf.toString("latin1");
  const out: string[] = [];
  for (const m of s.matchAll(/<<\n((?:\/[A-Za-z0-9]+ [^\n]*\n)*)>>\nstream\n/g)) {
    const length = Number(/\/Length (\d+)/.exec(m[1]!)![1]);
    const start = m.index + m[0].length;
    let body = pdf.subarray(start, start + length);
    if (/FlateDecode/.test(m[1]!) && !/Length1/.test(m[1]!)) body = inflateSync(body);
    const text = body.toString("latin1");
    if (text.startsWith("1 0 0 -1 0 841.89 cm")) out.push(text);
  }
  return out;
}

/** A literal string's bytes (§7.3.4.2 escapes). */
function unescapeLiteral(body: string): string {
  const named: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" };
  return body.replace(/\\([0-7]{1,3}|[\s\S])/g, (_, c: string) => (/^[0-7]/.test(c) ? String.fromCharCode(parseInt(c, 8)) : (named[c] ?? c)));
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]];
const r3 = (n: number) => String(Math.round(n * 1000) / 1000 + 0);

/**
 * What a content stream draws, one line per text shown or path painted, independent of how the
 * operators say it (PDF 32000-1 §8–9 for the operators these writers use): positions on the page
 * (after the CTM and text matrix) to 1/1000 pt, colours as the 8-bit values a reader renders.
 */
function drawing(content: string, { glyphs = true }: { glyphs?: boolean } = {}): string[] {
  const out: string[] = [];
  const tokens = content.match(/\((?:\\[\s\S]|[^\\)])*\)|\[|\]|<[0-9a-fA-F]*>|\/[^\s/[\]<>()]+|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'"*]+/g) ?? [];
  interface State { ctm: Matrix; fill: string; stroke: string; font: string; size: number; tc: number; lw: number }
  let gs: State = { ctm: [1, 0, 0, 1, 0, 0], fill: "0 0 0", stroke: "0 0 0", font: "", size: 0, tc: 0, lw: 1 };
  const stack: State[] = [];
  let tm: Matrix = [1, 0, 0, 1, 0, 0];
  let path: string[] = [];
  let operands: (string | number | (string | number)[])[] = [];
  let array: (string | number)[] | null = null;
  const colour = (c: number[]) => c.map((v) => Math.round(v * 255)).join(" ");
  const point = (x: number, y: number) => {
    const [a, b, c, d, e, f] = gs.ctm;
    return `${r3(a * x + c * y + e)},${r3(b * x + d * y + f)}`;
  };
  const nums = () => operands.map(Number);
  const show = (items: (string | number)[]) => {
    const parts: string[] = [];
    for (const item of items) {
      if (typeof item === "number") {
        if (item !== 0) parts.push(String(Math.round(item * 1e6) / 1e6));
      } else {
        const hex = glyphs ? item.slice(1, -1).toLowerCase() : "";
        if (parts.length && parts[parts.length - 1]!.startsWith("<")) parts[parts.length - 1] = `${parts[parts.length - 1]!.slice(0, -1)}${hex}>`;
        else parts.push(`<${hex}>`);
      }
    }
    const m = multiply(tm, gs.ctm);
    out.push(`text ${gs.font.replace(/^\/F\d+$/, glyphs ? gs.font : "/F")} ${r3(gs.size)} Tc ${r3(gs.tc)} colour ${gs.fill} at ${r3(m[4])},${r3(m[5])} axes ${m.slice(0, 4).map(r3).join(" ")} ${parts.join(" ")}`);
  };
  for (const token of tokens) {
    if (token === "[") array = [];
    else if (token === "]") {
      operands.push(array!);
      array = null;
    } else if (/^[-+.\d]/.test(token)) (array ?? operands).push(Number(token));
    else if (token.startsWith("<") || token.startsWith("/")) (array ?? operands).push(token);
    else if (token.startsWith("(")) (array ?? operands).push(`<${Buffer.from(unescapeLiteral(token.slice(1, -1)), "latin1").toString("hex")}>`);
    else {
      const n = nums();
      switch (token) {
        case "q": stack.push({ ...gs }); break;
        case "Q": gs = stack.pop()!; break;
        case "cm": gs.ctm = multiply(n as Matrix, gs.ctm); break;
        case "BT": tm = [1, 0, 0, 1, 0, 0]; break;
        case "ET": break;
        case "Tm": tm = n as Matrix; break;
        case "Td": tm = multiply([1, 0, 0, 1, n[0]!, n[1]!], tm); break;
        case "Tf": gs.font = operands[0] as string; gs.size = n[1]!; break;
        case "Tc": gs.tc = n[0]!; break;
        case "TJ": show(operands[0] as (string | number)[]); break;
        case "Tj": show([operands[0] as string]); break;
        case "cs": case "CS": break;
        case "rg": case "scn": gs.fill = colour(n); break;
        case "RG": case "SCN": gs.stroke = colour(n); break;
        case "w": gs.lw = n[0]!; break;
        case "re": {
          const [x, y, w, h] = n as [number, number, number, number];
          path.push(`rect ${point(x, y)} ${point(x + w, y)} ${point(x + w, y + h)} ${point(x, y + h)}`);
          break;
        }
        case "m": case "l": path.push(`${token} ${point(n[0]!, n[1]!)}`); break;
        case "c": path.push(`c ${point(n[0]!, n[1]!)} ${point(n[2]!, n[3]!)} ${point(n[4]!, n[5]!)}`); break;
        case "h": path.push("h"); break;
        case "f": out.push(`fill ${gs.fill}: ${path.join(" ")}`); path = []; break;
        case "S": out.push(`stroke ${gs.stroke} width ${r3(gs.lw)}: ${path.join(" ")}`); path = []; break;
        case "Do": out.push(`image ${operands[0]} ${gs.ctm.map(r3).join(" ")}`); break;
        default: throw new Error(`operator ${token} not interpreted`);
      }
      operands = [];
    }
  }
  return out;
}

function expectQpdfCheck(pdf: Buffer) {
  const dir = mkdtempSync(path.join(tmpdir(), "facto-qpdf-"));
  try {
    writeFileSync(path.join(dir, "a.pdf"), pdf);
    const check = spawnSync("qpdf", ["--check", path.join(dir, "a.pdf")], { encoding: "utf8" });
    expect(check.error, "qpdf is installed by scripts/ensure-system-packages.sh").toBeUndefined();
    expect(check.stdout).toContain("No syntax or stream encoding errors found");
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the invoice PDF writer", () => {
  it("draws the sample invoice as pdfkit drew it (committed expectation: pdfkit's operators)", async () => {
    const [page] = pageContents(await renderInvoicePdf(sampleIssuedInvoice(), { createdAt }));
    const file = path.join(golden, "sample-invoice.page1.content.txt");
    if (update) {
      mkdirSync(golden, { recursive: true });
      writeFileSync(file, page!, "latin1");
    }
    expect(existsSync(file), "FACTO_UPDATE_GOLDEN=1 creates it").toBe(true);
    const expected = drawing(readFileSync(file, "latin1"));
    expect(expected.length).toBeGreaterThan(100);
    expect(drawing(page!)).toEqual(expected);
  });

  it("writes files qpdf finds no fault in: 1 page, 5 pages, a logo, a Greek buyer (a subset of its own), a credit note", async () => {
    const { PNG } = await import("pngjs");
    const png = new PNG({ width: 30, height: 10 });
    png.data.fill(0x80);
    const base = sampleIssuedInvoice();
    for (const [invoice, logo] of [
      [base, null],
      [sampleIssuedInvoice({ lineCount: 90 }), null],
      [base, PNG.sync.write(png)],
      [sampleIssuedInvoice({ buyerName: "Γιώργος Παπαδόπουλος" }), null],
      [{ ...base, kind: "CREDIT_NOTE" as const, formattedNumber: "CN-0003", paymentReference: null, billingReference: { formattedNumber: "INV-0042", issueDate: "2026-11-23" } }, null],
    ] as const) {
      expectQpdfCheck(await renderInvoicePdf(invoice, { createdAt, logo }));
    }
  });

  it("numbers pages, page contents and fonts consistently: the 5-page invoice has 5 page objects with their own contents", async () => {
    const pdf = await renderInvoicePdf(sampleIssuedInvoice({ lineCount: 90 }), { createdAt });
    expect(pageContents(pdf)).toHaveLength(5);
    expect(pdf.toString("latin1")).toContain("/Type /Pages\n/Count 5");
    // The same document twice: the same bytes (ensureInvoiceDocuments compares sha256 on a retry).
    const again = await renderInvoicePdf(sampleIssuedInvoice({ lineCount: 90 }), { createdAt });
    expect(createHash("sha256").update(again).digest("hex")).toBe(createHash("sha256").update(pdf).digest("hex"));
  });
});

describe("the writer's text wrapping is pdfkit's", () => {
  /** pdfkit's operators for one text call, glyph ids left out (pdfkit numbers glyphs per document, we per process). */
  function pdfkitOps(value: string, size: number, bold: boolean, x: number, y: number, options: CanvasTextOptions): { ops: string[]; height: number } {
    const doc = new PDFDocument({ size: "A4", margins: { top: 48, bottom: 48, left: 48, right: 48 }, font: null as unknown as string, autoFirstPage: true });
    const fonts = invoiceFonts();
    doc.registerFont("f", (bold ? fonts.bold : fonts.regular) as unknown as PDFKit.Mixins.PDFFontSource);
    const ops: string[] = [];
    (doc as unknown as { addContent(op: string): unknown }).addContent = (op: string) => ops.push(op);
    doc.font("f").fontSize(size);
    const height = doc.heightOfString(value, { width: options.width, lineGap: options.lineGap });
    doc.text(value, x, y, { lineBreak: true, ...options });
    return { ops, height };
  }

  function ourOps(value: string, size: number, bold: boolean, x: number, y: number, options: CanvasTextOptions): { ops: string[]; height: number } {
    const canvas = a4Canvas();
    canvas.addPage();
    canvas.setFont(bold ? "bold" : "regular", size);
    const height = canvas.heightOfString(value, { width: options.width!, lineGap: options.lineGap });
    const start = canvas.page.content.length;
    canvas.text(value, x, y, { lineBreak: true, ...options });
    return { ops: canvas.page.content.slice(start), height };
  }

  /** What the operators draw, glyph ids and font names left out (pdfkit numbers glyphs per document, we per process). */
  const normalise = (ops: string[]) => drawing(`1 0 0 -1 0 841.89 cm\n${ops.join("\n")}`, { glyphs: false });

  it("breaks lines, aligns and places every line where pdfkit does, for texts around the line width", () => {
    const texts = [
      "Tafellamp „Lumière” messing, handgemaakt",
      "Boek: Licht in huis — Łukasz Nováček",
      "Straße Ćelić-Dupont",
      "https://facto.example/pay/w6x99c9II29s_vDSxGGpPo-sRLepgaRV",
      "Rue de la Loi 16\n1000 Brussel\nBelgië",
      "Sale taxed in BE at the rate of each product (seller's country VAT).",
      "Totaal excl. btw",
      "Eenheidsprijs excl. btw",
      "AVeryLongWordWithoutAnyBreakOpportunityThatMustBeSplitAcrossLines",
      "12/11/2026 – 1.234,56 EUR (vat/tva) 21 %",
    ];
    let compared = 0;
    for (const text of texts) {
      for (const width of [40, 68, 95, 120, 193, 260, 400]) {
        for (const [size, bold, align, characterSpacing, lineGap] of [
          [9, false, "left", 0, 0],
          [8.5, true, "right", 0, 1.5],
          [7.5, true, "left", 0.5, 0],
          [6.5, false, "center", 0, 0],
          [20, true, "right", 1, 0],
        ] as const) {
          const options: CanvasTextOptions = { width, align, characterSpacing, lineGap };
          const theirs = pdfkitOps(text, size, bold, 60, 100, options);
          const ours = ourOps(text, size, bold, 60, 100, options);
          expect(normalise(ours.ops), `${JSON.stringify(text)} at ${width} pt, ${size} pt ${align}`).toEqual(normalise(theirs.ops));
          expect(ours.height).toBe(theirs.height);
          compared++;
        }
      }
    }
    expect(compared).toBe(350);
  }, 60_000); // 700 small documents: seconds on a busy machine

  it("continues text that reaches the bottom margin on a new page, in the same font and colour, as pdfkit does (twice: the second time the process knows the text's wrapped lines, which must not be replayed across a page break)", () => {
    const value = "Tafellamp „Lumière” messing, handgemaakt — ".repeat(12);
    const options: CanvasTextOptions = { width: 120, lineGap: 1.5 };
    const doc = new PDFDocument({ size: "A4", margins: { top: 48, bottom: 48, left: 48, right: 48 }, font: null as unknown as string, autoFirstPage: true });
    doc.registerFont("f", invoiceFonts().regular as unknown as PDFKit.Mixins.PDFFontSource);
    const theirs: string[][] = [[]];
    doc.on("pageAdded", () => theirs.push([]));
    (doc as unknown as { addContent(op: string): unknown }).addContent = (op: string) => theirs[theirs.length - 1]!.push(op);
    doc.font("f").fontSize(9).fillColor("#5f6b7a");
    doc.text(value, 60, 700, { lineBreak: true, ...options });
    expect(theirs.length).toBeGreaterThan(1);
    for (let round = 0; round < 2; round++) {
      const canvas = a4Canvas();
      canvas.addPage();
      canvas.setFont("regular", 9).fillColor("#5f6b7a");
      canvas.text(value, 60, 700, { lineBreak: true, ...options });
      const { count } = canvas.bufferedPageRange();
      expect(count).toBe(theirs.length);
      for (let i = 0; i < count; i++) {
        canvas.switchToPage(i);
        const draw = (ops: string[]) => drawing(`1 0 0 -1 0 841.89 cm\n${ops.join("\n")}`, { glyphs: false });
        expect(draw(canvas.page.content.slice(1)), `page ${i + 1}, round ${round + 1}`).toEqual(draw(theirs[i]!));
      }
    }
  });

  it("shortens a table header with an ellipsis as pdfkit does (height-limited text; twice, the second time from the process's lines)", () => {
    for (const width of [20, 30, 45, 60, 20, 30, 45, 60]) {
      const options: CanvasTextOptions = { width, height: 20, ellipsis: true, align: "right" };
      expect(normalise(ourOps("Eenheidsprijs excl. btw", 7.5, true, 300, 200, options).ops)).toEqual(normalise(pdfkitOps("Eenheidsprijs excl. btw", 7.5, true, 300, 200, options).ops));
    }
  });
});
