import { describe, expect, it } from "vitest";
import { dec, sum } from "../money/money";
import { buildCreditNoteDraft } from "./build-credit-note-draft";
import { sampleSellerSettings } from "../pdf/sample-invoice";
import { buildInvoiceDraft, InvoiceInputError, type BuildInvoiceOptions, type SellerSettings } from "./build-invoice-draft";
import { missingMandatoryContent } from "./check-mandatory-content";
import { mandatoryMentions } from "./mandatory-mentions";
import type { ChannelOrder, ChannelOrderLine, ChannelRefund, InvoiceDraft, IssuedInvoice } from "./types";

/**
 * Realistic orders of a Belgian shop, each with figures computed by hand (the computation is in the
 * comment) and the reason for its VAT treatment. Every draft must also satisfy EN 16931's
 * arithmetic (BR-CO-10..17), checked for all cases at the end.
 */

const seller: SellerSettings = sampleSellerSettings();

type Line = [kind: ChannelOrderLine["kind"], qty: string, price: string, discount: string, channelRate: string | null, extra?: Partial<ChannelOrderLine>];
interface Case {
  name: string;
  why: string;
  country?: string;
  incl?: boolean;
  date?: string;
  currency?: string;
  rateToEur?: string;
  orderDiscount?: string;
  lines: Line[];
  options?: Omit<BuildInvoiceOptions, "issueDate">;
  regime: string;
  /** [category, rate, net] per invoice line, in order */
  expectLines?: [string, string, string][];
  /** [category, rate, taxable, vat] per VAT group */
  expectGroups: [string, string, string, string][];
  /** [excl. VAT, VAT, incl. VAT] */
  expectTotals: [string, string, string];
  expectVatEur?: string | null;
}

function order(c: Case): ChannelOrder {
  return {
    channel: "SHOPIFY",
    orderId: "1",
    orderName: "#1",
    createdAt: `${c.date ?? "2026-11-20"}T10:00:00+01:00`,
    currency: c.currency ?? "EUR",
    pricesIncludeVat: c.incl ?? false,
    taxExempt: false,
    customer: { externalId: "1", name: "Klant", countryCode: c.country ?? "BE" },
    shippingAddress: { countryCode: c.country ?? "BE" },
    lines: c.lines.map(([kind, quantity, unitPrice, discount, channelVatRate, extra], i) => ({
      kind,
      description: `${kind.toLowerCase()} ${i + 1}`,
      sku: extra?.sku ?? null,
      quantity,
      unitPrice,
      discount,
      channelVatRate,
      ...extra,
    })),
    channelTotals: { total: "0", tax: "0" },
    ...(c.orderDiscount ? { orderDiscounts: [{ description: "code", amount: c.orderDiscount }] } : {}),
    ...(c.rateToEur ? { exchangeRateToEur: c.rateToEur } : {}),
  };
}

const valid = (number: string) => ({ vat: { buyerVat: { number, valid: true, consultationNumber: "WAPIAAAAZ1" }, ossDestinationTaxation: false } });
const invalid = (number: string, oss = false) => ({ vat: { buyerVat: { number, valid: false }, ossDestinationTaxation: oss } });
const OSS = { vat: { ossDestinationTaxation: true, buyerVat: null } };

