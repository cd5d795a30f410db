import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderInvoicePdf } from "./render-invoice-pdf";
import { sampleIssuedInvoice } from "./sample-invoice";

const createdAt = new Date("2026-11-23T10:00:00Z");

/** Text of a PDF through poppler's pdftotext (Debian poppler-utils; installed by .ci/run). */
function pdfText(pdf: Buffer): string {
  return execFileSync("pdftotext", ["-layout", "-", "-"], { input: pdf }).toString("utf8");
}

function pageCount(pdf: Buffer): number {
  return (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;
}

describe("renderInvoicePdf", () => {
  it("renders a one-page A4 PDF, byte for byte the same for the same input", async () => {
    const a = await renderInvoicePdf(sampleIssuedInvoice(), { createdAt });
    const b = await renderInvoicePdf(sampleIssuedInvoice(), { createdAt });
    expect(a.subarray(0, 5).toString()).toBe("%PDF-");
    expect(a.equals(b)).toBe(true);
    expect(pageCount(a)).toBe(1);
    expect(a.toString("latin1")).toContain("/MediaBox [0 0 595.28 841.89]");
  });

  it("prints seller, buyer (Unicode), lines, VAT breakdown, totals and the payment reference", async () => {
    const text = pdfText(await renderInvoicePdf(sampleIssuedInvoice(), { createdAt }));
    for (const expected of [
      "FACTUUR",
      "INV-0042",
      "Atelier Lumière BV",
      "BE0123456749",
      "BE68 5390 0754 7034",
      "Straße Ćelić-Dupont",
      "Łukasz Nováček",
      "Kaarsen Őrség",
      "158,60",
      "201,58 EUR", // 21 % base: 158.60 + 37.19 + 5.79
      "42,33 EUR", // 21 % of 201.58 = 42.3318
      "1,70 EUR", // 6 % of 28.30
      "273,91 EUR", // 229.88 + 44.03
      "+++000/0000/04242+++",
      "23/11/2026",
      "Leveringsdatum",
      "20/11/2026",
      "Pagina 1 van 1",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("uses the customer's language for labels and number formats", async () => {
    const fr = pdfText(await renderInvoicePdf(sampleIssuedInvoice({ language: "fr" }), { createdAt }));
    expect(fr).toContain("FACTURE");
    expect(fr).toContain("Communication structurée");
    expect(fr).toContain("Total TVAC");
    const en = pdfText(await renderInvoicePdf(sampleIssuedInvoice({ language: "en" }), { createdAt }));
    expect(en).toContain("INVOICE");
    expect(en).toContain("EUR 273.91");
    expect(en).toContain("23 Nov 2026");
    const de = pdfText(await renderInvoicePdf(sampleIssuedInvoice({ language: "de" }), { createdAt }));
    expect(de).toContain("RECHNUNG");
    expect(de).toContain("23.11.2026");
  });

  it("paginates long invoices with the header repeated and the totals on the last page", async () => {
    const pdf = await renderInvoicePdf(sampleIssuedInvoice({ lineCount: 120 }), { createdAt });
    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(3);
    const text = pdfText(pdf).split("\f");
    expect(text[1]).toContain("Omschrijving");
    expect(text[pages - 1]).toContain(`Pagina ${pages} van ${pages}`);
    expect(text[pages - 1]).toContain("Totaal incl. btw");
    expect(text[0]).not.toContain("Totaal incl. btw");
  });
});

describe("credit notes and foreign currencies on the PDF", () => {
  it("a credit note says so, refers to its invoice, carries the Belgian mention and asks no payment", async () => {
    const invoice = sampleIssuedInvoice();
    const creditNote = { ...invoice, kind: "CREDIT_NOTE" as const, formattedNumber: "CN-0003", paymentReference: null, billingReference: { formattedNumber: "INV-0042", issueDate: "2026-11-23" } };
    const text = pdfText(await renderInvoicePdf(creditNote, { createdAt }));
    expect(text).toContain("CREDITNOTA");
    expect(text).toContain("Creditnota bij factuur INV-0042 van 2026-11-23.");
    expect(text).toContain("Btw terug te storten aan de Staat");
    expect(text).toContain("Gecrediteerd");
    expect(text).not.toContain("Gestructureerde mededeling");
  });

  it("an invoice in another currency also states its VAT in EUR", async () => {
    const usd = { ...sampleIssuedInvoice({ language: "en" }), currency: "USD", exchangeRateToEur: "0.92", vatTotalEur: "40.51" };
    const text = pdfText(await renderInvoicePdf(usd, { createdAt }));
    expect(text).toContain("VAT (EUR, 0.92)");
    expect(text).toContain("EUR 40.51");
  });
});

describe("EPC QR code on the PDF", () => {
  it("decodes from the rendered page to exactly the EPC payload of the invoice", async () => {
    const { PNG } = await import("pngjs");
    const jsQR = (await import("jsqr")).default;
    const { epcQrPayload } = await import("../payment-reference/epc-qr-payload");
    const invoice = sampleIssuedInvoice();
    const pdf = await renderInvoicePdf(invoice, { createdAt });
    // Rasterize page 1 like a phone camera would see it (poppler), then decode the QR code (jsQR).
    const { mkdtempSync, readFileSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const dir = mkdtempSync(path.join(tmpdir(), "facto-qr-"));
    writeFileSync(path.join(dir, "invoice.pdf"), pdf);
    execFileSync("pdftoppm", ["-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile", path.join(dir, "invoice.pdf"), path.join(dir, "page")]);
    const image = PNG.sync.read(readFileSync(path.join(dir, "page.png")));
    rmSync(dir, { recursive: true, force: true });
    const decoded = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
    expect(decoded?.data).toBe(
      epcQrPayload({ bic: "GKCCBEBB", name: "Atelier Lumière BV", iban: "BE68539007547034", amount: "273.91", structuredReference: "000000004242" }),
    );
    expect(decoded?.data).toBe("BCD\n002\n1\nSCT\nGKCCBEBB\nAtelier Lumière BV\nBE68539007547034\nEUR273.91\n\n000000004242");
  });

  it("prints no EPC code for a non-EUR invoice (EPC QR codes are EUR only)", async () => {
    const usd = { ...sampleIssuedInvoice({ language: "en" }), currency: "USD" };
    const text = pdfText(await renderInvoicePdf(usd, { createdAt }));
    expect(text).not.toContain("Scan with your banking app");
    expect(text).toContain("Structured communication");
  });
});

describe("the payment page on the PDF", () => {
  const url = "https://facto.example/pay/w6x99c9II29s_vDSxGGpPo-sRLepgaRV";

  it("prints the link to the payment page with a QR code that opens it", async () => {
    const { PNG } = await import("pngjs");
    const jsQR = (await import("jsqr")).default;
    const { mkdtempSync, readFileSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    // Without an IBAN there is no EPC code, so the page's only QR code is the payment page's.
    const base = sampleIssuedInvoice({ language: "en" });
    const invoice = { ...base, seller: { ...base.seller, iban: null }, paymentPageUrl: url };
    const pdf = await renderInvoicePdf(invoice, { createdAt });
    const text = pdfText(pdf);
    expect(text).toContain("View and pay this invoice online:");
    expect(text.replace(/\s+/g, "")).toContain(url);
    expect(pdf.toString("latin1")).toContain(`/URI (${url})`);
    const dir = mkdtempSync(path.join(tmpdir(), "facto-qr-"));
    writeFileSync(path.join(dir, "invoice.pdf"), pdf);
    execFileSync("pdftoppm", ["-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile", path.join(dir, "invoice.pdf"), path.join(dir, "page")]);
    const image = PNG.sync.read(readFileSync(path.join(dir, "page.png")));
    rmSync(dir, { recursive: true, force: true });
    expect(jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data).toBe(url);
  });

  it("says it in the customer's language, and not at all once the invoice is paid", async () => {
    const nl = pdfText(await renderInvoicePdf({ ...sampleIssuedInvoice({ language: "nl" }), paymentPageUrl: url }, { createdAt }));
    expect(nl).toContain("Bekijk en betaal deze factuur online:");
    const paid = pdfText(await renderInvoicePdf({ ...sampleIssuedInvoice({ language: "nl" }), paymentPageUrl: url, settlement: { kind: "paid", paidOn: "2026-11-24", method: "iDEAL" } }, { createdAt }));
    expect(paid).not.toContain("Bekijk en betaal");
  });
});

describe("settled invoices", () => {
  it("a paid invoice says when and how, and asks for no transfer", async () => {
    const paid = { ...sampleIssuedInvoice(), settlement: { kind: "paid" as const, paidOn: "2026-11-24", method: "Bancontact" } };
    const text = pdfText(await renderInvoicePdf(paid, { createdAt }));
    expect(text).toContain("Betaald op 24/11/2026 (Bancontact)");
    expect(text).not.toContain("Gestructureerde mededeling");
  });
  it("a direct-debit invoice names the mandate instead of a transfer reference", async () => {
    const dd = { ...sampleIssuedInvoice({ language: "fr" }), settlement: { kind: "direct-debit" as const, mandateId: "FACTO-MNDT-0001" } };
    const text = pdfText(await renderInvoicePdf(dd, { createdAt }));
    expect(text).toContain("Payée par domiciliation (mandat FACTO-MNDT-0001)");
    expect(text).not.toContain("Communication structurée");
  });
});

describe("merchant branding", () => {
  it("embeds the merchant's logo and uses the accent colour", async () => {
    const { PNG } = await import("pngjs");
    const png = new PNG({ width: 40, height: 20 });
    png.data.fill(0x80);
    const logo = PNG.sync.write(png);
    const pdf = await renderInvoicePdf(sampleIssuedInvoice(), { createdAt, logo, accentColor: "#b3261e" });
    const raw = pdf.toString("latin1");
    expect(raw).toContain("/Subtype /Image");
    expect(raw).not.toEqual((await renderInvoicePdf(sampleIssuedInvoice(), { createdAt })).toString("latin1"));
    expect(pdfText(pdf)).toContain("INV-0042");
  });
});
