import { describe, expect, it } from "vitest";
import { buildInvoiceDraft, type BuildInvoiceOptions } from "../invoice/build-invoice-draft";
import type { ChannelOrder, ChannelOrderLine } from "../invoice/types";
import { sampleSellerSettings } from "../pdf/sample-invoice";
import { detectVatMismatch } from "./detect-vat-mismatch";

const seller = sampleSellerSettings(); // a Belgian seller

function order(country: string, lines: Partial<ChannelOrderLine>[], extra: Partial<ChannelOrder> = {}): ChannelOrder {
  return {
    channel: "SHOPIFY",
    orderId: "5001",
    orderName: "#5001",
    createdAt: "2026-11-20T10:00:00+01:00",
    currency: "EUR",
    pricesIncludeVat: true,
    taxExempt: false,
    customer: { externalId: "1", name: "Klant", countryCode: country },
    shippingAddress: { countryCode: country },
    lines: lines.map((l, i) => ({ kind: "GOODS", description: `Item ${i + 1}`, sku: null, quantity: "1", unitPrice: "100.00", discount: "0", channelVatRate: null, ...l })),
    channelTotals: { total: "0", tax: "0" },
    ...extra,
  };
}

function detect(o: ChannelOrder, options: Omit<BuildInvoiceOptions, "issueDate"> = {}) {
  return detectVatMismatch(o, buildInvoiceDraft(o, seller, { issueDate: "2026-11-20", ...options }), seller.countryCode);
}