const CASES: Case[] = [
  // ── Belgian consumers (domestic) ────────────────────────────────────────────────────────────
  { name: "BE 21 % incl.", why: "domestic, standard rate", incl: true, lines: [["GOODS", "1", "12.10", "0", "21"]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "10.00", "2.10"]], expectTotals: ["10.00", "2.10", "12.10"] }, // 12.10 / 1.21
  { name: "BE 6 % incl.", why: "books and food: 6 %", incl: true, lines: [["GOODS", "1", "10.60", "0", "6"]], regime: "DOMESTIC",
    expectGroups: [["S", "6", "10.00", "0.60"]], expectTotals: ["10.00", "0.60", "10.60"] },
  { name: "BE 12 % incl.", why: "12 % category", incl: true, lines: [["GOODS", "1", "11.20", "0", "12"]], regime: "DOMESTIC",
    expectGroups: [["S", "12", "10.00", "1.20"]], expectTotals: ["10.00", "1.20", "11.20"] },
  { name: "BE zero-rated", why: "the shop applied 0 %, Belgium has a zero rate: category Z", incl: true, lines: [["GOODS", "1", "5.00", "0", "0"]], regime: "DOMESTIC",
    expectGroups: [["Z", "0", "5.00", "0.00"]], expectTotals: ["5.00", "0.00", "5.00"] },
  { name: "BE excl. 3 × 19.99", why: "prices without VAT: VAT added once on the base", lines: [["GOODS", "3", "19.99", "0", "21"]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "59.97", "12.59"]], expectTotals: ["59.97", "12.59", "72.56"] }, // 59.97 × 0.21 = 12.5937
  { name: "BE incl. rounding trap 3 × 0.99", why: "net derived from the gross once, VAT per rate", incl: true, lines: [["GOODS", "3", "0.99", "0", "21"]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "2.45", "0.51"]], expectTotals: ["2.45", "0.51", "2.96"] }, // 2.97 / 1.21 = 2.4545 → 2.45; 2.45 × 0.21 = 0.5145 → 0.51
  { name: "BE incl. 9.99", why: "rounding half up", incl: true, lines: [["GOODS", "1", "9.99", "0", "21"]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "8.26", "1.73"]], expectTotals: ["8.26", "1.73", "9.99"] }, // 8.2562 → 8.26; 1.7346 → 1.73
  { name: "BE incl. 19.95 at 6 %", why: "6 % rounding", incl: true, lines: [["GOODS", "1", "19.95", "0", "6"]], regime: "DOMESTIC",
    expectGroups: [["S", "6", "18.82", "1.13"]], expectTotals: ["18.82", "1.13", "19.95"] }, // 18.8208 → 18.82; 1.1292 → 1.13
  { name: "BE decimal quantity", why: "1.5 kg at 7.333 a kg", lines: [["GOODS", "1.5", "7.333", "0", "6"]], regime: "DOMESTIC",
    expectGroups: [["S", "6", "11.00", "0.66"]], expectTotals: ["11.00", "0.66", "11.66"] }, // 10.9995 → 11.00
  { name: "BE unit price with 4 decimals", why: "7 × 0.1234", lines: [["GOODS", "7", "0.1234", "0", "21"]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "0.86", "0.18"]], expectTotals: ["0.86", "0.18", "1.04"] }, // 0.8638 → 0.86; 0.1806 → 0.18
  { name: "BE zero-priced sample", why: "a free line is invoiced at 0.00", incl: true, lines: [["GOODS", "1", "0.00", "0", "21"], ["GOODS", "1", "24.20", "0", "21"]], regime: "DOMESTIC",
    expectLines: [["S", "21", "0.00"], ["S", "21", "20.00"]], expectGroups: [["S", "21", "20.00", "4.20"]], expectTotals: ["20.00", "4.20", "24.20"] },
  { name: "BE line discount", why: "2 × 50.00 − 10.00 incl.", incl: true, lines: [["GOODS", "2", "50.00", "10.00", "21"]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "74.38", "15.62"]], expectTotals: ["74.38", "15.62", "90.00"] }, // 90 / 1.21 = 74.3802; 15.6198
  { name: "BE order-level discount", why: "8.17 spread 60.50 : 21.20 → 6.05 and 2.12", incl: true, orderDiscount: "8.17",
    lines: [["GOODS", "1", "60.50", "0", "21"], ["GOODS", "1", "21.20", "0", "6"]], regime: "DOMESTIC",
    expectLines: [["S", "21", "45.00"], ["S", "6", "18.00"]], // 54.45 / 1.21; 19.08 / 1.06
    expectGroups: [["S", "21", "45.00", "9.45"], ["S", "6", "18.00", "1.08"]], expectTotals: ["63.00", "10.53", "73.53"] },
  { name: "BE mixed 21/6 with shipping", why: "shipping 6.05 split 100 : 20 → 5.04 and 1.01", incl: true,
    lines: [["GOODS", "2", "60.50", "0", "21"], ["GOODS", "1", "21.20", "0", "6"], ["SHIPPING", "1", "6.05", "0", "21"]], regime: "DOMESTIC",
    expectLines: [["S", "21", "100.00"], ["S", "6", "20.00"], ["S", "21", "4.17"], ["S", "6", "0.95"]], // 5.04/1.21 = 4.165; 1.01/1.06 = 0.953
    expectGroups: [["S", "21", "104.17", "21.88"], ["S", "6", "20.95", "1.26"]], expectTotals: ["125.12", "23.14", "148.26"] },
  { name: "BE mixed 21/12/6 with shipping excl.", why: "shipping 10.00 split 100 : 50 : 50",
    lines: [["GOODS", "1", "100.00", "0", "21"], ["GOODS", "1", "50.00", "0", "12"], ["GOODS", "1", "50.00", "0", "6"], ["SHIPPING", "1", "10.00", "0", "21"]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "105.00", "22.05"], ["S", "12", "52.50", "6.30"], ["S", "6", "52.50", "3.15"]], expectTotals: ["210.00", "31.50", "241.50"] },
  { name: "BE shipping of 6 % goods only", why: "shipping follows the books: 6 %", incl: true,
    lines: [["GOODS", "1", "21.20", "0", "6"], ["SHIPPING", "1", "5.30", "0", "21"]], regime: "DOMESTIC",
    expectLines: [["S", "6", "20.00"], ["S", "6", "5.00"]], expectGroups: [["S", "6", "25.00", "1.50"]], expectTotals: ["25.00", "1.50", "26.50"] },
  { name: "BE ten 0.05 lines", why: "VAT once per rate: 0.50 × 21 % = 0.105 → 0.11 (per line would be 0.10)",
    lines: Array.from({ length: 10 }, () => ["GOODS", "1", "0.05", "0", "21"] as Line), regime: "DOMESTIC",
    expectGroups: [["S", "21", "0.50", "0.11"]], expectTotals: ["0.50", "0.11", "0.61"] },
  { name: "BE business", why: "a Belgian company pays Belgian VAT (no reverse charge at home)", incl: true, options: valid("BE0456810810"),
    lines: [["GOODS", "1", "121.00", "0", "21"]], regime: "DOMESTIC", expectGroups: [["S", "21", "100.00", "21.00"]], expectTotals: ["100.00", "21.00", "121.00"] },
  { name: "BE SKU classified reduced", why: "the merchant's classification wins over the shop's rate", incl: true, options: {},
    lines: [["GOODS", "1", "10.60", "0", "21", { sku: "BOOK-1" }]], regime: "DOMESTIC",
    expectGroups: [["S", "6", "10.00", "0.60"]], expectTotals: ["10.00", "0.60", "10.60"] },
  { name: "BE exempt product", why: "classified exempt (art. 44): category E with its mention", lines: [["GOODS", "1", "50.00", "0", null, { sku: "LESSON" }]], regime: "DOMESTIC",
    expectGroups: [["E", "0", "50.00", "0.00"]], expectTotals: ["50.00", "0.00", "50.00"] },
  { name: "BE unknown rate", why: "no rate from the shop: standard rate", incl: true, lines: [["GOODS", "1", "12.10", "0", null]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "10.00", "2.10"]], expectTotals: ["10.00", "2.10", "12.10"] },
  { name: "BE foreign rate from the shop", why: "19 % is no Belgian rate: standard 21 %", incl: true, lines: [["GOODS", "1", "12.10", "0", "19"]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "10.00", "2.10"]], expectTotals: ["10.00", "2.10", "12.10"] },

  // ── EU consumers, seller below the €10,000 threshold: Belgian VAT ─────────────────────────
  { name: "FR consumer below threshold", why: "distance sales under €10,000: seller's rate", country: "FR", incl: true,
    lines: [["GOODS", "1", "24.20", "0", "21"]], regime: "EU_DISTANCE_SELLER_RATE", expectGroups: [["S", "21", "20.00", "4.20"]], expectTotals: ["20.00", "4.20", "24.20"] },
  { name: "FR consumer below threshold, book", why: "Belgian 6 %", country: "FR", incl: true,
    lines: [["GOODS", "1", "10.60", "0", "6"]], regime: "EU_DISTANCE_SELLER_RATE", expectGroups: [["S", "6", "10.00", "0.60"]], expectTotals: ["10.00", "0.60", "10.60"] },
  { name: "NL consumer below threshold excl.", why: "Belgian 21 %", country: "NL",
    lines: [["GOODS", "2", "15.00", "0", "21"]], regime: "EU_DISTANCE_SELLER_RATE", expectGroups: [["S", "21", "30.00", "6.30"]], expectTotals: ["30.00", "6.30", "36.30"] },
  { name: "DE consumer below threshold with shipping", why: "shipping at the goods' 21 %", country: "DE",
    lines: [["GOODS", "1", "40.00", "0", "21"], ["SHIPPING", "1", "4.95", "0", "21"]], regime: "EU_DISTANCE_SELLER_RATE",
    expectGroups: [["S", "21", "44.95", "9.44"]], expectTotals: ["44.95", "9.44", "54.39"] }, // 9.4395

  // ── EU consumers above the threshold (OSS): the destination's rate per category ───────────
  { name: "FR OSS standard", why: "the shop charged 20 %: FR standard", country: "FR", incl: true, options: OSS,
    lines: [["GOODS", "1", "24.00", "0", "20"]], regime: "EU_OSS", expectGroups: [["S", "20", "20.00", "4.00"]], expectTotals: ["20.00", "4.00", "24.00"] },
  { name: "FR OSS book 5.5 %", why: "FR reduced rate from the shop's 5.5 %", country: "FR", incl: true, options: OSS,
    lines: [["GOODS", "1", "10.55", "0", "5.5"]], regime: "EU_OSS", expectGroups: [["S", "5.5", "10.00", "0.55"]], expectTotals: ["10.00", "0.55", "10.55"] },
  { name: "FR OSS from Belgian 6 %", why: "BE 6 % is 'reduced2' → FR 5.5 %", country: "FR", incl: true, options: OSS,
    lines: [["GOODS", "1", "10.60", "0", "6"]], regime: "EU_OSS", expectGroups: [["S", "5.5", "10.05", "0.55"]], expectTotals: ["10.05", "0.55", "10.60"] }, // 10.60/1.055 = 10.0474; 0.5528
  { name: "NL OSS standard excl.", why: "NL standard 21 %", country: "NL", options: OSS,
    lines: [["GOODS", "1", "100.00", "0", "21"]], regime: "EU_OSS", expectGroups: [["S", "21", "100.00", "21.00"]], expectTotals: ["100.00", "21.00", "121.00"] },
  { name: "NL OSS food", why: "BE 6 % → NL 9 %", country: "NL", options: OSS,
    lines: [["GOODS", "1", "10.00", "0", "6"]], regime: "EU_OSS", expectGroups: [["S", "9", "10.00", "0.90"]], expectTotals: ["10.00", "0.90", "10.90"] },
  { name: "DE OSS standard incl.", why: "DE 19 %", country: "DE", incl: true, options: OSS,
    lines: [["GOODS", "1", "119.00", "0", "19"]], regime: "EU_OSS", expectGroups: [["S", "19", "100.00", "19.00"]], expectTotals: ["100.00", "19.00", "119.00"] },
  { name: "DE OSS from Belgian 12 %", why: "DE has no higher reduced rate: standard 19 %", country: "DE", options: OSS,
    lines: [["GOODS", "1", "50.00", "0", "12"]], regime: "EU_OSS", expectGroups: [["S", "19", "50.00", "9.50"]], expectTotals: ["50.00", "9.50", "59.50"] },
  { name: "LU OSS super-reduced", why: "classified super-reduced → LU 3 %", country: "LU", options: { ...OSS, productClasses: { MED: "superReduced" } },
    lines: [["GOODS", "1", "100.00", "0", null, { sku: "MED" }]], regime: "EU_OSS", expectGroups: [["S", "3", "100.00", "3.00"]], expectTotals: ["100.00", "3.00", "103.00"] },
  { name: "IE OSS 13.5 %", why: "classified reduced1 → IE 13.5 %", country: "IE", options: { ...OSS, productClasses: { SVC: "reduced1" } },
    lines: [["GOODS", "1", "20.00", "0", null, { sku: "SVC" }]], regime: "EU_OSS", expectGroups: [["S", "13.5", "20.00", "2.70"]], expectTotals: ["20.00", "2.70", "22.70"] },
  { name: "FI OSS 25.5 %", why: "FI standard", country: "FI", options: OSS,
    lines: [["GOODS", "1", "10.00", "0", "21"]], regime: "EU_OSS", expectGroups: [["S", "25.5", "10.00", "2.55"]], expectTotals: ["10.00", "2.55", "12.55"] },
  { name: "HU OSS 27 %", why: "HU standard", country: "HU", options: OSS,
    lines: [["GOODS", "1", "9.99", "0", "21"]], regime: "EU_OSS", expectGroups: [["S", "27", "9.99", "2.70"]], expectTotals: ["9.99", "2.70", "12.69"] }, // 2.6973
  { name: "FR OSS mixed with shipping", why: "shipping 9.00 split 100 : 50 over FR 20 % and 5.5 %", country: "FR", options: OSS,
    lines: [["GOODS", "1", "100.00", "0", "20"], ["GOODS", "1", "50.00", "0", "5.5"], ["SHIPPING", "1", "9.00", "0", "20"]], regime: "EU_OSS",
    expectGroups: [["S", "20", "106.00", "21.20"], ["S", "5.5", "53.00", "2.92"]], expectTotals: ["159.00", "24.12", "183.12"] }, // 2.915 → 2.92
  { name: "EE before July 2025", why: "EE standard 22 % until 30 June 2025", country: "EE", date: "2025-06-15", options: OSS,
    lines: [["GOODS", "1", "100.00", "0", "21"]], regime: "EU_OSS", expectGroups: [["S", "22", "100.00", "22.00"]], expectTotals: ["100.00", "22.00", "122.00"] },
  { name: "EE from July 2025", why: "EE standard 24 % from 1 July 2025", country: "EE", date: "2025-07-15", options: OSS,
    lines: [["GOODS", "1", "100.00", "0", "21"]], regime: "EU_OSS", expectGroups: [["S", "24", "100.00", "24.00"]], expectTotals: ["100.00", "24.00", "124.00"] },
  { name: "FI reduced 2025", why: "FI 14 % until 2025", country: "FI", date: "2025-12-31", options: { ...OSS, productClasses: { FOOD: "reduced1" } },
    lines: [["GOODS", "1", "100.00", "0", null, { sku: "FOOD" }]], regime: "EU_OSS", expectGroups: [["S", "14", "100.00", "14.00"]], expectTotals: ["100.00", "14.00", "114.00"] },
  { name: "FI reduced 2026", why: "FI 13.5 % from 1 January 2026", country: "FI", date: "2026-01-02", options: { ...OSS, productClasses: { FOOD: "reduced1" } },
    lines: [["GOODS", "1", "100.00", "0", null, { sku: "FOOD" }]], regime: "EU_OSS", expectGroups: [["S", "13.5", "100.00", "13.50"]], expectTotals: ["100.00", "13.50", "113.50"] },
  { name: "RO before August 2025", why: "RO 19 %", country: "RO", date: "2025-07-31", options: OSS,
    lines: [["GOODS", "1", "100.00", "0", "21"]], regime: "EU_OSS", expectGroups: [["S", "19", "100.00", "19.00"]], expectTotals: ["100.00", "19.00", "119.00"] },
  { name: "RO from August 2025", why: "RO 21 %", country: "RO", date: "2025-08-01", options: OSS,
    lines: [["GOODS", "1", "100.00", "0", "21"]], regime: "EU_OSS", expectGroups: [["S", "21", "100.00", "21.00"]], expectTotals: ["100.00", "21.00", "121.00"] },
  { name: "SE OSS in SEK", why: "SE 25 %; VAT also in EUR at 0.087", country: "SE", currency: "SEK", rateToEur: "0.087", incl: true, options: OSS,
    lines: [["GOODS", "1", "125.00", "0", "25"]], regime: "EU_OSS", expectGroups: [["S", "25", "100.00", "25.00"]], expectTotals: ["100.00", "25.00", "125.00"], expectVatEur: "2.18" }, // 2.175

  // ── EU businesses with a VIES-valid VAT number: intra-Community ─────────────────────────────
  { name: "NL business goods", why: "VIES-valid: exempt intra-Community supply (K)", country: "NL", options: valid("NL004495445B01"),
    lines: [["GOODS", "2", "50.00", "0", "21"]], regime: "INTRA_COMMUNITY", expectGroups: [["K", "0", "100.00", "0.00"]], expectTotals: ["100.00", "0.00", "100.00"] },
  { name: "DE business services", why: "services: reverse charge (AE)", country: "DE", options: valid("DE136695976"),
    lines: [["GOODS", "1", "200.00", "0", "21", { supply: "services" }]], regime: "INTRA_COMMUNITY", expectGroups: [["AE", "0", "200.00", "0.00"]], expectTotals: ["200.00", "0.00", "200.00"] },
  { name: "FR business goods and services", why: "K for goods, AE for services, both mentions", country: "FR", options: valid("FR40303265045"),
    lines: [["GOODS", "1", "100.00", "0", "21"], ["GOODS", "1", "50.00", "0", "21", { supply: "services" }]], regime: "INTRA_COMMUNITY",
    expectGroups: [["AE", "0", "50.00", "0.00"], ["K", "0", "100.00", "0.00"]], expectTotals: ["150.00", "0.00", "150.00"] },
  { name: "NL business with invalid number", why: "not valid in VIES: a consumer sale at Belgian VAT", country: "NL", options: invalid("NL000000000B00"),
    lines: [["GOODS", "1", "100.00", "0", "21"]], regime: "EU_DISTANCE_SELLER_RATE", expectGroups: [["S", "21", "100.00", "21.00"]], expectTotals: ["100.00", "21.00", "121.00"] },
  { name: "DE business invalid, OSS", why: "invalid number, seller above threshold: DE 19 %", country: "DE", options: invalid("DE000000000", true),
    lines: [["GOODS", "1", "100.00", "0", "21"]], regime: "EU_OSS", expectGroups: [["S", "19", "100.00", "19.00"]], expectTotals: ["100.00", "19.00", "119.00"] },
  { name: "NL business with shipping", why: "shipping follows the exempt goods (K)", country: "NL", options: valid("NL004495445B01"),
    lines: [["GOODS", "1", "100.00", "0", "21"], ["SHIPPING", "1", "10.00", "0", "21"]], regime: "INTRA_COMMUNITY",
    expectGroups: [["K", "0", "110.00", "0.00"]], expectTotals: ["110.00", "0.00", "110.00"] },
  { name: "AT business, prices incl. VAT", why: "K: the amount paid is the taxable amount", country: "AT", incl: true, options: valid("ATU13585627"),
    lines: [["GOODS", "1", "50.00", "0", null]], regime: "INTRA_COMMUNITY", expectGroups: [["K", "0", "50.00", "0.00"]], expectTotals: ["50.00", "0.00", "50.00"] },

  // ── Outside the EU: export ──────────────────────────────────────────────────────────────────
  { name: "US consumer (Shopify sample #1001)", why: "shipped to the US: export (G)", country: "US", currency: "USD",
    lines: [["GOODS", "1", "199.00", "3.34", "6"], ["GOODS", "1", "199.00", "3.33", "6"], ["GOODS", "1", "199.00", "3.33", "6"]], regime: "EXPORT",
    expectGroups: [["G", "0", "587.00", "0.00"]], expectTotals: ["587.00", "0.00", "587.00"], expectVatEur: null },
  { name: "CH consumer incl.", why: "export: the amount paid, no VAT", country: "CH", incl: true,
    lines: [["GOODS", "1", "121.00", "0", null]], regime: "EXPORT", expectGroups: [["G", "0", "121.00", "0.00"]], expectTotals: ["121.00", "0.00", "121.00"] },
  { name: "GB business with shipping", why: "export, shipping follows (G)", country: "GB",
    lines: [["GOODS", "2", "30.00", "0", null], ["SHIPPING", "1", "12.00", "0", null]], regime: "EXPORT",
    expectGroups: [["G", "0", "72.00", "0.00"]], expectTotals: ["72.00", "0.00", "72.00"] },
  { name: "US consumer services", why: "services to a consumer abroad stay taxed at the seller's rate", country: "US",
    lines: [["GOODS", "1", "100.00", "0", "21", { supply: "services" }]], regime: "EXPORT", expectGroups: [["S", "21", "100.00", "21.00"]], expectTotals: ["100.00", "21.00", "121.00"] },
  { name: "NO consumer", why: "Norway is outside the EU", country: "NO",
    lines: [["GOODS", "1", "80.00", "0", "25"]], regime: "EXPORT", expectGroups: [["G", "0", "80.00", "0.00"]], expectTotals: ["80.00", "0.00", "80.00"] },
  { name: "US decimal quantity", why: "2.5 × 13.37 = 33.425 → 33.43", country: "US",
    lines: [["GOODS", "2.5", "13.37", "0", null]], regime: "EXPORT", expectGroups: [["G", "0", "33.43", "0.00"]], expectTotals: ["33.43", "0.00", "33.43"] },

  // ── Other currencies ─────────────────────────────────────────────────────────────────────────
  { name: "BE sale in USD", why: "VAT total also in EUR (art. 230): 21.00 × 0.9", currency: "USD", rateToEur: "0.9", incl: true,
    lines: [["GOODS", "1", "121.00", "0", "21"]], regime: "DOMESTIC", expectGroups: [["S", "21", "100.00", "21.00"]], expectTotals: ["100.00", "21.00", "121.00"], expectVatEur: "18.90" },
  { name: "BE sale in GBP without a rate", why: "no rate known: no EUR figure invented", currency: "GBP",
    lines: [["GOODS", "1", "10.00", "0", "21"]], regime: "DOMESTIC", expectGroups: [["S", "21", "10.00", "2.10"]], expectTotals: ["10.00", "2.10", "12.10"], expectVatEur: null },
  { name: "BE sale in EUR", why: "EUR: the VAT total is already in EUR", lines: [["GOODS", "1", "10.00", "0", "21"]], regime: "DOMESTIC",
    expectGroups: [["S", "21", "10.00", "2.10"]], expectTotals: ["10.00", "2.10", "12.10"], expectVatEur: "2.10" },
];

