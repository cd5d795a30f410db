import { buildCreditNoteDraft } from "../invoice/build-credit-note-draft";
import { buildInvoiceDraft, type SellerSettings } from "../invoice/build-invoice-draft";
import type { ChannelOrder, IssuedInvoice } from "../invoice/types";
import { sampleSellerSettings } from "../pdf/sample-invoice";

/**
 * Representative issued documents (domestic mixed rates, OSS, intra-Community, export, foreign
 * currency, credit note, direct debit, long) for the document tests and `npm run invoice:render`.
 */
const seller: SellerSettings = sampleSellerSettings();

function order(partial: Partial<ChannelOrder> & Pick<ChannelOrder, "lines">): ChannelOrder {
  return {
    channel: "SHOPIFY",
    orderId: "1042",
    orderName: "#1042",
    createdAt: "2026-11-20T14:03:11+01:00",
    currency: "EUR",
    pricesIncludeVat: true,
    taxExempt: false,
    customer: { externalId: "7", name: "Els Vermeulen", email: "els@example.be", street: "Kerkstraat 12", postalCode: "9000", city: "Gent", countryCode: "BE", language: "nl" },
    shippingAddress: { countryCode: "BE" },
    channelTotals: { total: "0", tax: "0" },
    ...partial,
  };
}

function issue(o: ChannelOrder, n: number, vat?: Parameters<typeof buildInvoiceDraft>[2]["vat"]): IssuedInvoice {
  const draft = buildInvoiceDraft(o, seller, { issueDate: "2026-11-23", ...(vat ? { vat } : {}) });
  return { ...draft, number: n, formattedNumber: `INV-${String(n).padStart(4, "0")}`, paymentReference: `+++000/0000/0${String(n).padStart(2, "0")}${String(n % 97 || 97).padStart(2, "0")}+++` };
}

const mixedLines: ChannelOrder["lines"] = [
  { kind: "GOODS", description: "Tafellamp Lumière messing", sku: "LAMP-BR-01", quantity: "2", unitPrice: "102.00", discount: "12.10", channelVatRate: "21" },
  { kind: "GOODS", description: "Boek: Licht in huis", sku: "BOOK-0042", quantity: "1", unitPrice: "30.00", discount: "0", channelVatRate: "6" },
  { kind: "SHIPPING", description: "bpost", quantity: "1", unitPrice: "7.00", discount: "0", channelVatRate: "21" },
];

export function sampleDocuments(): Record<string, IssuedInvoice> {
  const domestic = issue(order({ lines: mixedLines }), 1);
  const creditNote: IssuedInvoice = {
    ...buildCreditNoteDraft(domestic, { refundId: "r1", orderId: "1042", createdAt: "2026-11-25T10:00:00Z", lines: [{ sku: "BOOK-0042", description: "Boek", quantity: "1", amount: "30.00" }], shipping: "0", full: false }, { issueDate: "2026-11-25", pricesIncludeVat: true }),
    number: 1,
    formattedNumber: "CN-0001",
    paymentReference: null,
  };
  return {
    domestic,
    oss: issue(order({ customer: { externalId: "8", name: "Claire Dubois", email: "claire@example.fr", street: "12 rue de Rivoli", postalCode: "75004", city: "Paris", countryCode: "FR", language: "fr" }, shippingAddress: { countryCode: "FR" }, lines: mixedLines.map((l) => ({ ...l, channelVatRate: l.channelVatRate === "6" ? "5.5" : "20" })) }), 2, { ossDestinationTaxation: true, buyerVat: null }),
    intraCommunity: issue(
      order({
        pricesIncludeVat: false,
        customer: { externalId: "9", name: "Koffiebranderij Noord B.V.", companyName: "Koffiebranderij Noord B.V.", vatNumber: "NL004495445B01", email: "inkoop@noord.example.nl", street: "Damrak 1", postalCode: "1012 LG", city: "Amsterdam", countryCode: "NL", language: "en" },
        shippingAddress: { countryCode: "NL" },
        lines: [
          { kind: "GOODS", description: "Espresso cups (box of 6)", sku: "CUP-6", quantity: "20", unitPrice: "18.50", discount: "0", channelVatRate: "21" },
          { kind: "GOODS", description: "Barista workshop", quantity: "1", unitPrice: "250.00", discount: "0", channelVatRate: "21", supply: "services" },
        ],
      }),
      3,
      { ossDestinationTaxation: false, buyerVat: { number: "NL004495445B01", valid: true, consultationNumber: "WAPIAAAAZ000001" } },
    ),
    export: issue(order({ currency: "USD", pricesIncludeVat: false, customer: { externalId: "10", name: "Bob Norman", email: "bob.norman@mail.example.com", street: "Chestnut Street 92", postalCode: "40202", city: "Louisville", countryCode: "US", language: "en" }, shippingAddress: { countryCode: "US" }, lines: [{ kind: "GOODS", description: "IPod Nano - 8gb - green", sku: "IPOD2008GREEN", quantity: "3", unitPrice: "199.00", discount: "10.00", channelVatRate: null }], exchangeRateToEur: "0.92" }), 4),
    foreignCurrency: issue(order({ currency: "USD", exchangeRateToEur: "0.92", lines: [{ kind: "GOODS", description: "Kaars", quantity: "3", unitPrice: "12.10", discount: "0", channelVatRate: "21" }] }), 5),
    creditNote: { ...creditNote, billingReference: { formattedNumber: domestic.formattedNumber, issueDate: domestic.issueDate } },
    directDebit: { ...issue(order({ lines: mixedLines.slice(0, 2) }), 6), settlement: { kind: "direct-debit", mandateId: "FACTO-MNDT-0001" } },
    long: issue(order({ lines: Array.from({ length: 120 }, (_, i) => ({ kind: "GOODS" as const, description: `Artikel ${i + 1}`, sku: `SKU-${i + 1}`, quantity: String((i % 3) + 1), unitPrice: (4.99 + i).toFixed(2), discount: "0", channelVatRate: i % 4 === 0 ? "6" : "21" })) }), 7),
  };
}
