import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { invoiceResponseXml } from "../../../tests/fakes/fake-recommand";
import { IncomingParseError, parseIncomingDocument, responseOutcome } from "./parse-incoming";

const golden = (name: string) => readFileSync(path.resolve(__dirname, "../../../tests/golden", name), "utf8");

describe("parsing documents received over PEPPOL", () => {
  it("reads a supplier invoice's essentials (Facto's own golden UBL as the sample)", () => {
    const xml = golden("domestic.ubl.xml");
    const parsed = parseIncomingDocument(xml);
    expect(parsed).toMatchObject({
      kind: "INVOICE",
      number: "INV-0001",
      currency: "EUR",
      supplierName: expect.stringContaining("Atelier Lumière"),
      supplierVatNumber: "BE0123456749",
    });
    expect(parsed.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(parsed.payableAmount).toBe(/<cbc:PayableAmount currencyID="EUR">([^<]+)</.exec(xml)![1]);
    expect(parsed.taxInclusiveAmount).toBe(/<cbc:TaxInclusiveAmount currencyID="EUR">([^<]+)</.exec(xml)![1]);
    expect(parsed.vatAmount).toBe(/<cac:TaxTotal>\s*<cbc:TaxAmount currencyID="EUR">([^<]+)</.exec(xml)![1]);
    expect(parsed.paymentReference).toBe(/<cbc:PaymentID>([^<]+)</.exec(xml)?.[1] ?? null);
    expect(parsed.embeddedPdf === null).toBe(!xml.includes('mimeCode="application/pdf"'));
  });

  it("reads a credit note", () => {
    expect(parseIncomingDocument(golden("creditNote.ubl.xml"))).toMatchObject({ kind: "CREDIT_NOTE", number: expect.any(String), currency: "EUR" });
  });

  it("reads an invoice response: code, reason and the invoice it answers", () => {
    const xml = invoiceResponseXml({ documentNumber: "INV-0042", from: "0208:0456810810", to: "0208:0123456749", status: "RE", reason: "PO number missing" });
    expect(parseIncomingDocument(xml)).toMatchObject({ kind: "INVOICE_RESPONSE", number: "IR-INV-0042", response: { code: "RE", reason: "PO number missing", referencedNumber: "INV-0042" } });
    expect(responseOutcome("RE")).toBe("REJECTED");
    expect(responseOutcome("AP")).toBe("ACKNOWLEDGED");
    expect(responseOutcome("XX")).toBeNull();
  });

  it("anything else is OTHER; broken XML is an error", () => {
    expect(parseIncomingDocument("<Order xmlns='urn:x'><ID>1</ID></Order>").kind).toBe("OTHER");
    expect(() => parseIncomingDocument("<Invoice><ID>1</Invoice>")).toThrow(IncomingParseError);
  });
});