const drafts: InvoiceDraft[] = [];

describe("VAT cases", () => {
  it("has at least 60 invoice cases", () => expect(CASES.length).toBeGreaterThanOrEqual(60));

  it.each(CASES)("$name — $why", (c) => {
    const options: BuildInvoiceOptions = { issueDate: "2026-11-23", productClasses: { "BOOK-1": "reduced2", LESSON: "exempt" }, ...c.options };
    const draft = buildInvoiceDraft(order(c), seller, options);
    drafts.push(draft);
    expect(draft.vatRegime).toBe(c.regime);
    if (c.expectLines) expect(draft.lines.map((l) => [l.vatCategory, l.vatRate, l.lineNet])).toEqual(c.expectLines);
    expect(draft.vatSubtotals.map((s) => [s.vatCategory, s.vatRate, s.taxableAmount, s.taxAmount])).toEqual(c.expectGroups);
    expect([draft.totals.taxExclusiveTotal, draft.totals.vatTotal, draft.totals.taxInclusiveTotal]).toEqual(c.expectTotals);
    if (c.expectVatEur !== undefined) expect(draft.vatTotalEur).toBe(c.expectVatEur);
    for (const s of draft.vatSubtotals) {
      if (["K", "AE", "G", "E", "O"].includes(s.vatCategory)) expect(s.exemptionReason, `${s.vatCategory} needs its legal mention`).toBeTruthy();
      else expect(s.exemptionReason).toBeNull();
    }
    expect(draft.vatReason.length).toBeGreaterThan(20);
  });

  it("every draft satisfies EN 16931 BR-CO-10..17 and has every mandatory Belgian element", () => {
    expect(drafts.length).toBe(CASES.length);
    for (const d of drafts) {
      expectEn16931(d);
      const missing = missingMandatoryContent({ ...d, buyer: { ...d.buyer, street: "Kerkstraat 1", city: "Gent", vatNumber: d.buyer.vatNumber ?? (d.vatRegime === "INTRA_COMMUNITY" ? "NL004495445B01" : null) } });
      expect(missing, d.orderName).toEqual([]);
    }
  });

  it("names what a draft lacks", () => {
    const d = drafts.find((x) => x.vatRegime === "INTRA_COMMUNITY")!;
    expect(missingMandatoryContent({ ...d, seller: { ...d.seller, vatNumber: null }, buyer: { name: "B.V.", countryCode: "NL" } })).toEqual([
      "seller VAT number",
      "buyer VAT number (intra-Community supply / reverse charge)",
      "buyer address (intra-Community supply / reverse charge)",
    ]);
  });
});

