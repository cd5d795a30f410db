import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { assertValidUbl, describeFatal, validateUblOfficially } from "../../../tests/support/official-validation";
import { buildCreditNoteDraft } from "../invoice/build-credit-note-draft";
import { buildInvoiceDraft, type BuildInvoiceOptions } from "../invoice/build-invoice-draft";
import type { ChannelCustomer, ChannelOrder, IssuedInvoice } from "../invoice/types";
import { mapShopifyOrder } from "../../integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "../../integrations/shopify/order-payload";
import { mapWooOrder } from "../../integrations/woocommerce/map-woo-order";
import { WooOrderPayload } from "../../integrations/woocommerce/order-payload";
import { parseJsonExact } from "../../utils/parse-json-exact";
import { renderInvoicePdf } from "../pdf/render-invoice-pdf";
import { structuredCommunication } from "../payment-reference/structured-communication";
import { creditorIdentifier } from "../sepa/creditor-identifier";
import { sampleIssuedInvoice, sampleSellerSettings } from "../pdf/sample-invoice";
import { sampleDocuments } from "./ubl-samples";
import { writeUbl, type WriteUblOptions } from "./write-ubl";

/**
 * Every UBL document the tests produce passes the official validation: the UBL 2.1 XSD, the CEN
 * EN 16931 Schematron (1.3.16) and the PEPPOL BIS Billing 3.0.21 Schematron, read from
 * ../shared/contracts (tests/support/official-validation.ts). Any fatal finding fails, printed.
 * Covered: the golden files; Invoice and CreditNote for every VAT regime (domestic, distance sale at
 * the seller's rate, OSS, intra-Community goods and services, export goods and services, exempt and
 * zero-rated products); direct debit (59); other currencies; 120 and 150 lines; every kind of buyer (Belgian
 * company, EU company with and without an EAS VAT scheme, business without VAT number, consumer with
 * and without e-mail); zero-priced lines, line and order discounts; the PDF embedded; the orders the
 * demo places. A broken document must be reported invalid (the check bites).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const goldenDir = path.join(ROOT, "tests/golden");
const seller = sampleSellerSettings();
const mandate = { id: "FACTO-MNDT-0001", creditorId: creditorIdentifier("BE", seller.enterpriseNumber!), debtorIban: "BE71 0961 2345 6769" };
const pdf = Buffer.from("%PDF-1.7 sample");

/** A valid Belgian enterprise number from 8 digits (the last two are 97 − n mod 97). */
const enterprise = (eight: string) => `${eight}${String(97 - (Number(eight) % 97)).padStart(2, "0")}`;

const consumer: ChannelCustomer = { externalId: "7", name: "Els Vermeulen", email: "els@example.be", street: "Kerkstraat 12", postalCode: "9000", city: "Gent", countryCode: "BE", language: "nl" };

function order(partial: Partial<ChannelOrder> = {}): ChannelOrder {
  return {
    channel: "SHOPIFY",
    orderId: "2001",
    orderName: "#2001",
    createdAt: "2026-11-20T14:03:11+01:00",
    currency: "EUR",
    pricesIncludeVat: true,
    taxExempt: false,
    customer: consumer,
    shippingAddress: { countryCode: partial.customer?.countryCode ?? "BE" },
    channelTotals: { total: "0", tax: "0" },
    lines: [
      { kind: "GOODS", description: "Tafellamp Lumière messing", sku: "LAMP-BR-01", quantity: "2", unitPrice: "102.00", discount: "12.10", channelVatRate: "21" },
      { kind: "GOODS", description: "Boek: Licht in huis", sku: "BOOK-0042", quantity: "1", unitPrice: "30.00", discount: "0", channelVatRate: "6" },
      { kind: "SHIPPING", description: "bpost", quantity: "1", unitPrice: "7.00", discount: "0", channelVatRate: "21" },
    ],
    ...partial,
  };
}

let counter = 100;
function issue(o: ChannelOrder, options: Partial<BuildInvoiceOptions> = {}): IssuedInvoice {
  const n = ++counter;
  const draft = buildInvoiceDraft(o, seller, { issueDate: "2026-11-23", ...options });
  return { ...draft, number: n, formattedNumber: `INV-${n}`, paymentReference: structuredCommunication(n) };
}

