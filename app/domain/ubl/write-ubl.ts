import { isValidBelgianEnterpriseNumber, normalizeBelgianNumber } from "../banking/belgian-enterprise-number";
import { mandatoryMentions } from "../invoice/mandatory-mentions";
import type { IssuedInvoice, Party, VatCategory } from "../invoice/types";
import { dec, roundAmount } from "../money/money";
import { EXEMPTION_CODES } from "../vat/legal-mentions";
import { el, serialize, type XmlNode } from "./xml";

export const PEPPOL_CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
export const PEPPOL_PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/**
 * PEPPOL electronic address schemes (EAS) for VAT numbers, by the VAT number's country prefix. Only
 * codes that are in the Electronic Address Scheme list of PEPPOL BIS Billing 3.0.21 (the `eaid` list
 * that PEPPOL-EN16931-CL008 checks) and whose meaning is "<country> VAT number" (or, for Italy and
 * Denmark, the scheme holding the same number): the value is the VAT number with its prefix. Sweden
 * and Finland have no such scheme in the list; a buyer from there is addressed as decision 012 says.
 */
const VAT_EAS: Record<string, string> = {
  AT: "9914", BG: "9926", CY: "9928", CZ: "9929", DE: "9930", DK: "0184", EE: "9931", EL: "9933", ES: "9920", FR: "9957",
  GB: "9932", HR: "9934", HU: "9910", IE: "9935", IT: "0211", LT: "9937", LU: "9938", LV: "9939", MT: "9943", NL: "9944",
  PL: "9945", PT: "9946", RO: "9947", SI: "9949", SK: "9950",
};

export interface WriteUblOptions {
  /** The invoice PDF, embedded as an attachment (BG-24). */
  pdf?: Buffer | null;
  /** A direct-debit mandate that collects this invoice: payment means 59 instead of 58. */
  mandate?: { id: string; creditorId: string; debtorIban: string } | null;
}

/**
 * The invoice (or credit note) as a PEPPOL BIS Billing 3.0 UBL document: EN 16931 figures exactly as
 * issued, Belgian endpoint identifiers (0208 enterprise number), VAT breakdown with exemption reason
 * codes, payment means 58 (IBAN + structured communication) or 59 (mandate), the original invoice
 * for credit notes, and the PDF embedded. Deterministic: same invoice, same bytes.
 */
