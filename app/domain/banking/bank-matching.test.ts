import { describe, expect, it } from "vitest";
import { rfCreditorReference } from "~/domain/payment-reference/rf-creditor-reference";
import { structuredCommunication } from "~/domain/payment-reference/structured-communication";
import type { BankStatementTransaction } from "./bank-transaction";
import { indexOpenInvoices, matchTransaction, referencesInText, type OpenInvoice } from "./bank-matching";

const ogm7 = structuredCommunication(20260007);
const ogm8 = structuredCommunication(20260008);
const invoices: OpenInvoice[] = [
  { id: "inv-7", formattedNumber: "F2026-0007", orderName: "#1007", paymentReference: ogm7, currency: "EUR", amountDue: "121.00" },
  { id: "inv-8", formattedNumber: "F2026-0008", orderName: "#1008", paymentReference: ogm8, currency: "EUR", amountDue: "60.50" },
  { id: "inv-9", formattedNumber: "F2026-0009", orderName: "1009", paymentReference: structuredCommunication(20260009), currency: "USD", amountDue: "10.00" },
];
const index = indexOpenInvoices(invoices);

const tx = (over: Partial<BankStatementTransaction>): BankStatementTransaction => ({
  bankReference: "r",
  accountNumber: "BE68539007547034",
  currency: "EUR",
  amount: "121.00",
  direction: "CREDIT",
  bookingDate: "2026-11-27",
  valueDate: null,
  structuredReference: null,
  communication: "",
  counterpartyName: null,
  counterpartyAccount: null,
  statementNumber: null,
  ...over,
});
const ogmRef = (value: string, valid = true) => ({ kind: "OGM" as const, value, valid });

describe("bank transaction matching", () => {
  it("pays the invoice whose OGM it carries: exact, partial, over-payment", () => {
    expect(matchTransaction(tx({ structuredReference: ogmRef(ogm7) }), index)).toEqual({ kind: "PAY", invoiceId: "inv-7", via: "OGM", outcome: "EXACT" });
    expect(matchTransaction(tx({ amount: "100.00", structuredReference: ogmRef(ogm7) }), index)).toEqual({ kind: "PAY", invoiceId: "inv-7", via: "OGM", outcome: "PARTIAL" });
    expect(matchTransaction(tx({ amount: "121.01", structuredReference: ogmRef(ogm7) }), index)).toEqual({ kind: "PAY", invoiceId: "inv-7", via: "OGM", outcome: "OVERPAYMENT" });
  });

  it("pays on an RF reference made of the OGM digits or of the invoice number", () => {
    expect(matchTransaction(tx({ amount: "60.50", structuredReference: { kind: "RF", value: rfCreditorReference(ogm8.replace(/\D/g, "")), valid: true } }), index)).toMatchObject({ kind: "PAY", invoiceId: "inv-8", via: "RF", outcome: "EXACT" });
    expect(matchTransaction(tx({ amount: "60.50", structuredReference: { kind: "RF", value: rfCreditorReference("F20260008"), valid: true } }), index)).toMatchObject({ kind: "PAY", invoiceId: "inv-8", via: "RF" });
  });

  it("finds a valid OGM typed in the free text, in any of the usual spellings", () => {
    const d = ogm8.replace(/\D/g, "");
    for (const text of [`betaling ${ogm8}`, `***${d.slice(0, 3)}/${d.slice(3, 7)}/${d.slice(7)}***`, `ref ${d}`, `${d.slice(0, 3)} ${d.slice(3, 7)} ${d.slice(7)}`]) {
      expect(matchTransaction(tx({ amount: "60.50", communication: text }), index)).toMatchObject({ kind: "PAY", invoiceId: "inv-8", outcome: "EXACT" });
    }
    expect(referencesInText(`IBAN BE68${d}99 and 0${d}`)).toEqual([]);
    expect(referencesInText(`bad ${d.slice(0, 10)}${d.slice(10) === "01" ? "02" : "01"}`)).toEqual([]);
  });

  it("does not trust an OGM with a wrong check digit", () => {
    const d = ogm7.replace(/\D/g, "");
    const wrong = `+++${d.slice(0, 3)}/${d.slice(3, 7)}/${d.slice(7, 10)}${d.slice(10) === "01" ? "02" : "01"}+++`;
    expect(matchTransaction(tx({ structuredReference: ogmRef(wrong, false) }), index)).toEqual({ kind: "UNMATCHED", reason: "INVALID_CHECK_DIGITS" });
  });

  it("proposes (never books) an invoice or order named in unstructured text", () => {
    expect(matchTransaction(tx({ communication: "Factuur F2026-0007, dank u" }), index)).toEqual({ kind: "PROPOSE", invoiceId: "inv-7", via: "INVOICE_NUMBER" });
    expect(matchTransaction(tx({ communication: "payment for #1008" }), index)).toEqual({ kind: "PROPOSE", invoiceId: "inv-8", via: "ORDER_NUMBER" });
    expect(matchTransaction(tx({ communication: "Bestelling nr. 1008" }), index)).toEqual({ kind: "PROPOSE", invoiceId: "inv-8", via: "ORDER_NUMBER" });
    expect(matchTransaction(tx({ communication: "1008 stuks" }), index)).toEqual({ kind: "UNMATCHED", reason: "NO_REFERENCE" });
    expect(matchTransaction(tx({ communication: "F2026-0007 en F2026-0008" }), index)).toEqual({ kind: "UNMATCHED", reason: "AMBIGUOUS" });
  });

  it("leaves debits, unknown references and other currencies unmatched, with the reason", () => {
    expect(matchTransaction(tx({ amount: "-121.00", direction: "DEBIT", structuredReference: ogmRef(ogm7) }), index)).toEqual({ kind: "UNMATCHED", reason: "DEBIT" });
    expect(matchTransaction(tx({ structuredReference: ogmRef(structuredCommunication(1)) }), index)).toEqual({ kind: "UNMATCHED", reason: "UNKNOWN_REFERENCE" });
    expect(matchTransaction(tx({ communication: "huur" }), index)).toEqual({ kind: "UNMATCHED", reason: "NO_REFERENCE" });
    expect(matchTransaction(tx({ amount: "10.00", structuredReference: ogmRef(structuredCommunication(20260009)) }), index)).toEqual({ kind: "UNMATCHED", reason: "CURRENCY" });
    expect(matchTransaction(tx({ currency: "USD", amount: "10.00", structuredReference: ogmRef(structuredCommunication(20260009)) }), index)).toMatchObject({ kind: "PAY", invoiceId: "inv-9" });
  });
});
