import { execFileSync } from "node:child_process";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { isValidBelgianEnterpriseNumber } from "../banking/belgian-enterprise-number";
import { dec, sum } from "../money/money";
import { sampleDocuments } from "./ubl-samples";
import { electronicAddress, PEPPOL_CUSTOMIZATION_ID, PEPPOL_PROFILE_ID, writeUbl } from "./write-ubl";

/**
 * Our own readable checks of the PEPPOL BIS 3 / EN 16931 rules that matter for Facto's invoices:
 * document structure, BR-CO totals, line net = quantity × price ± allowances (PEPPOL-EN16931-R120),
 * VAT breakdown per category, exemption reasons, endpoint identifiers and payment means; every
 * document is also checked well-formed by xmllint. The official artefacts (UBL 2.1 XSD, CEN and
 * PEPPOL Schematron) run over every document in official-validation.test.ts.
 */
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", removeNSPrefix: true, parseTagValue: false, isArray: (name) => ["InvoiceLine", "CreditNoteLine", "TaxSubtotal", "TaxTotal", "Note", "AllowanceCharge"].includes(name) });
const docs = sampleDocuments();
const text = (v: unknown): string => (typeof v === "object" && v !== null && "#text" in v ? String((v as { "#text": unknown })["#text"]) : String(v));

function parse(xml: string) {
  const tree = parser.parse(xml);
  return (tree.Invoice ?? tree.CreditNote) as Record<string, any>;
}

function checkRules(name: string, xml: string): string[] {
  const problems: string[] = [];
  const d = parse(xml);
  const fail = (rule: string, ok: boolean) => !ok && problems.push(`${name}: ${rule}`);
  fail("CustomizationID", d.CustomizationID === PEPPOL_CUSTOMIZATION_ID);
  fail("ProfileID", d.ProfileID === PEPPOL_PROFILE_ID);
  fail("PEPPOL-EN16931-R003 buyer or order reference", !!(d.BuyerReference || d.OrderReference));
  fail("PEPPOL-EN16931-R002 at most one note", (d.Note ?? []).length <= 1);
  const lines: any[] = d.InvoiceLine ?? d.CreditNoteLine ?? [];
  const total = d.LegalMonetaryTotal;
  const taxTotal = d.TaxTotal[0];
  fail("BR-CO-10 sum of line nets", sum(lines.map((l) => text(l.LineExtensionAmount))).equals(text(total.LineExtensionAmount)));
  fail("BR-CO-13 tax exclusive", dec(text(total.LineExtensionAmount)).minus(text(total.AllowanceTotalAmount ?? "0")).plus(text(total.ChargeTotalAmount ?? "0")).equals(text(total.TaxExclusiveAmount)));
  fail("BR-CO-14 VAT total", sum(taxTotal.TaxSubtotal.map((s: any) => text(s.TaxAmount))).equals(text(taxTotal.TaxAmount)));
  fail("BR-CO-15 tax inclusive", dec(text(total.TaxExclusiveAmount)).plus(text(taxTotal.TaxAmount)).equals(text(total.TaxInclusiveAmount)));
  fail("BR-CO-16 payable", dec(text(total.TaxInclusiveAmount)).minus(text(total.PrepaidAmount ?? "0")).equals(text(total.PayableAmount)));
  fail("PEPPOL-EN16931-R053 one TaxTotal with subtotals", d.TaxTotal.filter((t: any) => t.TaxSubtotal).length === 1);
  fail("BR-53 VAT in accounting currency", !d.TaxCurrencyCode || d.TaxTotal.some((t: any) => !t.TaxSubtotal && t.TaxAmount["@currencyID"] === d.TaxCurrencyCode));
  for (const l of lines) {
    const quantity = dec(text(l.InvoicedQuantity ?? l.CreditedQuantity));
    const price = dec(text(l.Price.PriceAmount));
    const adjust = sum((l.AllowanceCharge ?? []).map((a: any) => (a.ChargeIndicator === "true" ? dec(text(a.Amount)) : dec(text(a.Amount)).neg())));
    fail(`PEPPOL-EN16931-R120 line ${l.ID}`, quantity.times(price).toDecimalPlaces(2).plus(adjust).equals(text(l.LineExtensionAmount)));
    fail(`BR-27 price not negative, line ${l.ID}`, !price.isNegative());
    fail(`line ${l.ID} amounts have 2 decimals`, /^-?\d+\.\d{2}$/.test(text(l.LineExtensionAmount)));
  }
  for (const s of taxTotal.TaxSubtotal) {
    const cat = s.TaxCategory;
    const rate = dec(cat.Percent ?? "0");
    fail(`BR-CO-17 ${cat.ID} ${rate}`, dec(text(s.TaxableAmount)).times(rate).div(100).toDecimalPlaces(2).equals(text(s.TaxAmount)));
    const ofCat = lines.filter((l) => l.Item.ClassifiedTaxCategory.ID === cat.ID && dec(l.Item.ClassifiedTaxCategory.Percent ?? "0").equals(rate));
    fail(`BR-${cat.ID}-08 taxable of ${cat.ID} ${rate}`, sum(ofCat.map((l) => text(l.LineExtensionAmount))).equals(text(s.TaxableAmount)));
    if (["K", "AE", "G", "E"].includes(cat.ID)) {
      fail(`BR-${cat.ID}-10 exemption reason`, !!cat.TaxExemptionReason && !!cat.TaxExemptionReasonCode);
      fail(`BR-${cat.ID} VAT is zero`, dec(text(s.TaxAmount)).isZero());
    }
  }
  const seller = d.AccountingSupplierParty.Party;
  const buyer = d.AccountingCustomerParty.Party;
  fail("PEPPOL-EN16931-R020 seller endpoint", !!seller.EndpointID);
  fail("PEPPOL-EN16931-R010 buyer endpoint", !!buyer.EndpointID);
  if (seller.EndpointID?.["@schemeID"] === "0208") fail("PEPPOL-COMMON-R043 0208 check", isValidBelgianEnterpriseNumber(text(seller.EndpointID)));
  fail("BR-CO-26 seller VAT", !!seller.PartyTaxScheme?.CompanyID);
  const cats = taxTotal.TaxSubtotal.map((s: any) => s.TaxCategory.ID);
  if (cats.includes("K") || cats.includes("AE")) fail("BR-IC-02/BR-AE-02 buyer VAT", !!buyer.PartyTaxScheme?.CompanyID);
  if (cats.includes("K")) fail("BR-IC-11/12 delivery date and country", !!d.Delivery?.ActualDeliveryDate && !!d.Delivery?.DeliveryLocation?.Address?.Country?.IdentificationCode);
  const means = d.PaymentMeans;
  if (means) {
    if (means.PaymentMeansCode["#text"] === "58" || means.PaymentMeansCode === "58") fail("BR-61 payee account", !!means.PayeeFinancialAccount?.ID);
    if (text(means.PaymentMeansCode) === "59") fail("BR-62/63 mandate", !!means.PaymentMandate?.ID && !!means.PaymentMandate?.PayerFinancialAccount?.ID);
  }
  if (d.InvoiceTypeCode && dec(text(total.PayableAmount)).greaterThan(0)) fail("BR-CO-25 due date or terms", !!(d.DueDate || d.PaymentTerms));
  return problems;
}