describe("reasons and mentions in the customer's language", () => {
  it("intra-Community in French cites art. 39bis and names the VAT number", () => {
    const c = CASES.find((x) => x.name === "NL business goods")!;
    const draft = buildInvoiceDraft({ ...order(c), customer: { ...order(c).customer, language: "fr-BE" } }, seller, { issueDate: "2026-11-23", ...c.options });
    expect(draft.language).toBe("fr");
    expect(draft.vatReason).toContain("NL004495445B01");
    expect(draft.vatReason).toContain("VIES");
    expect(mandatoryMentions(draft)).toEqual(["Livraison intracommunautaire exonérée – art. 39bis, 1°, CTVA (art. 138 Directive 2006/112/CE)"]);
  });
  it("reverse charge in German, export in Dutch", () => {
    const ae = CASES.find((x) => x.name === "DE business services")!;
    const de = buildInvoiceDraft({ ...order(ae), customer: { ...order(ae).customer, language: "de" } }, seller, { issueDate: "2026-11-23", ...ae.options });
    expect(mandatoryMentions(de)[0]).toContain("Steuerschuldnerschaft des Leistungsempfängers");
    const g = CASES.find((x) => x.name === "NO consumer")!;
    const nl = buildInvoiceDraft(order(g), seller, { issueDate: "2026-11-23" });
    expect(mandatoryMentions(nl)[0]).toContain("Vrijgestelde uitvoer");
    expect(nl.vatReason).toContain("buiten de EU");
  });
});

