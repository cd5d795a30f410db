import { XMLValidator } from "fast-xml-parser";
import { IncomingParseError } from "./parse-incoming";
import { peppolXmlParser } from "./xml";

/**
 * The whole of a PEPPOL BIS Billing 3 invoice or credit note received from a supplier, read from its
 * UBL for display (the PDF Facto renders when the sender attached none): parties, every line, the
 * document-level allowances and charges, the VAT breakdown per category and rate, the totals, the
 * payment instructions and the notes. Amounts and quantities stay the decimal strings of the UBL —
 * nothing is recomputed, the document says what it says. Business terms (BT-n) per EN 16931.
 */
export interface UblParty {
  name: string | null; // BT-27 / BT-44 (legal name), else the trading name
  tradingName: string | null; // BT-28 / BT-45
  endpoint: string | null; // BT-34 / BT-49 "scheme:id"
  street: string | null;
  additionalStreet: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string | null;
  vatNumber: string | null; // BT-31 / BT-48
  companyId: string | null; // BT-30 / BT-47
  contact: { name: string | null; phone: string | null; email: string | null };
}

export interface UblLine {
  id: string | null; // BT-126
  name: string | null; // BT-153
  description: string | null; // BT-154
  sellersItemId: string | null; // BT-155
  note: string | null; // BT-127
  quantity: string | null; // BT-129
  unitCode: string | null; // BT-130
  unitPrice: string | null; // BT-146
  baseQuantity: string | null; // BT-149
  vatCategory: string | null; // BT-151
  vatRate: string | null; // BT-152
  lineAmount: string | null; // BT-131
  period: { start: string | null; end: string | null } | null;
}

export interface UblAllowanceCharge {
  charge: boolean;
  reason: string | null;
  amount: string | null;
  vatCategory: string | null;
  vatRate: string | null;
}

export interface UblVatSubtotal {
  category: string | null;
  rate: string | null;
  taxableAmount: string | null;
  taxAmount: string | null;
  exemptionReason: string | null;
}

export interface UblDocument {
  kind: "INVOICE" | "CREDIT_NOTE";
  number: string | null;
  typeCode: string | null;
  issueDate: string | null;
  dueDate: string | null;
  deliveryDate: string | null;
  currency: string | null;
  buyerReference: string | null;
  orderReference: string | null;
  contractReference: string | null;
  /** The invoices a credit note corrects (BT-25). */
  precedingInvoices: { number: string; issueDate: string | null }[];
  notes: string[];
  supplier: UblParty;
  customer: UblParty;
  lines: UblLine[];
  allowanceCharges: UblAllowanceCharge[];
  vatBreakdown: UblVatSubtotal[];
  vatTotal: string | null;
  totals: {
    lineExtension: string | null;
    allowances: string | null;
    charges: string | null;
    taxExclusive: string | null;
    taxInclusive: string | null;
    prepaid: string | null;
    rounding: string | null;
    payable: string | null;
  };
  payment: {
    meansCode: string | null;
    paymentId: string | null;
    accounts: { iban: string; name: string | null; bic: string | null }[];
    terms: string | null;
  };
}

const parser = peppolXmlParser([
  "InvoiceLine",
  "CreditNoteLine",
  "TaxTotal",
  "TaxSubtotal",
  "Note",
  "AllowanceCharge",
  "PaymentMeans",
  "PaymentTerms",
  "PartyTaxScheme",
  "PartyIdentification",
  "PartyName",
  "BillingReference",
  "AdditionalDocumentReference",
  "Description",
  "Delivery",
]);

