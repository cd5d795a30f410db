import { breakdown, computeTotals, type SellerSettings } from "../invoice/build-invoice-draft";
import type { InvoiceLineDraft, IssuedInvoice, Language } from "../invoice/types";

/** The demo merchant: a Brussels shop (used by samples, the demo seed and tests). */
export const SAMPLE_SELLER = {
  legalName: "Atelier Lumière BV",
  street: "Rue de la Loi 16",
  postalCode: "1000",
  city: "Brussel",
  countryCode: "BE",
  vatNumber: "BE0123456749",
  enterpriseNumber: "0123456749",
  iban: "BE68539007547034",
  bic: "GKCCBEBB",
  email: "facturen@atelier-lumiere.example",
} as const;

/** The demo merchant as the invoice builder takes it. */
export function sampleSellerSettings(language: Language = "nl"): SellerSettings {
  return { name: SAMPLE_SELLER.legalName, companyName: SAMPLE_SELLER.legalName, ...SAMPLE_SELLER, defaultLanguage: language, paymentTermDays: 14 };
}

/**
 * A realistic Belgian invoice for tests, previews and the benchmark: a Brussels shop selling to a
 * Belgian consumer at 21 % and 6 %, with shipping. `lineCount` pads it for pagination tests.
 */
export function sampleIssuedInvoice(options: { language?: Language; lineCount?: number; buyerName?: string } = {}): IssuedInvoice {
  const base: Omit<InvoiceLineDraft, "position">[] = [
    { kind: "GOODS", description: "Tafellamp „Lumière” messing, handgemaakt", sku: "LAMP-BR-01", quantity: "2", unitPriceNet: "84.297521", discountAmount: "10.00", lineNet: "158.60", vatCategory: "S", vatRate: "21" },
    { kind: "GOODS", description: "Boek: Licht in huis — Łukasz Nováček", sku: "BOOK-0042", quantity: "1", unitPriceNet: "28.301887", discountAmount: "0.00", lineNet: "28.30", vatCategory: "S", vatRate: "6" },
    { kind: "GOODS", description: "Kaarsen Őrség (set van 6)", sku: "CAND-6", quantity: "3", unitPriceNet: "12.396694", discountAmount: "0.00", lineNet: "37.19", vatCategory: "S", vatRate: "21" },
    { kind: "SHIPPING", description: "Verzending bpost", sku: null, quantity: "1", unitPriceNet: "5.785124", discountAmount: "0.00", lineNet: "5.79", vatCategory: "S", vatRate: "21" },
  ];
  const count = options.lineCount ?? base.length;
  const lines: InvoiceLineDraft[] = Array.from({ length: count }, (_, i) => ({ ...base[i % base.length]!, position: i + 1 }));
  const vatSubtotals = breakdown(lines);
  return {
    kind: "INVOICE",
    channel: "SHOPIFY",
    sourceId: "820982911946154508",
    orderId: "820982911946154508",
    orderName: "#1042",
    currency: "EUR",
    language: options.language ?? "nl",
    issueDate: "2026-11-23",
    supplyDate: "2026-11-20",
    dueDate: "2026-12-07",
    vatRegime: "DOMESTIC",
    vatReason: "Sale taxed in BE at the rate of each product (seller's country VAT).",
    seller: { name: SAMPLE_SELLER.legalName, ...SAMPLE_SELLER, companyName: SAMPLE_SELLER.legalName },
    buyer: {
      name: options.buyerName ?? "Straße Ćelić-Dupont",
      street: "Kerkstraat 12",
      postalCode: "9000",
      city: "Gent",
      countryCode: "BE",
      email: "klant@example.be",
    },
    lines,
    vatSubtotals,
    totals: computeTotals(lines, vatSubtotals),
    number: 42,
    formattedNumber: "INV-0042",
    paymentReference: "+++000/0000/04242+++",
    exchangeRateToEur: null,
    vatTotalEur: null,
  };
}