describe("refused orders", () => {
  const base: Case = { name: "", why: "", lines: [], regime: "", expectGroups: [], expectTotals: ["", "", ""] };
  it.each([
    ["no lines", { ...base, lines: [] }, "no lines"],
    ["a negative quantity", { ...base, lines: [["GOODS", "-1", "10.00", "0", "21"]] }, "negative quantity"],
    ["a negative price", { ...base, lines: [["GOODS", "1", "-10.00", "0", "21"]] }, "negative price"],
    ["a discount larger than the goods", { ...base, orderDiscount: "50.00", lines: [["GOODS", "1", "10.00", "0", "21"]] }, "larger than the goods"],
  ] as [string, Case, string][])("%s", (_name, c, message) => {
    expect(() => buildInvoiceDraft(order(c), seller, { issueDate: "2026-11-23" })).toThrow(InvoiceInputError);
    expect(() => buildInvoiceDraft(order(c), seller, { issueDate: "2026-11-23" })).toThrow(message);
  });
});

describe("orders as the platforms send them", () => {
  it("a WooCommerce order with prices incl. VAT and a coupon, as a real WooCommerce 11 sent it", async () => {
    const { mapWooOrder } = await import("~/integrations/woocommerce/map-woo-order");
    const { WooOrderPayload } = await import("~/integrations/woocommerce/order-payload");
    const { readFileSync } = await import("node:fs");
    const raw = JSON.parse(readFileSync(new URL("../../../tests/fixtures/woocommerce/order-be-incl.json", import.meta.url), "utf8"));
    const draft = buildInvoiceDraft(mapWooOrder(WooOrderPayload.parse(raw)), seller, { issueDate: "2026-11-19" });
    // A payload a real WooCommerce 11 sent (tests/real-woocommerce): the 10.00 coupon spread over every line.
    // candles 54.00 / 1.21 = 44.63; book 23.00 / 1.06 = 21.70; gift box 43.00 / 1.21 = 35.54;
    // shipping 5.00 split 80.17 : 21.70 → 3.93 (21 %, net 3.25) and 1.07 (6 %, net 1.01)
    expect(draft.lines.map((l) => [l.vatRate, l.lineNet])).toEqual([["21", "44.63"], ["6", "21.70"], ["21", "35.54"], ["21", "3.25"], ["6", "1.01"]]);
    // 21 %: 83.42 → 17.5182; 6 %: 22.71 → 1.3626
    expect(draft.vatSubtotals.map((s) => [s.vatRate, s.taxableAmount, s.taxAmount])).toEqual([["21", "83.42", "17.52"], ["6", "22.71", "1.36"]]);
    // 125.01 against WooCommerce's 125.00: shipping at the goods' rates and VAT per rate, as the law and EN 16931 say.
    expect(draft.totals.taxInclusiveTotal).toBe("125.01");
    expectEn16931(draft);
  });

  it("Shopify's sample order #1001 (to the US)", async () => {
    const { mapShopifyOrder } = await import("~/integrations/shopify/map-shopify-order");
    const { ShopifyOrderPayload } = await import("~/integrations/shopify/order-payload");
    const { readFileSync } = await import("node:fs");
    const raw = JSON.parse(readFileSync(new URL("../../../tests/fixtures/shopify/order-450789469.json", import.meta.url), "utf8"));
    const draft = buildInvoiceDraft(mapShopifyOrder(ShopifyOrderPayload.parse(raw)), seller, { issueDate: "2026-11-19" });
    // 3 × 199.00 − 10.00 of discount allocations (3.34 + 3.33 + 3.33); export: no VAT (Shopify's US state tax is not ours)
    expect(draft.vatSubtotals).toEqual([{ vatCategory: "G", vatRate: "0", taxableAmount: "587.00", taxAmount: "0.00", exemptionReason: expect.stringContaining("art. 146") }]);
    expectEn16931(draft);
  });
});