type Node = Record<string, unknown>;
const obj = (v: unknown): Node | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : null);
const list = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map(obj).filter((x): x is Node => x !== null);
const first = (v: unknown): Node | null => list(v)[0] ?? null;
const text = (v: unknown): string | null => {
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === "string") return v.trim() || null;
  const o = obj(v);
  return o && typeof o["#text"] === "string" ? o["#text"].trim() || null : null;
};
/** Every text of a repeated element (plain strings, or objects with attributes and "#text"). */
const texts = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map(text).filter((t): t is string => t !== null);
const decimal = (v: unknown): string | null => {
  const t = text(v);
  return t && /^[-+]?\d+(\.\d+)?$/.test(t) ? t : null;
};
const path = (node: Node | null, ...names: string[]): unknown => {
  let current: unknown = node;
  for (const name of names) current = first(current)?.[name];
  return current;
};
const attr = (v: unknown, name: string): string | null => {
  const o = first(v);
  return o && typeof o[`@${name}`] === "string" ? (o[`@${name}`] as string) : null;
};

function party(partyNode: Node | null): UblParty {
  const address = obj(path(partyNode, "PostalAddress"));
  const taxSchemes = list(partyNode?.["PartyTaxScheme"]);
  const vat = taxSchemes.find((t) => text(path(t, "TaxScheme", "ID")) === "VAT") ?? taxSchemes[0] ?? null;
  const legal = obj(path(partyNode, "PartyLegalEntity"));
  const endpoint = partyNode?.["EndpointID"];
  const endpointId = text(endpoint);
  const tradingName = text(path(partyNode, "PartyName", "Name"));
  return {
    name: text(legal?.["RegistrationName"]) ?? tradingName,
    tradingName,
    endpoint: endpointId ? `${attr(endpoint, "schemeID") ?? "?"}:${endpointId}` : null,
    street: text(address?.["StreetName"]),
    additionalStreet: text(address?.["AdditionalStreetName"]),
    postalCode: text(address?.["PostalZone"]),
    city: text(address?.["CityName"]),
    countryCode: text(path(address, "Country", "IdentificationCode")),
    vatNumber: text(vat?.["CompanyID"]),
    companyId: text(legal?.["CompanyID"]),
    contact: {
      name: text(path(partyNode, "Contact", "Name")),
      phone: text(path(partyNode, "Contact", "Telephone")),
      email: text(path(partyNode, "Contact", "ElectronicMail")),
    },
  };
}

