import { XMLValidator } from "fast-xml-parser";
import { peppolXmlParser } from "./xml";

/**
 * The essentials of a document received over PEPPOL, read from its UBL: a BIS 3 invoice or credit
 * note (supplier, number, dates, totals, VAT, payment reference, an embedded PDF) or a BIS Invoice
 * Response 3 (UBL ApplicationResponse: the response code of UNCL4343 subset, its reason, and the
 * number of the invoice it answers). Amounts stay decimal strings.
 */
export type IncomingKind = "INVOICE" | "CREDIT_NOTE" | "INVOICE_RESPONSE" | "OTHER";

export interface IncomingEssentials {
  kind: IncomingKind;
  number: string | null;
  issueDate: string | null;
  dueDate: string | null;
  currency: string | null;
  supplierName: string | null;
  supplierVatNumber: string | null;
  taxExclusiveAmount: string | null;
  vatAmount: string | null;
  taxInclusiveAmount: string | null;
  payableAmount: string | null;
  paymentReference: string | null;
  embeddedPdf: { filename: string | null; base64: string } | null;
  response: { code: string | null; reason: string | null; referencedNumber: string | null } | null;
}

const parser = peppolXmlParser(["AdditionalDocumentReference", "PaymentMeans", "TaxTotal", "Status", "DocumentResponse", "Response"]);

type Node = Record<string, unknown>;
const obj = (v: unknown): Node | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : null);
const first = (v: unknown): Node | null => (Array.isArray(v) ? obj(v[0]) : obj(v));
const text = (v: unknown): string | null => {
  if (typeof v === "string") return v.trim() || null;
  const o = first(v);
  return o && typeof o["#text"] === "string" ? o["#text"].trim() || null : null;
};
const amount = (v: unknown): string | null => {
  const t = text(v);
  return t && /^-?\d+(\.\d+)?$/.test(t) ? t : null;
};

export class IncomingParseError extends Error {
  override name = "IncomingParseError";
}

export function parseIncomingDocument(xml: string): IncomingEssentials {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new IncomingParseError(`Not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: Node | null;
  try {
    doc = obj(parser.parse(xml));
  } catch (cause) {
    throw new IncomingParseError(`Not well-formed XML: ${(cause as Error).message}`);
  }
  const empty: IncomingEssentials = {
    kind: "OTHER", number: null, issueDate: null, dueDate: null, currency: null, supplierName: null, supplierVatNumber: null,
    taxExclusiveAmount: null, vatAmount: null, taxInclusiveAmount: null, payableAmount: null, paymentReference: null, embeddedPdf: null, response: null,
  };
  if (!doc) throw new IncomingParseError("Empty document");
  const invoice = obj(doc["Invoice"]);
  const credit = obj(doc["CreditNote"]);
  const response = obj(doc["ApplicationResponse"]);
  if (response) {
    const docResponse = first(response["DocumentResponse"]);
    const r = first(docResponse?.["Response"]);
    const status = first(r?.["Status"]);
    return {
      ...empty,
      kind: "INVOICE_RESPONSE",
      number: text(response["ID"]),
      issueDate: text(response["IssueDate"]),
      supplierName: text(obj(first(response["SenderParty"])?.["PartyLegalEntity"])?.["RegistrationName"]) ?? text(obj(first(response["SenderParty"])?.["PartyName"])?.["Name"]),
      response: {
        code: text(r?.["ResponseCode"]),
        reason: text(status?.["StatusReason"]) ?? text(r?.["Description"]),
        referencedNumber: text(first(docResponse?.["DocumentReference"])?.["ID"]),
      },
    };
  }
  const root = invoice ?? credit;
  if (!root) return empty;
  const supplier = obj(obj(root["AccountingSupplierParty"])?.["Party"]);
  const vatScheme = (() => {
    const t = root["TaxTotal"];
    const list = Array.isArray(t) ? t : [t];
    // BR-CO-15: the TaxTotal with the VAT amount in document currency is the one with TaxAmount and subtotals.
    return list.map(obj).find((x) => x && x["TaxSubtotal"]) ?? obj(list[0]);
  })();
  const totals = obj(root["LegalMonetaryTotal"]);
  const means = first(root["PaymentMeans"]);
  const pdf = (Array.isArray(root["AdditionalDocumentReference"]) ? (root["AdditionalDocumentReference"] as unknown[]) : [])
    .map((r) => obj(obj(r)?.["Attachment"])?.["EmbeddedDocumentBinaryObject"])
    .map((b) => obj(b))
    .find((b) => b && b["@mimeCode"] === "application/pdf" && typeof b["#text"] === "string");
  const taxScheme = (Array.isArray(supplier?.["PartyTaxScheme"]) ? (supplier!["PartyTaxScheme"] as unknown[]) : [supplier?.["PartyTaxScheme"]]).map(obj);
  return {
    ...empty,
    kind: invoice ? "INVOICE" : "CREDIT_NOTE",
    number: text(root["ID"]),
    issueDate: text(root["IssueDate"]),
    dueDate: text(root["DueDate"]) ?? text(obj(first(root["PaymentTerms"]))?.["PaymentDueDate"]) ?? text(means?.["PaymentDueDate"]),
    currency: text(root["DocumentCurrencyCode"]),
    supplierName: text(obj(supplier?.["PartyLegalEntity"])?.["RegistrationName"]) ?? text(obj(supplier?.["PartyName"])?.["Name"]),
    supplierVatNumber: taxScheme.map((t) => text(t?.["CompanyID"])).find(Boolean) ?? null,
    taxExclusiveAmount: amount(totals?.["TaxExclusiveAmount"]),
    vatAmount: amount(vatScheme?.["TaxAmount"]),
    taxInclusiveAmount: amount(totals?.["TaxInclusiveAmount"]),
    payableAmount: amount(totals?.["PayableAmount"]),
    paymentReference: text(means?.["PaymentID"]),
    embeddedPdf: pdf ? { filename: typeof pdf["@filename"] === "string" ? pdf["@filename"] : null, base64: (pdf["#text"] as string).replace(/\s/g, "") } : null,
  };
}

/** What an invoice response code means for the delivery (PEPPOL BIS Invoice Response 3, UNCL4343 subset). */
export function responseOutcome(code: string | null): "REJECTED" | "ACKNOWLEDGED" | null {
  if (!code) return null;
  if (code === "RE") return "REJECTED";
  // AB received, IP in process, UQ under query, CA conditionally accepted, AP accepted, PD paid.
  return ["AB", "IP", "UQ", "CA", "AP", "PD"].includes(code) ? "ACKNOWLEDGED" : null;
}