// ── Credit notes ──────────────────────────────────────────────────────────────────────────────
function issue(c: Case, language: "nl" | "fr" = "nl"): IssuedInvoice {
  const draft = buildInvoiceDraft({ ...order(c), customer: { ...order(c).customer, language } }, seller, { issueDate: "2026-11-20", ...c.options });
  return { ...draft, number: 7, formattedNumber: "INV-0007", paymentReference: null };
}
const mixed = CASES.find((x) => x.name === "BE mixed 21/6 with shipping")!;
const refund = (partial: Partial<ChannelRefund>): ChannelRefund => ({ refundId: "r1", orderId: "1", createdAt: "2026-11-25T10:00:00Z", lines: [], shipping: "0", full: false, ...partial });

describe("credit notes", () => {
  it("a full refund mirrors the invoice, refers to it and carries the Belgian mention", () => {
    const invoice = issue(mixed);
    const cn = buildCreditNoteDraft(invoice, refund({ full: true }), { issueDate: "2026-11-25", pricesIncludeVat: true });
    expect(cn.kind).toBe("CREDIT_NOTE");
    expect(cn.totals).toEqual(invoice.totals);
    expect(cn.vatSubtotals).toEqual(invoice.vatSubtotals);
    expect(cn.billingReference).toEqual({ formattedNumber: "INV-0007", issueDate: "2026-11-20" });
    expect(mandatoryMentions(cn)).toEqual([
      "Creditnota bij factuur INV-0007 van 2026-11-20.",
      "Btw terug te storten aan de Staat in de mate waarin ze oorspronkelijk in aftrek werd gebracht.",
    ]);
    expectEn16931(cn);
  });

  it("a partial refund of one lamp credits 60.50 incl. at 21 %", () => {
    const invoice = issue(mixed, "fr");
    const cn = buildCreditNoteDraft(invoice, refund({ lines: [{ description: "goods 1", quantity: "1", amount: "60.50" }] }), { issueDate: "2026-11-25", pricesIncludeVat: true });
    // 60.50 / 1.21 = 50.00; 50.00 × 21 % = 10.50
    expect(cn.vatSubtotals.map((s) => [s.vatCategory, s.vatRate, s.taxableAmount, s.taxAmount])).toEqual([["S", "21", "50.00", "10.50"]]);
    expect(cn.totals.taxInclusiveTotal).toBe("60.50");
    expect(mandatoryMentions(cn).at(-1)).toBe("TVA à reverser à l'État dans la mesure où elle a été initialement déduite.");
    expectEn16931(cn);
  });

  it("a shipping refund is split over the invoice's shipping rates", () => {
    const cn = buildCreditNoteDraft(issue(mixed), refund({ shipping: "6.05" }), { issueDate: "2026-11-25", pricesIncludeVat: true });
    // invoice shipping gross: 4.17 × 1.21 = 5.0457 and 0.95 × 1.06 = 1.007 → 6.05 split 5.04 / 1.01 → nets 4.17 / 0.95
    expect(cn.lines.map((l) => [l.kind, l.vatRate, l.lineNet])).toEqual([["SHIPPING", "21", "4.17"], ["SHIPPING", "6", "0.95"]]);
    // VAT per rate: 0.8757 → 0.88 and 0.057 → 0.06: the credit is 6.06 (EN 16931 rounding per rate)
    expect(cn.totals.taxInclusiveTotal).toBe("6.06");
    expectEn16931(cn);
  });

  it("a goodwill amount is spread over the VAT rates of the invoice", () => {
    const cn = buildCreditNoteDraft(issue(mixed), refund({ otherAmount: "10.00", reason: "Goodwill" }), { issueDate: "2026-11-25", pricesIncludeVat: true });
    // groups incl. VAT: 104.17 + 21.88 = 126.05 and 20.95 + 1.26 = 22.21 → 10 × 126.05 / 148.26 = 8.50, rest 1.50
    // nets 8.50 / 1.21 = 7.02 and 1.50 / 1.06 = 1.42; VAT 1.4742 → 1.47 and 0.0852 → 0.09
    expect(cn.vatSubtotals.map((s) => [s.vatRate, s.taxableAmount, s.taxAmount])).toEqual([["21", "7.02", "1.47"], ["6", "1.42", "0.09"]]);
    expect(cn.totals.taxInclusiveTotal).toBe("10.00");
    expectEn16931(cn);
  });

  it("an export credit note keeps category G and its mention", () => {
    const invoice = issue(CASES.find((x) => x.name === "NO consumer")!);
    const cn = buildCreditNoteDraft(invoice, refund({ lines: [{ description: "goods 1", quantity: "1", amount: "20.00" }] }), { issueDate: "2026-11-25", pricesIncludeVat: false });
    expect(cn.vatSubtotals).toEqual([{ vatCategory: "G", vatRate: "0", taxableAmount: "20.00", taxAmount: "0.00", exemptionReason: expect.stringContaining("uitvoer") }]);
  });

  it("refuses a refund larger than the invoice or of a line that is not on it", () => {
    const invoice = issue(mixed);
    expect(() => buildCreditNoteDraft(invoice, refund({ otherAmount: "500.00" }), { issueDate: "2026-11-25", pricesIncludeVat: true })).toThrow("more than invoice INV-0007");
    expect(() => buildCreditNoteDraft(invoice, refund({ lines: [{ description: "unknown", quantity: "1", amount: "1.00" }] }), { issueDate: "2026-11-25", pricesIncludeVat: true })).toThrow("not on invoice");
    expect(() => buildCreditNoteDraft(invoice, refund({}), { issueDate: "2026-11-25", pricesIncludeVat: true })).toThrow("credits nothing");
  });
});