function credit(inv: IssuedInvoice, full: boolean): IssuedInvoice {
  const line = inv.lines[0]!;
  const draft = buildCreditNoteDraft(
    inv,
    { refundId: `r-${inv.number}`, orderId: inv.orderId, createdAt: "2026-11-25T10:00:00Z", lines: full ? [] : [{ sku: line.sku, description: line.description, quantity: "1", amount: "1.00" }], shipping: "0", full },
    { issueDate: "2026-11-25", pricesIncludeVat: true },
  );
  return { ...draft, number: inv.number, formattedNumber: `CN-${inv.number}${full ? "" : "-P"}`, paymentReference: null, billingReference: { formattedNumber: inv.formattedNumber, issueDate: inv.issueDate } };
}

const belgianCompany: ChannelCustomer = { ...consumer, name: "Jan Peeters", companyName: "Peeters Bouw BV", vatNumber: `BE${enterprise("04774727")}`, email: "boekhouding@peeters.example.be" };
const germanCompany: ChannelCustomer = { externalId: "20", name: "Kaffeehaus Süd GmbH", companyName: "Kaffeehaus Süd GmbH", vatNumber: "DE123456789", email: "einkauf@sued.example.de", street: "Marienplatz 1", postalCode: "80331", city: "München", countryCode: "DE", language: "de" };
const swedishCompany: ChannelCustomer = { externalId: "21", name: "Kaffe Norr AB", companyName: "Kaffe Norr AB", vatNumber: "SE556677889901", street: "Drottninggatan 1", postalCode: "111 51", city: "Stockholm", countryCode: "SE", language: "en" };
const frenchConsumer: ChannelCustomer = { externalId: "22", name: "Claire Dubois", email: "claire@example.fr", street: "12 rue de Rivoli", postalCode: "75004", city: "Paris", countryCode: "FR", language: "fr" };
const usBusiness: ChannelCustomer = { externalId: "23", name: "Acme Lighting Inc.", companyName: "Acme Lighting Inc.", vatNumber: "US-EIN-12-3456789", email: "ap@acme.example.com", street: "1 Main Street", postalCode: "40202", city: "Louisville", countryCode: "US", language: "en" };
const valid = (number: string) => ({ ossDestinationTaxation: false, buyerVat: { number, valid: true, consultationNumber: "WAPIAAAAZ000002" } });
const services = (o: ChannelOrder): ChannelOrder => ({ ...o, lines: [{ kind: "GOODS", description: "Lichtadvies (2 uur)", quantity: "2", unitPrice: "90.00", discount: "0", channelVatRate: "21", supply: "services" }] });