describe("detectVatMismatch", () => {
  it("a PLN order charged at Polish 23 % to a Polish consumer while OSS is off: held, cause OSS", () => {
    const o = order("PL", [{ description: "Lampa stołowa", sku: "LAMP-BR-01", unitPrice: "492.00", channelVatRate: "23" }], { currency: "PLN" });
    const m = detect(o, { vat: { ossDestinationTaxation: false, buyerVat: null } });
    expect(m).not.toBeNull();
    expect(m!.regime).toBe("EU_DISTANCE_SELLER_RATE");
    expect(m!.cause).toBe("OSS_NOT_ENABLED");
    expect(m!.lines).toEqual([
      // 492 / 1.21 = 406.61 net (Facto's BE 21 %); VAT 85.39 at 21 %, 93.52 at 23 %.
      { line: 1, description: "Lampa stołowa", sku: "LAMP-BR-01", channelRate: "23", factoRate: "21", lineNet: "406.61", channelVat: "93.52", factoVat: "85.39", cause: "OSS_NOT_ENABLED" },
    ]);
    expect(m!.explanation).toContain("Order #5001 is held");
    expect(m!.explanation).toContain('line 1 "Lampa stołowa" (SKU LAMP-BR-01): the shop charged 23 %');
    expect(m!.explanation).toContain(`tick "Tax EU consumers at their own country's VAT (One-Stop-Shop)" in Facto's settings`);
    // With OSS on, Facto applies 23 % itself: nothing to hold.
    expect(detect(o, { vat: { ossDestinationTaxation: true, buyerVat: null } })).toBeNull();
  });

  it("6 % charged by the shop on a product Facto classifies as standard (21 %): cause product class, naming the SKU", () => {
    const o = order("BE", [{ description: "Boek: Licht in huis", sku: "BOOK-0042", unitPrice: "30.00", channelVatRate: "6" }]);
    const m = detect(o, { productClasses: { "BOOK-0042": "standard" } });
    expect(m?.cause).toBe("PRODUCT_CLASS");
    expect(m!.lines[0]).toMatchObject({ channelRate: "6", factoRate: "21" });
    expect(m!.explanation).toContain('set the VAT class of SKU BOOK-0042 on Facto\'s "VAT of products" page');
    // Classified as the shop has it: no hold.
    expect(detect(o, { productClasses: { "BOOK-0042": "reduced2" } })).toBeNull();
  });

  it("a rate Facto's table does not know for the country: cause rate table, listing the known rates", () => {
    const o = order("BE", [{ description: "Kaars", sku: "CANDLE", channelVatRate: "19" }]);
    const m = detect(o, { productClasses: { CANDLE: "standard" } });
    expect(m?.cause).toBe("RATE_TABLE");
    expect(m!.explanation).toContain("19 % is not a BE VAT rate Facto knows on 2026-11-20 (21 %, 12 %, 6 %, 0 %)");
  });

  it("OSS on in Facto while the shop charged the seller's own rate: cause OSS not charged by the shop", () => {
    // 23 % is not Belgian: classify from the shop's 21 % → standard → PL 23 %; the shop charged BE 21 %.
    const o = order("PL", [{ description: "Lamp", sku: "LAMP", channelVatRate: "21" }]);
    const m = detect(o, { vat: { ossDestinationTaxation: true, buyerVat: null }, productClasses: { LAMP: "standard" } });
    expect(m?.cause).toBe("OSS_NOT_CHARGED_BY_SHOP");
    expect(m!.lines[0]).toMatchObject({ channelRate: "21", factoRate: "23" });
  });

  it("the shop charged no VAT where Facto charges it: its own cause", () => {
    const o = order("BE", [{ description: "Stoel", sku: "CHAIR", channelVatRate: "0" }], { pricesIncludeVat: false });
    const m = detect(o, { productClasses: { CHAIR: "standard" } });
    expect(m?.cause).toBe("NO_VAT_CHARGED");
  });

  it("shipping charged at 21 % over 6 % goods is Facto's deliberate split (decision 005), not a mismatch", () => {
    const o = order("BE", [
      { description: "Boek", sku: "BOOK", unitPrice: "30.00", channelVatRate: "6" },
      { kind: "SHIPPING", description: "bpost", unitPrice: "7.00", channelVatRate: "21" },
    ]);
    const draft = buildInvoiceDraft(o, seller, { issueDate: "2026-11-20" });
    expect(draft.lines.map((l) => [l.kind, l.vatRate])).toEqual([["GOODS", "6"], ["SHIPPING", "6"]]);
    expect(detectVatMismatch(o, draft, "BE")).toBeNull();
  });

  it("intra-Community supplies and exports are never compared (Facto's regime charges no VAT)", () => {
    const b2b = order("DE", [{ description: "Lamp", channelVatRate: "19" }]);
    expect(detect(b2b, { vat: { ossDestinationTaxation: false, buyerVat: { number: "DE811907980", valid: true } } })).toBeNull();
    const exportOrder = order("US", [{ description: "Lamp", channelVatRate: "21" }], { currency: "USD" });
    expect(detect(exportOrder)).toBeNull();
    // A tax-exempt order (the platform's own exemption) is not compared either.
    expect(detect(order("BE", [{ description: "Lamp", sku: "L", channelVatRate: "0" }], { taxExempt: true }), { productClasses: { L: "standard" } })).toBeNull();
  });

  it("an exempt product (class exempt) is not compared", () => {
    const o = order("BE", [{ description: "Cursus", sku: "COURSE", channelVatRate: "21" }]);
    expect(detect(o, { productClasses: { COURSE: "exempt" } })).toBeNull();
  });

  it("a difference of rounding is no mismatch: a rate derived from amounts, and the shop's VAT total a cent off", () => {
    // 20.99 % vs 21 % on 82.64 net: 0.008 apart, under a cent.
    const derived = order("BE", [{ description: "Vaas", sku: "VASE", channelVatRate: "20.99" }], { channelTotals: { total: "100.00", tax: "17.35" } });
    expect(detect(derived, { productClasses: { VASE: "standard" } })).toBeNull();
    // Same rates, the shop rounded its VAT per line and Facto per rate: a cent apart in total, no hold.
    const perLine = order(
      "BE",
      [
        { description: "A", unitPrice: "10.01", channelVatRate: "21" },
        { description: "B", unitPrice: "10.01", channelVatRate: "21" },
        { description: "C", unitPrice: "10.01", channelVatRate: "21" },
      ],
      { pricesIncludeVat: false, channelTotals: { total: "36.34", tax: "6.31" } },
    );
    const draft = buildInvoiceDraft(perLine, seller, { issueDate: "2026-11-20" });
    expect(draft.totals.vatTotal).toBe("6.31");
    expect(detectVatMismatch({ ...perLine, channelTotals: { total: "36.33", tax: "6.30" } }, draft, "BE")).toBeNull();
  });

  it("a line without a rate from the platform is not compared; several causes are all explained", () => {
    const o = order("PL", [
      { description: "Lampa", sku: "LAMP", channelVatRate: "23" },
      { description: "Książka", sku: "BOOK", channelVatRate: "21" },
      { description: "Unknown", sku: "X", channelVatRate: null },
    ]);
    const m = detect(o, { productClasses: { BOOK: "reduced2" } });
    expect(m!.causes).toEqual(["OSS_NOT_ENABLED", "PRODUCT_CLASS"]);
    expect(m!.cause).toBe("OSS_NOT_ENABLED");
    expect(m!.lines.map((l) => [l.line, l.cause])).toEqual([
      [1, "OSS_NOT_ENABLED"],
      [2, "PRODUCT_CLASS"],
    ]);
    expect(m!.explanation).toContain("SKU BOOK");
  });
});