describe("PEPPOL BIS 3 UBL", () => {
  it.each(Object.entries(docs))("%s passes our BR / PEPPOL checks and is well-formed XML", (name, inv) => {
    const xml = writeUbl(inv, { pdf: Buffer.from("%PDF-1.7 sample"), ...(name === "directDebit" ? { mandate: { id: "FACTO-MNDT-0001", creditorId: "BE12ZZZ0456810810", debtorIban: "BE71 0961 2345 6769" } } : {}) });
    expect(checkRules(name, xml)).toEqual([]);
    execFileSync("xmllint", ["--noout", "-"], { input: xml });
    expect(writeUbl(inv, { pdf: Buffer.from("%PDF-1.7 sample") })).toBe(writeUbl(inv, { pdf: Buffer.from("%PDF-1.7 sample") }));
  });

  it("an invoice carries type 380, the structured communication as PaymentID, the seller's 0208 endpoint and the PDF", () => {
    const d = parse(writeUbl(docs.domestic!, { pdf: Buffer.from("%PDF-1.7 hello") }));
    expect(d.InvoiceTypeCode).toBe("380");
    expect(d.PaymentMeans.PaymentID).toBe(docs.domestic!.paymentReference);
    expect(text(d.PaymentMeans.PaymentMeansCode)).toBe("58");
    expect(d.PaymentMeans.PayeeFinancialAccount.ID).toBe("BE68539007547034");
    expect(d.AccountingSupplierParty.Party.EndpointID).toEqual({ "#text": "0123456749", "@schemeID": "0208" });
    const attachment = d.AdditionalDocumentReference.Attachment.EmbeddedDocumentBinaryObject;
    expect(attachment["@mimeCode"]).toBe("application/pdf");
    expect(Buffer.from(attachment["#text"], "base64").toString()).toBe("%PDF-1.7 hello");
  });

  it("intra-Community: K for goods with VATEX-EU-IC, AE for services with VATEX-EU-AE, the buyer's NL VAT endpoint", () => {
    const d = parse(writeUbl(docs.intraCommunity!));
    const subtotals = d.TaxTotal[0].TaxSubtotal.map((s: any) => [s.TaxCategory.ID, s.TaxCategory.TaxExemptionReasonCode]);
    expect(subtotals).toEqual([["AE", "VATEX-EU-AE"], ["K", "VATEX-EU-IC"]]);
    expect(d.AccountingCustomerParty.Party.EndpointID).toEqual({ "#text": "NL004495445B01", "@schemeID": "9944" });
    expect(d.Delivery.ActualDeliveryDate).toBe("2026-11-20");
  });

  it("export: G with VATEX-EU-G; a consumer has no PEPPOL address: the seller's own (decision 012), the e-mail as contact", () => {
    const d = parse(writeUbl(docs.export!));
    expect(d.TaxTotal[0].TaxSubtotal[0].TaxCategory.TaxExemptionReasonCode).toBe("VATEX-EU-G");
    expect(d.AccountingCustomerParty.Party.EndpointID).toEqual({ "#text": "0123456749", "@schemeID": "0208" });
    expect(d.AccountingCustomerParty.Party.Contact.ElectronicMail).toBe("bob.norman@mail.example.com");
  });

  it("electronic addresses (decision 012): 0208 for a Belgian company, the VAT scheme of the EAS list for another, none for a consumer", () => {
    expect(electronicAddress({ name: "B", vatNumber: "BE 0123.456.749" })).toEqual({ scheme: "0208", id: "0123456749" });
    expect(electronicAddress({ name: "B", enterpriseNumber: "0123.456.749" })).toEqual({ scheme: "0208", id: "0123456749" });
    expect(electronicAddress({ name: "D", vatNumber: "de123456789" })).toEqual({ scheme: "9930", id: "DE123456789" });
    expect(electronicAddress({ name: "N", vatNumber: "NL004495445B01" })).toEqual({ scheme: "9944", id: "NL004495445B01" });
    expect(electronicAddress({ name: "G", vatNumber: "EL123456789" })).toEqual({ scheme: "9933", id: "EL123456789" });
    expect(electronicAddress({ name: "S", vatNumber: "SE556677889901" })).toBeNull(); // no Swedish VAT scheme in the EAS list
    expect(electronicAddress({ name: "X", vatNumber: "BE0123456748" })).toBeNull(); // not a valid Belgian number
    expect(electronicAddress({ name: "Els", email: "els@example.be" })).toBeNull();
  });

  it("a consumer's document is addressed to the seller's own endpoint, never by e-mail; a Belgian company by its own 0208", () => {
    const consumer = parse(writeUbl({ ...docs.domestic!, buyer: { ...docs.domestic!.buyer, email: null } }));
    expect(consumer.AccountingCustomerParty.Party.EndpointID).toEqual({ "#text": "0123456749", "@schemeID": "0208" });
    expect(consumer.AccountingCustomerParty.Party.Contact).toBeUndefined();
    const company = parse(writeUbl({ ...docs.domestic!, buyer: { ...docs.domestic!.buyer, companyName: "Peeters Bouw BV", vatNumber: "BE0477472701" } }));
    expect(company.AccountingCustomerParty.Party.EndpointID).toEqual({ "#text": "0477472701", "@schemeID": "0208" });
    expect(company.AccountingCustomerParty.Party.PartyLegalEntity.CompanyID).toEqual({ "#text": "0477472701", "@schemeID": "0208" });
    for (const doc of Object.values(docs)) expect(writeUbl(doc)).not.toContain('schemeID="EM"');
  });

  it("another currency states the VAT in EUR in a second TaxTotal", () => {
    const d = parse(writeUbl(docs.foreignCurrency!));
    expect(d.DocumentCurrencyCode).toBe("USD");
    expect(d.TaxCurrencyCode).toBe("EUR");
    expect(d.TaxTotal[1].TaxAmount).toEqual({ "#text": docs.foreignCurrency!.vatTotalEur, "@currencyID": "EUR" });
  });

  it("a credit note is a CreditNote (381) that refers to its invoice", () => {
    const d = parse(writeUbl(docs.creditNote!));
    expect(d.CreditNoteTypeCode).toBe("381");
    expect(d.BillingReference.InvoiceDocumentReference).toEqual({ ID: "INV-0001", IssueDate: "2026-11-23" });
    expect(d.CreditNoteLine).toHaveLength(1);
    expect(d.Note).toHaveLength(1);
    expect(d.Note[0]).toContain("Btw terug te storten aan de Staat");
    expect(d.Note[0]).toContain("Creditnota bij factuur INV-0001");
  });

  it("direct debit: payment means 59 with the mandate and the debited account", () => {
    const d = parse(writeUbl(docs.directDebit!, { mandate: { id: "FACTO-MNDT-0001", creditorId: "BE12ZZZ0456810810", debtorIban: "BE71 0961 2345 6769" } }));
    expect(text(d.PaymentMeans.PaymentMeansCode)).toBe("59");
    expect(d.PaymentMeans.PaymentMandate).toEqual({ ID: "FACTO-MNDT-0001", PayerFinancialAccount: { ID: "BE71096123456769" } });
    expect(d.AccountingSupplierParty.Party.PartyIdentification.ID).toEqual({ "#text": "BE12ZZZ0456810810", "@schemeID": "SEPA" });
  });

  it("the checker bites: a changed total or a missing exemption reason is reported", () => {
    const xml = writeUbl(docs.intraCommunity!);
    const broken = xml.replace(/<cbc:TaxExemptionReasonCode>VATEX-EU-IC<\/cbc:TaxExemptionReasonCode>/, "").replace(/(<cbc:PayableAmount currencyID="EUR">)[\d.]+/, "$1999.99");
    expect(checkRules("broken", broken)).toEqual(expect.arrayContaining(["broken: BR-CO-16 payable", "broken: BR-K-10 exemption reason"]));
  });
});
