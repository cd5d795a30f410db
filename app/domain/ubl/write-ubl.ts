import { isValidBelgianEnterpriseNumber, normalizeBelgianNumber } from "../banking/belgian-enterprise-number";
import { mandatoryMentions } from "../invoice/mandatory-mentions";
import type { IssuedInvoice, Party, VatCategory } from "../invoice/types";
import { dec, roundAmount } from "../money/money";
import { EXEMPTION_CODES } from "../vat/legal-mentions";
import { el, serialize, type XmlNode } from "./xml";

export const PEPPOL_CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
export const PEPPOL_PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/** PEPPOL electronic address schemes (EAS) for VAT numbers by country, where one exists. */
const VAT_EAS: Record<string, string> = { BE: "9925", DE: "9930", NL: "9944", FR: "9957", AT: "9914", LU: "9938", IT: "9906", ES: "9920" };

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
      el("cac:AccountingSupplierParty", [party(inv.seller, "seller")]),
      el("cac:AccountingCustomerParty", [party(inv.buyer, "buyer")]),
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

/** The party with its PEPPOL endpoint: a Belgian company by enterprise number (0208), else its VAT scheme, else e-mail. */
function party(p: Party, role: "seller" | "buyer"): XmlNode {
  const vat = p.vatNumber?.replace(/\s/g, "").toUpperCase() ?? null;
  const enterprise = p.enterpriseNumber ? normalizeBelgianNumber(p.enterpriseNumber) : vat?.startsWith("BE") ? normalizeBelgianNumber(vat) : null;
  const belgian = enterprise && isValidBelgianEnterpriseNumber(enterprise) ? enterprise : null;
  const vatScheme = vat ? VAT_EAS[vat.slice(0, 2)] : undefined;
  const endpoint: [string, string] | null = belgian ? ["0208", belgian] : vat && vatScheme ? [vatScheme, vat] : p.email ? ["EM", p.email] : null;
  const name = p.companyName || p.name;
  return el("cac:Party", [
    endpoint && el("cbc:EndpointID", endpoint[1], { schemeID: endpoint[0] }),
    el("cac:PartyName", [el("cbc:Name", name)]),
    el("cac:PostalAddress", [
      p.street && el("cbc:StreetName", p.street),
      p.city && el("cbc:CityName", p.city),
      p.postalCode && el("cbc:PostalZone", p.postalCode),
      el("cac:Country", [el("cbc:IdentificationCode", (p.countryCode ?? "BE").toUpperCase())]),
    ]),
    vat && el("cac:PartyTaxScheme", [el("cbc:CompanyID", vat), el("cac:TaxScheme", [el("cbc:ID", "VAT")])]),
    el("cac:PartyLegalEntity", [el("cbc:RegistrationName", name), role === "seller" && belgian && el("cbc:CompanyID", belgian, { schemeID: "0208" })]),
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
