import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { supplierSamples, SUPPLIER } from "../../../tests/fixtures/peppol/supplier-ubl";
import { validateUblOfficially, describeFatal } from "../../../tests/support/official-validation";
import { invoiceResponseXml } from "../../../tests/fakes/fake-recommand";
import { parseIncomingDocument } from "../peppol/parse-incoming";
import { readUblDocument } from "../peppol/read-ubl-document";
import { formatDecimal } from "./labels";
import { renderIncomingPdf, renderReceivedDocumentPdf } from "./render-incoming-pdf";

/**
 * A document received over PEPPOL without the sender's PDF is shown as a PDF rendered whole from its
 * UBL (issue #18, docs/decisions/026): every line, the VAT breakdown per rate, totals, payment
 * instructions and notes. The samples are a supplier's documents as another invoicing system writes
 * them (tests/fixtures/peppol/), each passing the official validation.
 */
const fixture = (name: string) => readFileSync(path.resolve(__dirname, "../../../tests/fixtures/peppol", name), "utf8");
const pdfText = (pdf: Buffer) => execFileSync("pdftotext", ["-layout", "-", "-"], { input: pdf }).toString("utf8");
const pageCount = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;
const en = (v: string) => formatDecimal(v, "en", 2);
const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const meta = { senderId: `0208:${SUPPLIER.enterpriseNumber}`, receivedAt: new Date("2026-11-24T10:15:00Z") };
const samples = supplierSamples();

describe("documents received over PEPPOL: the samples", () => {
  it("the fixture files are the generator's output and pass the official validation (XSD + CEN + PEPPOL)", async () => {
    expect(fixture("supplier-invoice-40-lines.xml")).toBe(samples.invoice40.xml);
    expect(fixture("supplier-credit-note.xml")).toBe(samples.creditNote.xml);
    for (const name of ["supplier-invoice-40-lines.xml", "supplier-credit-note.xml", "supplier-invoice-with-pdf.xml"]) {
      const verdict = await validateUblOfficially(fixture(name));
      expect(verdict.valid, `${name}: ${describeFatal(verdict)}`).toBe(true);
    }
  }, 60_000);
});

describe("reading a received UBL whole", () => {
  it("reads parties, every line, allowances and charges, the VAT breakdown, totals, payment and notes", () => {
    const doc = readUblDocument(samples.invoice40.xml);
    expect(doc).toMatchObject({
      kind: "INVOICE",
      number: "VD-2026-004711",
      issueDate: "2026-11-24",
      dueDate: "2026-12-24",
      currency: "EUR",
      buyerReference: "ATL-PO-2026-311",
      orderReference: "PO-311",
      supplier: { name: SUPPLIER.name, tradingName: SUPPLIER.tradingName, vatNumber: `BE${SUPPLIER.enterpriseNumber}`, endpoint: `0208:${SUPPLIER.enterpriseNumber}`, city: "Gent", contact: { email: SUPPLIER.contact.email } },
      customer: { name: "Atelier Lumière BV", vatNumber: "BE0123456749" },
      totals: { lineExtension: samples.invoice40.totals.lines, taxExclusive: samples.invoice40.totals.taxExclusive, payable: samples.invoice40.totals.payable, allowances: "25.00", charges: "18.50" },
      vatTotal: samples.invoice40.totals.vat,
      payment: { meansCode: "30", paymentId: samples.invoice40.paymentReference, accounts: [{ iban: SUPPLIER.iban, bic: SUPPLIER.bic, name: SUPPLIER.name }] },
    });
    expect(doc.lines).toHaveLength(40);
    expect(doc.lines.map((l) => [l.name, l.quantity, l.unitPrice, l.vatRate, l.lineAmount])).toEqual(
      samples.invoice40.lines.map((l) => [l.name, String(l.quantity), l.unitPrice, String(l.vatRate), l.amount]),
    );
    expect(doc.lines[4]).toMatchObject({ unitCode: "HUR", note: "Week 47 peak", period: { start: "2026-11-16", end: "2026-11-20" } });
    expect(doc.vatBreakdown.map((s) => [s.rate, s.taxableAmount, s.taxAmount])).toEqual(samples.invoice40.totals.perRate.map((r) => [String(r.rate), r.taxable, r.vat]));
    expect(doc.allowanceCharges).toEqual([
      { charge: false, reason: "Loyalty discount", amount: "25.00", vatCategory: "S", vatRate: "21" },
      { charge: true, reason: "Freight", amount: "18.50", vatCategory: "S", vatRate: "21" },
    ]);
    expect(doc.notes[0]).toContain("Goods remain our property until paid in full");
  });

  it("reads a credit note's lines (CreditedQuantity) and the invoice it credits", () => {
    const doc = readUblDocument(samples.creditNote.xml);
    expect(doc).toMatchObject({ kind: "CREDIT_NOTE", number: "VD-CN-2026-000093", typeCode: "381", precedingInvoices: [{ number: "VD-2026-004711", issueDate: "2026-11-24" }] });
    expect(doc.lines.map((l) => l.quantity)).toEqual(samples.creditNote.lines.map((l) => String(l.quantity)));
  });
});