/** Every domain-built case, as [name, invoice, writer options]. */
function domainCases(): [string, IssuedInvoice, WriteUblOptions][] {
  const invoices: [string, IssuedInvoice, WriteUblOptions?][] = [
    ["domestic consumer with e-mail", issue(order())],
    ["domestic consumer without e-mail", issue(order({ customer: { ...consumer, email: null } }))],
    ["consumer without e-mail or address", issue(order({ customer: { externalId: null, name: "Guest" }, shippingAddress: null }))],
    ["Belgian company (0208)", issue(order({ customer: belgianCompany, pricesIncludeVat: false }), { vat: valid(belgianCompany.vatNumber!) })],
    ["business without VAT number", issue(order({ customer: { ...consumer, companyName: "Vzw De Lamp", email: "info@delamp.example.be" } }))],
    ["distance sale at the seller's rate (FR consumer, below threshold)", issue(order({ customer: frenchConsumer }))],
    ["OSS (FR consumer)", issue(order({ customer: frenchConsumer, lines: order().lines.map((l) => ({ ...l, channelVatRate: l.channelVatRate === "6" ? "5.5" : "20" })) }), { vat: { ossDestinationTaxation: true, buyerVat: null } })],
    ["intra-Community goods + services (DE company, 9930)", issue(order({ customer: germanCompany, pricesIncludeVat: false, lines: [...order().lines, services(order()).lines[0]!] }), { vat: valid("DE123456789") })],
    ["intra-Community services only (AE)", issue(services(order({ customer: germanCompany, pricesIncludeVat: false })), { vat: valid("DE123456789") })],
    ["intra-Community, Italy (0211)", issue(order({ customer: { ...germanCompany, companyName: "Caffè Sud Srl", vatNumber: "IT00743110157", countryCode: "IT", city: "Milano", postalCode: "20121" }, pricesIncludeVat: false }), { vat: valid("IT00743110157") })],
    ["intra-Community, Denmark (0184)", issue(order({ customer: { ...germanCompany, companyName: "Kaffe Syd ApS", vatNumber: "DK13585628", countryCode: "DK", city: "København", postalCode: "1050" }, pricesIncludeVat: false }), { vat: valid("DK13585628") })],
    ["intra-Community, a country without an EAS VAT scheme (SE)", issue(order({ customer: swedishCompany, pricesIncludeVat: false }), { vat: valid("SE556677889901") })],
    ["invalid VAT number: domestic with a note", issue(order({ customer: { ...belgianCompany, vatNumber: "BE0999999999" } }), { vat: { ossDestinationTaxation: false, buyerVat: { number: "BE0999999999", valid: false } } })],
    ["export goods (US consumer, USD)", issue(order({ currency: "USD", exchangeRateToEur: "0.92", pricesIncludeVat: false, customer: { ...frenchConsumer, countryCode: "US", city: "Louisville", postalCode: "40202" } }))],
    ["export services to a business (outside the scope, O)", issue(services(order({ customer: usBusiness, pricesIncludeVat: false })), { vat: valid("US-EIN-12-3456789") })],
    ["exempt product (E)", issue(order({ lines: [{ kind: "GOODS", description: "Workshop (vrijgesteld onderwijs)", sku: "EDU-1", quantity: "1", unitPrice: "120.00", discount: "0", channelVatRate: "0" }] }), { productClasses: { "EDU-1": "exempt" } })],
    ["exempt and taxed products together", issue(order({ lines: [...order().lines, { kind: "GOODS", description: "Workshop", sku: "EDU-1", quantity: "1", unitPrice: "120.00", discount: "0", channelVatRate: "0" }] }), { productClasses: { "EDU-1": "exempt" } })],
    ["zero-rated product (Z)", issue(order({ lines: [{ kind: "GOODS", description: "Dagblad", sku: "NEWS-1", quantity: "3", unitPrice: "2.50", discount: "0", channelVatRate: "0" }] }), { productClasses: { "NEWS-1": "zero" } })],
    ["foreign currency, domestic (USD)", issue(order({ currency: "USD", exchangeRateToEur: "0.92" }))],
    ["foreign currency without a known rate (GBP)", issue(order({ currency: "GBP", exchangeRateToEur: null }))],
    ["zero-priced lines (free gift, free shipping)", issue(order({ lines: [...order().lines.slice(0, 2), { kind: "GOODS", description: "Gratis kaars", sku: "GIFT", quantity: "1", unitPrice: "0", discount: "0", channelVatRate: "21" }, { kind: "SHIPPING", description: "Gratis verzending", quantity: "1", unitPrice: "0.00", discount: "0", channelVatRate: "21" }] }))],
    ["a line discounted to zero", issue(order({ lines: [{ kind: "GOODS", description: "Lamp (actie)", sku: "L1", quantity: "1", unitPrice: "50.00", discount: "50.00", channelVatRate: "21" }, ...order().lines.slice(1)] }))],
    ["line and order discounts", issue(order({ orderDiscounts: [{ description: "WELKOM10", amount: "23.57" }] }))],
    ["fractional quantities and prices", issue(order({ lines: [{ kind: "GOODS", description: "Stof per meter", sku: "FAB", quantity: "2.75", unitPrice: "13.99", discount: "1.01", channelVatRate: "21" }, { kind: "GOODS", description: "Garen", sku: "YARN", quantity: "7", unitPrice: "0.33", discount: "0", channelVatRate: "21" }] }))],
    ["long (150 lines)", issue(order({ lines: Array.from({ length: 150 }, (_, i) => ({ kind: "GOODS" as const, description: `Artikel ${i + 1} — ${"x".repeat(i % 40)}`, sku: `SKU-${i + 1}`, quantity: String((i % 4) + 1), unitPrice: (0.99 + i * 1.37).toFixed(2), discount: i % 7 === 0 ? "1.00" : "0", channelVatRate: ["21", "6", "12"][i % 3]! })) }))],
    ["WooCommerce, prices excluding VAT", issue(order({ channel: "WOOCOMMERCE", pricesIncludeVat: false }))],
    ["the PDF sample invoice", sampleIssuedInvoice()],
    ["the PDF sample invoice, 60 lines, French", sampleIssuedInvoice({ language: "fr", lineCount: 60 })],
  ];
  const all: [string, IssuedInvoice, WriteUblOptions][] = [];
  for (const [name, inv, options] of invoices) {
    all.push([`${name}: invoice`, inv, { pdf, ...options }]);
    if (inv.kind === "INVOICE" && inv.currency === "EUR") all.push([`${name}: invoice collected by direct debit (59)`, inv, { pdf, mandate }]);
    if (inv.kind === "INVOICE" && inv.sourceId !== "820982911946154508") {
      all.push([`${name}: full credit note`, credit(inv, true), { pdf }]);
      all.push([`${name}: partial credit note`, credit(inv, false), { pdf }]);
    }
  }
  for (const [name, inv] of Object.entries(sampleDocuments())) all.push([`sample ${name} with its PDF`, inv, { pdf, ...(name === "directDebit" ? { mandate } : {}) }]);
  return all;
}