/** EN 16931 arithmetic: BR-CO-10, 13, 14, 15, 16 and 17. */
function expectEn16931(d: InvoiceDraft) {
  const t = d.totals;
  expect(t.lineNetTotal).toBe(sum(d.lines.map((l) => l.lineNet)).toFixed(2));
  expect(t.taxExclusiveTotal).toBe(dec(t.lineNetTotal).minus(t.allowanceTotal).plus(t.chargeTotal).toFixed(2));
  expect(t.vatTotal).toBe(sum(d.vatSubtotals.map((s) => s.taxAmount)).toFixed(2));
  expect(t.taxInclusiveTotal).toBe(dec(t.taxExclusiveTotal).plus(t.vatTotal).toFixed(2));
  expect(t.amountDue).toBe(dec(t.taxInclusiveTotal).minus(t.paidAmount).toFixed(2));
  for (const s of d.vatSubtotals) {
    const lines = d.lines.filter((l) => l.vatCategory === s.vatCategory && dec(l.vatRate).equals(s.vatRate));
    expect(s.taxableAmount).toBe(sum(lines.map((l) => l.lineNet)).toFixed(2));
    expect(s.taxAmount).toBe(dec(s.taxableAmount).times(s.vatRate).div(100).toDecimalPlaces(2).toFixed(2));
  }
  for (const l of d.lines) expect(l.lineNet).toMatch(/^\d+\.\d{2}$/);
}