export function writeUbl(inv: IssuedInvoice, options: WriteUblOptions = {}): string {
  const credit = inv.kind === "CREDIT_NOTE";
  const cur = { currencyID: inv.currency };
  const amount = (name: string, value: string) => el(name, dec(value).toFixed(2), cur);
  // PEPPOL-EN16931-R002: one document-level note, holding the legal mentions and the VAT reason.
  const note = el("cbc:Note", [...mandatoryMentions(inv), inv.vatReason].join("\n"));
  const foreign = inv.currency !== "EUR" && inv.vatTotalEur;
  // BR-O-02: a document with lines "not subject to VAT" (O) carries no VAT identifiers of either
  // party (the seller stays identified by its enterprise number, BT-30, for BR-CO-26).
  const outsideScope = inv.lines.some((l) => l.vatCategory === "O");

  const root: XmlNode = {
    name: credit ? "CreditNote" : "Invoice",
    attrs: {
      xmlns: credit ? "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" : "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
      "xmlns:cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "xmlns:cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    },
    children: [
      el("cbc:CustomizationID", PEPPOL_CUSTOMIZATION_ID),
      el("cbc:ProfileID", PEPPOL_PROFILE_ID),
      el("cbc:ID", inv.formattedNumber),
      el("cbc:IssueDate", inv.issueDate),
      !credit && inv.dueDate && el("cbc:DueDate", inv.dueDate),
      el(credit ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", credit ? "381" : "380"),
      note,
      el("cbc:DocumentCurrencyCode", inv.currency),
      foreign && el("cbc:TaxCurrencyCode", "EUR"),
      el("cbc:BuyerReference", inv.orderName),
      el("cac:OrderReference", [el("cbc:ID", inv.orderName)]),
      inv.billingReference &&
        el("cac:BillingReference", [el("cac:InvoiceDocumentReference", [el("cbc:ID", inv.billingReference.formattedNumber), el("cbc:IssueDate", inv.billingReference.issueDate)])]),
      options.pdf &&
        el("cac:AdditionalDocumentReference", [
          el("cbc:ID", inv.formattedNumber),
          el("cbc:DocumentDescription", credit ? "Credit note" : "Invoice"),
          el("cac:Attachment", [el("cbc:EmbeddedDocumentBinaryObject", options.pdf.toString("base64"), { mimeCode: "application/pdf", filename: `${inv.formattedNumber}.pdf` })]),
        ]),
      el("cac:AccountingSupplierParty", [party(inv.seller, "seller", inv.seller, { creditorId: options.mandate?.creditorId, vatIdentifier: !outsideScope })]),
      el("cac:AccountingCustomerParty", [party(inv.buyer, "buyer", inv.seller, { vatIdentifier: !outsideScope })]),
      inv.supplyDate &&
        el("cac:Delivery", [
          el("cbc:ActualDeliveryDate", inv.supplyDate),
          inv.buyer.countryCode && el("cac:DeliveryLocation", [el("cac:Address", [el("cac:Country", [el("cbc:IdentificationCode", inv.buyer.countryCode.toUpperCase())])])]),
        ]),
      paymentMeans(inv, options),
      !credit && dec(inv.totals.amountDue).greaterThan(0) && inv.dueDate && el("cac:PaymentTerms", [el("cbc:Note", `Due ${inv.dueDate}`)]),
      el("cac:TaxTotal", [
        amount("cbc:TaxAmount", inv.totals.vatTotal),
        ...inv.vatSubtotals.map((s) =>
          el("cac:TaxSubtotal", [amount("cbc:TaxableAmount", s.taxableAmount), amount("cbc:TaxAmount", s.taxAmount), taxCategory("cac:TaxCategory", s.vatCategory, s.vatRate, s.exemptionReason)]),
        ),
      ]),
      foreign && el("cac:TaxTotal", [el("cbc:TaxAmount", dec(inv.vatTotalEur!).toFixed(2), { currencyID: "EUR" })]),
      el("cac:LegalMonetaryTotal", [
        amount("cbc:LineExtensionAmount", inv.totals.lineNetTotal),
        amount("cbc:TaxExclusiveAmount", inv.totals.taxExclusiveTotal),
        amount("cbc:TaxInclusiveAmount", inv.totals.taxInclusiveTotal),
        !dec(inv.totals.allowanceTotal).isZero() && amount("cbc:AllowanceTotalAmount", inv.totals.allowanceTotal),
        !dec(inv.totals.chargeTotal).isZero() && amount("cbc:ChargeTotalAmount", inv.totals.chargeTotal),
        !dec(inv.totals.paidAmount).isZero() && amount("cbc:PrepaidAmount", inv.totals.paidAmount),
        amount("cbc:PayableAmount", credit ? inv.totals.taxInclusiveTotal : inv.totals.amountDue),
      ]),
      ...inv.lines.map((line) => {
        const quantity = dec(line.quantity);
        const price = dec(line.unitPriceNet);
        // PEPPOL-EN16931-R120: line net = quantity × price − allowances + charges, exactly. Whatever
        // separates quantity × price from the issued line net (discounts, and the rounding of a net
        // derived from a gross price) is stated as the line's allowance or charge.
        const gap = roundAmount(quantity.times(price)).minus(dec(line.lineNet));
        return el(credit ? "cac:CreditNoteLine" : "cac:InvoiceLine", [
          el("cbc:ID", String(line.position)),
          el(credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity", quantity.toString(), { unitCode: "C62" }),
          amount("cbc:LineExtensionAmount", line.lineNet),
          !gap.isZero() &&
            el("cac:AllowanceCharge", [
              el("cbc:ChargeIndicator", gap.isNegative() ? "true" : "false"),
              el("cbc:AllowanceChargeReason", gap.isNegative() ? "Rounding" : dec(line.discountAmount).isZero() ? "Rounding" : "Discount"),
              el("cbc:Amount", gap.abs().toFixed(2), cur),
            ]),
          el("cac:Item", [
            el("cbc:Name", line.description.slice(0, 200) || "Item"),
            line.sku && el("cac:SellersItemIdentification", [el("cbc:ID", line.sku)]),
            taxCategory("cac:ClassifiedTaxCategory", line.vatCategory, line.vatRate, null),
          ]),
          el("cac:Price", [el("cbc:PriceAmount", price.toString(), cur)]),
        ]);
      }),
    ],
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}`;
}

function taxCategory(name: string, category: VatCategory, rate: string, reason: string | null): XmlNode {
  const code = EXEMPTION_CODES[category];
  return el(name, [
    el("cbc:ID", category),
    category !== "O" && el("cbc:Percent", dec(rate).toString()),
    name === "cac:TaxCategory" && code && el("cbc:TaxExemptionReasonCode", code),
    name === "cac:TaxCategory" && reason && el("cbc:TaxExemptionReason", reason),
    el("cac:TaxScheme", [el("cbc:ID", "VAT")]),
  ]);
}

/**
 * A party's own PEPPOL electronic address (BT-34 / BT-49), if it has one: a Belgian company by its
 * enterprise number (0208, the scheme Belgian companies are registered under for the B2B mandate),
 * another company by its VAT number's scheme. A consumer, or a business without an enterprise or VAT
 * number, has none: no scheme of the EAS list identifies a private person (decision 012).
 */
export function electronicAddress(p: Party): { scheme: string; id: string } | null {
  const belgian = belgianEnterpriseNumber(p);
  if (belgian) return { scheme: "0208", id: belgian };
  const vat = vatNumber(p);
  const scheme = vat ? VAT_EAS[vat.slice(0, 2)] : undefined;
  return vat && scheme ? { scheme, id: vat } : null;
}

const vatNumber = (p: Party) => p.vatNumber?.replace(/[\s.\-]/g, "").toUpperCase() || null;

function belgianEnterpriseNumber(p: Party): string | null {
  const vat = vatNumber(p);
  const enterprise = p.enterpriseNumber ? normalizeBelgianNumber(p.enterpriseNumber) : vat?.startsWith("BE") ? normalizeBelgianNumber(vat) : null;
  return enterprise && isValidBelgianEnterpriseNumber(enterprise) ? enterprise : null;
}

/**
 * The party (seller or buyer). PEPPOL BIS 3 makes both electronic addresses mandatory
 * (PEPPOL-EN16931-R020, R010) and from the EAS code list (CL008, which has no e-mail scheme). A buyer
 * without an address of its own (a consumer) gets the seller's: the document can then only ever be
 * delivered back to the seller's own books, never to a stranger (decision 012). The buyer stays
 * identified by name, postal address, VAT number if any, and the e-mail as contact (BT-58).
 * The seller of a direct-debit invoice also carries its SEPA creditor identifier (BT-90).
 */
function party(p: Party, role: "seller" | "buyer", seller: Party, { creditorId, vatIdentifier }: { creditorId?: string | undefined; vatIdentifier: boolean }): XmlNode {
  const vat = vatIdentifier ? vatNumber(p) : null;
  const belgian = belgianEnterpriseNumber(p);
  const endpoint = electronicAddress(p) ?? (role === "buyer" ? electronicAddress(seller) : null);
  const name = p.companyName || p.name;
  return el("cac:Party", [
    endpoint && el("cbc:EndpointID", endpoint.id, { schemeID: endpoint.scheme }),
    // BT-90: the seller's SEPA creditor identifier, when the invoice is collected by direct debit.
    creditorId && el("cac:PartyIdentification", [el("cbc:ID", creditorId, { schemeID: "SEPA" })]),
    el("cac:PartyName", [el("cbc:Name", name)]),
    el("cac:PostalAddress", [
      p.street && el("cbc:StreetName", p.street),
      p.city && el("cbc:CityName", p.city),
      p.postalCode && el("cbc:PostalZone", p.postalCode),
      el("cac:Country", [el("cbc:IdentificationCode", (p.countryCode ?? "BE").toUpperCase())]),
    ]),
    vat && el("cac:PartyTaxScheme", [el("cbc:CompanyID", vat), el("cac:TaxScheme", [el("cbc:ID", "VAT")])]),
    el("cac:PartyLegalEntity", [el("cbc:RegistrationName", name), belgian && el("cbc:CompanyID", belgian, { schemeID: "0208" })]),
    (p.email || p.phone) && el("cac:Contact", [p.phone && el("cbc:Telephone", p.phone), p.email && el("cbc:ElectronicMail", p.email)]),
  ]);
}

function paymentMeans(inv: IssuedInvoice, options: WriteUblOptions): XmlNode | null {
  if (options.mandate) {
    return el("cac:PaymentMeans", [
      el("cbc:PaymentMeansCode", "59", { name: "SEPA direct debit" }),
      inv.paymentReference && el("cbc:PaymentID", inv.paymentReference),
      el("cac:PaymentMandate", [el("cbc:ID", options.mandate.id), el("cac:PayerFinancialAccount", [el("cbc:ID", options.mandate.debtorIban.replace(/\s/g, ""))])]),
    ]);
  }
  if (!inv.seller.iban) return null;
  return el("cac:PaymentMeans", [
    el("cbc:PaymentMeansCode", "58", { name: "SEPA credit transfer" }),
    inv.kind === "CREDIT_NOTE" ? null : inv.paymentReference && el("cbc:PaymentID", inv.paymentReference),
    el("cac:PayeeFinancialAccount", [
      el("cbc:ID", inv.seller.iban.replace(/\s/g, "").toUpperCase()),
      el("cbc:Name", inv.seller.companyName || inv.seller.name),
      inv.seller.bic && el("cac:FinancialInstitutionBranch", [el("cbc:ID", inv.seller.bic)]),
    ]),
  ]);
}