describe("official PEPPOL BIS 3.0.21 + EN 16931 + UBL 2.1 validation", () => {
  beforeAll(async () => {
    await validateUblOfficially(readFileSync(path.join(goldenDir, "domestic.ubl.xml"), "utf8")); // compiles the Schematron once
  }, 120_000);

  const goldens = readdirSync(goldenDir).filter((f) => f.endsWith(".ubl.xml"));

  it("covers all golden documents", () => {
    expect(goldens.length).toBeGreaterThanOrEqual(8);
  });

  it.each(goldens)("golden %s is valid", async (file) => {
    const verdict = await validateUblOfficially(readFileSync(path.join(goldenDir, file), "utf8"));
    expect(verdict.valid, describeFatal(verdict)).toBe(true);
  });

  it.each(domainCases())("%s is valid", async (_name, inv, options) => {
    const xml = writeUbl(inv, options);
    const verdict = await validateUblOfficially(xml);
    expect(verdict.valid, describeFatal(verdict)).toBe(true);
    expect(verdict.root).toBe(inv.kind === "CREDIT_NOTE" ? "CreditNote" : "Invoice");
  });

  // The orders scripts/demo.ts places (the same writer and seller as the demo's invoices).
  it.each([
    ["Shopify order-be-consumer.json", () => mapShopifyOrder(ShopifyOrderPayload.parse(parseJsonExact(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"))))],
    ["Shopify order-450789469.json", () => mapShopifyOrder(ShopifyOrderPayload.parse(parseJsonExact(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-450789469.json"), "utf8"))))],
    ["WooCommerce order-be-incl.json", () => mapWooOrder(WooOrderPayload.parse(parseJsonExact(readFileSync(path.join(ROOT, "tests/fixtures/woocommerce/order-be-incl.json"), "utf8"))))],
  ])("the demo's invoice for %s, with its rendered PDF, is valid", async (name, read) => {
    const inv = issue(read());
    await assertValidUbl(writeUbl(inv, { pdf: await renderInvoicePdf(inv, { createdAt: new Date("2026-11-23T10:00:00Z") }) }), name);
  });

  it("a document with its real rendered PDF embedded (as Facto stores it) is valid", async () => {
    const inv = sampleDocuments().domestic!;
    const rendered = await renderInvoicePdf(inv, { createdAt: new Date("2026-11-23T10:00:00Z") });
    await assertValidUbl(writeUbl(inv, { pdf: rendered }), "domestic with its PDF");
  });

  it("the check bites: broken documents are reported invalid, with the rule that fired", async () => {
    const xml = writeUbl(sampleDocuments().domestic!, { pdf });
    const cases: [string, string, string][] = [
      ["e-mail as the buyer's endpoint", xml.replace(/(<cac:AccountingCustomerParty>\s*<cac:Party>\s*<cbc:EndpointID) schemeID="0208">[^<]*/, '$1 schemeID="EM">els@example.be'), "PEPPOL-EN16931-CL008"],
      ["no buyer endpoint", xml.replace(/(<cac:AccountingCustomerParty>\s*<cac:Party>)\s*<cbc:EndpointID[^>]*>[^<]*<\/cbc:EndpointID>/, "$1"), "PEPPOL-EN16931-R010"],
      ["a wrong payable amount", xml.replace(/(<cbc:PayableAmount currencyID="EUR">)[\d.]+/, "$1999.99"), "BR-CO-16"],
      ["an element the XSD does not know", xml.replace("<cbc:IssueDate>", "<cbc:Colour>red</cbc:Colour><cbc:IssueDate>"), "UBL-XSD"],
      ["a bad enterprise number check", xml.replace(/schemeID="0208">0123456749/, 'schemeID="0208">0123456748'), "PEPPOL-COMMON-R043"],
    ];
    for (const [what, broken, rule] of cases) {
      expect(broken, `${what}: the test did not change the document`).not.toBe(xml);
      const verdict = await validateUblOfficially(broken);
      expect(verdict.valid, what).toBe(false);
      expect(verdict.findings.filter((f) => f.flag === "fatal").map((f) => f.id), what).toContain(rule);
      await expect(assertValidUbl(broken, what)).rejects.toThrow(rule);
    }
    expect((await validateUblOfficially("<Invoice>")).valid).toBe(false);
    expect((await validateUblOfficially('<?xml version="1.0"?><Order xmlns="urn:x"/>')).bad).toMatch(/not a UBL 2.1 Invoice or CreditNote/);
  });
});