export function readUblDocument(xml: string): UblDocument {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new IncomingParseError(`Not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = obj(parser.parse(xml));
  const invoice = obj(doc?.["Invoice"]);
  const credit = obj(doc?.["CreditNote"]);
  const root = invoice ?? credit;
  if (!root) throw new IncomingParseError("Not a UBL Invoice or CreditNote");
  const isCredit = !invoice;
  const taxTotals = list(root["TaxTotal"]);
  // BR-CO-15: the VAT total in document currency is the TaxTotal with subtotals (a second one may give
  // the VAT in the accounting currency, BT-111, without subtotals).
  const vatTotal = taxTotals.find((t) => t["TaxSubtotal"]) ?? taxTotals[0] ?? null;
  const totals = obj(root["LegalMonetaryTotal"]);
  const means = list(root["PaymentMeans"]);
  const lineNodes = list(root[isCredit ? "CreditNoteLine" : "InvoiceLine"]);
  return {
    kind: isCredit ? "CREDIT_NOTE" : "INVOICE",
    number: text(root["ID"]),
    typeCode: text(root[isCredit ? "CreditNoteTypeCode" : "InvoiceTypeCode"]),
    issueDate: text(root["IssueDate"]),
    dueDate: text(root["DueDate"]) ?? means.map((m) => text(m["PaymentDueDate"])).find(Boolean) ?? null,
    deliveryDate: text(path(root, "Delivery", "ActualDeliveryDate")),
    currency: text(root["DocumentCurrencyCode"]),
    buyerReference: text(root["BuyerReference"]),
    orderReference: text(path(root, "OrderReference", "ID")),
    contractReference: text(path(root, "ContractDocumentReference", "ID")),
    precedingInvoices: list(root["BillingReference"])
      .map((b) => obj(b["InvoiceDocumentReference"]))
      .map((r) => ({ number: text(r?.["ID"]), issueDate: text(r?.["IssueDate"]) }))
      .filter((r): r is { number: string; issueDate: string | null } => r.number !== null),
    notes: texts(root["Note"]),
    supplier: party(obj(path(root, "AccountingSupplierParty", "Party"))),
    customer: party(obj(path(root, "AccountingCustomerParty", "Party"))),
    lines: lineNodes.map((line) => {
      const item = obj(line["Item"]);
      const tax = obj(item?.["ClassifiedTaxCategory"]);
      const quantityNode = line[isCredit ? "CreditedQuantity" : "InvoicedQuantity"];
      const period = obj(line["InvoicePeriod"]);
      return {
        id: text(line["ID"]),
        name: text(item?.["Name"]),
        description: texts(item?.["Description"]).join(" ") || null,
        sellersItemId: text(path(item, "SellersItemIdentification", "ID")),
        note: text(line["Note"]),
        quantity: decimal(quantityNode),
        unitCode: attr(quantityNode, "unitCode"),
        unitPrice: decimal(path(line, "Price", "PriceAmount")),
        baseQuantity: decimal(path(line, "Price", "BaseQuantity")),
        vatCategory: text(tax?.["ID"]),
        vatRate: decimal(tax?.["Percent"]),
        lineAmount: decimal(line["LineExtensionAmount"]),
        period: period ? { start: text(period["StartDate"]), end: text(period["EndDate"]) } : null,
      };
    }),
    allowanceCharges: list(root["AllowanceCharge"]).map((a) => ({
      charge: text(a["ChargeIndicator"]) === "true",
      reason: text(a["AllowanceChargeReason"]) ?? text(a["AllowanceChargeReasonCode"]),
      amount: decimal(a["Amount"]),
      vatCategory: text(path(a, "TaxCategory", "ID")),
      vatRate: decimal(path(a, "TaxCategory", "Percent")),
    })),
    vatBreakdown: list(vatTotal?.["TaxSubtotal"]).map((s) => {
      const category = obj(s["TaxCategory"]);
      return {
        category: text(category?.["ID"]),
        rate: decimal(category?.["Percent"]),
        taxableAmount: decimal(s["TaxableAmount"]),
        taxAmount: decimal(s["TaxAmount"]),
        exemptionReason: text(category?.["TaxExemptionReason"]) ?? text(category?.["TaxExemptionReasonCode"]),
      };
    }),
    vatTotal: decimal(vatTotal?.["TaxAmount"]),
    totals: {
      lineExtension: decimal(totals?.["LineExtensionAmount"]),
      allowances: decimal(totals?.["AllowanceTotalAmount"]),
      charges: decimal(totals?.["ChargeTotalAmount"]),
      taxExclusive: decimal(totals?.["TaxExclusiveAmount"]),
      taxInclusive: decimal(totals?.["TaxInclusiveAmount"]),
      prepaid: decimal(totals?.["PrepaidAmount"]),
      rounding: decimal(totals?.["PayableRoundingAmount"]),
      payable: decimal(totals?.["PayableAmount"]),
    },
    payment: {
      meansCode: means.map((m) => text(m["PaymentMeansCode"])).find(Boolean) ?? null,
      paymentId: means.map((m) => text(m["PaymentID"])).find(Boolean) ?? null,
      accounts: means
        .map((m) => obj(m["PayeeFinancialAccount"]))
        .filter((a): a is Node => a !== null && text(a["ID"]) !== null)
        .map((a) => ({ iban: text(a["ID"])!, name: text(a["Name"]), bic: text(path(a, "FinancialInstitutionBranch", "ID")) })),
      terms: list(root["PaymentTerms"]).map((t) => text(t["Note"])).filter(Boolean).join(" ") || null,
    },
  };
}