describe("the PDF rendered from a received UBL", () => {
  it("a 40-line supplier invoice: several pages, and the text holds every line with quantity, unit price, VAT rate and amount", async () => {
    const pdf = await renderReceivedDocumentPdf(readUblDocument(samples.invoice40.xml), meta);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThan(1);
    const text = pdfText(pdf);
    const rows = text.split("\n");
    samples.invoice40.lines.forEach((line, i) => {
      const row = rows.find((r) => r.includes(`${i + 1}. ${line.name}`));
      expect(row, `line ${i + 1} (${line.name})`).toBeDefined();
      // Same printed row: quantity (with its unit), unit price, VAT rate, amount — in that order.
      expect(row!.replace(/\s+/g, " ")).toMatch(new RegExp(`${line.quantity} ?(pcs|kg|h) ${re(en(line.unitPrice))} ${line.vatRate} ?% ${re(en(line.amount))}$`));
    });
    for (const expected of [
      "INVOICE",
      "VD-2026-004711",
      SUPPLIER.name,
      SUPPLIER.tradingName,
      `VAT BE${SUPPLIER.enterpriseNumber}`,
      `PEPPOL 0208:${SUPPLIER.enterpriseNumber}`,
      SUPPLIER.contact.email,
      "Industrieweg 112",
      "BILL TO",
      "Atelier Lumière BV",
      "VAT BE0123456749",
      "24 Nov 2026", // issue date
      "24 Dec 2026", // due date
      "ATL-PO-2026-311",
      "PO-311",
      "Brown kraft, magnetic closure",
      "Item KB-2020",
      "Period 16 Nov 2026 – 20 Nov 2026",
      "Allowance: Loyalty discount",
      "-25.00",
      "Charge: Freight",
      "VAT BREAKDOWN",
      `EUR ${en(samples.invoice40.totals.lines)}`,
      `EUR ${en(samples.invoice40.totals.taxExclusive)}`,
      `EUR ${en(samples.invoice40.totals.vat)}`,
      `EUR ${en(samples.invoice40.totals.taxInclusive)}`,
      "Amount due",
      "Credit transfer (30)",
      "BE71 0961 2345 6769",
      "GKCCBEBB",
      samples.invoice40.paymentReference,
      "30 days net; 2 % discount if paid within 8 days",
      "NOTES",
      "Goods remain our property until paid in full.",
      "Received over PEPPOL from 0208:",
      "the UBL is the original",
      `Page ${pages} of ${pages}`,
    ]) {
      expect(text).toContain(expected);
    }
    for (const r of samples.invoice40.totals.perRate) {
      expect(text.replace(/\s+/g, " ")).toMatch(new RegExp(`S ?${r.rate} ?% EUR ${re(en(r.taxable))} EUR ${re(en(r.vat))}`));
    }
    // The line table's header is repeated on every page.
    expect(text.match(/Description\s+Quantity\s+Unit price\s+VAT\s+Amount/g)).toHaveLength(pages);
  });

  it("a received credit note: titled as such, with its lines, the invoice it credits and the amount credited", async () => {
    const text = pdfText(await renderReceivedDocumentPdf(readUblDocument(samples.creditNote.xml), meta));
    for (const expected of ["CREDIT NOTE", "VD-CN-2026-000093", "Credits invoice", "VD-2026-004711", "Invoice date", "24 Nov 2026", "Credited", `EUR ${en(samples.creditNote.totals.payable)}`, "Refund details", "Credit for 3 damaged boxes"]) {
      expect(text).toContain(expected);
    }
    samples.creditNote.lines.forEach((line, i) => expect(text).toContain(`${i + 1}. ${line.name}`));
    expect(text).not.toContain("Amount due");
  });

  it("a document with the sender's own PDF (EmbeddedDocumentBinaryObject) carries it for display as is", () => {
    const xml = fixture("supplier-invoice-with-pdf.xml");
    const embedded = parseIncomingDocument(xml).embeddedPdf;
    expect(embedded?.filename).toBe("VD-2026-004712.pdf");
    const bytes = Buffer.from(embedded!.base64, "base64");
    expect(pdfText(bytes).replace(/\s+/g, " ")).toContain("VanDamme Packaging - invoice VD-2026-004712 (the supplier's own PDF)");
  });

  it("an Invoice Response keeps its one-page summary", async () => {
    const xml = invoiceResponseXml({ documentNumber: "F-2026-0042", from: "0208:0456810810", to: "0208:0123456749", status: "RE", reason: "Purchase order number missing" });
    const text = pdfText(await renderIncomingPdf({ ...parseIncomingDocument(xml), senderId: "0208:0456810810" }, meta.receivedAt));
    expect(text).toContain("Invoice response IR-F-2026-0042");
    expect(text).toContain("Purchase order number missing");
  });
});
