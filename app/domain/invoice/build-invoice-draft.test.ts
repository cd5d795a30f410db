import { describe, expect, it } from "vitest";
import { dec, sum } from "../money/money";
import { sampleSellerSettings } from "../pdf/sample-invoice";
import { buildInvoiceDraft, InvoiceInputError, type SellerSettings } from "./build-invoice-draft";
import type { ChannelOrder, InvoiceDraft } from "./types";

const seller: SellerSettings = sampleSellerSettings();

function order(partial: Partial<ChannelOrder>): ChannelOrder {
  return {
    channel: "SHOPIFY",
    orderId: "1",
    orderName: "#1001",
    createdAt: "2026-11-20T10:00:00+01:00",
    currency: "EUR",
    pricesIncludeVat: true,
    taxExempt: false,
    customer: { externalId: "7", name: "Jan Peeters", countryCode: "BE", language: "nl-BE" },
    shippingAddress: { countryCode: "BE" },
    lines: [],
    channelTotals: { total: "0", tax: "0" },
    ...partial,
  };
}

/** EN 16931 BR-CO-10..16 as assertions. */
function expectConsistent(draft: InvoiceDraft) {
  const t = draft.totals;
  expect(t.lineNetTotal).toBe(sum(draft.lines.map((l) => l.lineNet)).toFixed(2)); // BR-CO-10
  expect(t.taxExclusiveTotal).toBe(dec(t.lineNetTotal).minus(t.allowanceTotal).plus(t.chargeTotal).toFixed(2)); // BR-CO-13
  expect(t.vatTotal).toBe(sum(draft.vatSubtotals.map((s) => s.taxAmount)).toFixed(2)); // BR-CO-14
  expect(t.taxInclusiveTotal).toBe(dec(t.taxExclusiveTotal).plus(t.vatTotal).toFixed(2)); // BR-CO-15
  expect(t.amountDue).toBe(dec(t.taxInclusiveTotal).minus(t.paidAmount).toFixed(2)); // BR-CO-16
  for (const s of draft.vatSubtotals) {
    expect(s.taxAmount).toBe(dec(s.taxableAmount).times(s.vatRate).div(100).toDecimalPlaces(2).toFixed(2)); // BR-CO-17
  }
}

describe("buildInvoiceDraft", () => {
  it("Belgian consumer, prices incl. VAT, 21 % and 6 % goods plus shipping", () => {
    const draft = buildInvoiceDraft(
      order({
        lines: [
          { kind: "GOODS", description: "Lamp", quantity: "2", unitPrice: "60.50", discount: "0", channelVatRate: "21" },
          { kind: "GOODS", description: "Boek", quantity: "1", unitPrice: "21.20", discount: "0", channelVatRate: "6" },
          { kind: "SHIPPING", description: "Bpost", quantity: "1", unitPrice: "6.05", discount: "0", channelVatRate: "21" },
        ],
        channelTotals: { total: "148.25", tax: "23.20" },
      }),
      seller,
      { issueDate: "2026-11-20" },
    );
    // 121.00 / 1.21 = 100.00; 21.20 / 1.06 = 20.00; shipping 6.05 follows the goods 100 : 20:
    // 6.05 × 100/120 = 5.04 (21 %, net 4.1652 → 4.17) and the rest 1.01 (6 %, net 0.9528 → 0.95)
    expect(draft.lines.map((l) => [l.kind, l.lineNet, l.vatRate])).toEqual([
      ["GOODS", "100.00", "21"],
      ["GOODS", "20.00", "6"],
      ["SHIPPING", "4.17", "21"],
      ["SHIPPING", "0.95", "6"],
    ]);
    expect(draft.vatSubtotals).toEqual([
      { vatCategory: "S", vatRate: "21", taxableAmount: "104.17", taxAmount: "21.88", exemptionReason: null }, // 21.8757
      { vatCategory: "S", vatRate: "6", taxableAmount: "20.95", taxAmount: "1.26", exemptionReason: null }, // 1.257
    ]);
    // 125.12 + 23.14; the shop said 148.25 (it rounds per line): ours is authoritative.
    expect(draft.totals.taxInclusiveTotal).toBe("148.26");
    expect(draft.vatRegime).toBe("DOMESTIC");
    expect(draft.language).toBe("nl");
    expect(draft.dueDate).toBe("2026-12-04");
    expectConsistent(draft);
  });

  it("prices excl. VAT with a line discount", () => {
    const draft = buildInvoiceDraft(
      order({
        pricesIncludeVat: false,
        lines: [{ kind: "GOODS", description: "Stoel", quantity: "3", unitPrice: "33.333", discount: "10.00", channelVatRate: "21" }],
      }),
      seller,
      { issueDate: "2026-11-20" },
    );
    // 3 × 33.333 = 99.999 − 10 = 89.999 → 90.00; VAT 21 % of 90.00 = 18.90
    expect(draft.lines[0]).toMatchObject({ lineNet: "90.00", unitPriceNet: "33.333", discountAmount: "10.00" });
    expect(draft.totals).toMatchObject({ vatTotal: "18.90", taxInclusiveTotal: "108.90" });
    expectConsistent(draft);
  });

  it("rounds VAT once per rate, not per line", () => {
    const draft = buildInvoiceDraft(
      order({
        pricesIncludeVat: false,
        lines: [
          { kind: "GOODS", description: "A", quantity: "1", unitPrice: "0.10", discount: "0", channelVatRate: "21" },
          { kind: "GOODS", description: "B", quantity: "1", unitPrice: "0.10", discount: "0", channelVatRate: "21" },
          { kind: "GOODS", description: "C", quantity: "1", unitPrice: "0.10", discount: "0", channelVatRate: "21" },
        ],
      }),
      seller,
      { issueDate: "2026-11-20" },
    );
    // per line 0.021 → 0.02 ×3 = 0.06; per rate 0.30 × 21 % = 0.063 → 0.06 — and for 0.05 lines:
    expect(draft.totals.vatTotal).toBe("0.06");
    const five = buildInvoiceDraft(
      order({
        pricesIncludeVat: false,
        lines: Array.from({ length: 3 }, (_, i) => ({ kind: "GOODS" as const, description: `x${i}`, quantity: "1", unitPrice: "0.05", discount: "0", channelVatRate: "21" })),
      }),
      seller,
      { issueDate: "2026-11-20" },
    );
    // per line 0.0105 → 0.01 ×3 = 0.03; per rate 0.15 × 21 % = 0.0315 → 0.03; 10 lines would differ:
    expect(five.totals.vatTotal).toBe("0.03");
    const ten = buildInvoiceDraft(
      order({
        pricesIncludeVat: false,
        lines: Array.from({ length: 10 }, (_, i) => ({ kind: "GOODS" as const, description: `x${i}`, quantity: "1", unitPrice: "0.05", discount: "0", channelVatRate: "21" })),
      }),
      seller,
      { issueDate: "2026-11-20" },
    );
    // per line would be 10 × 0.01 = 0.10; once per rate: 0.50 × 21 % = 0.105 → 0.11 (half away from zero)
    expect(ten.totals.vatTotal).toBe("0.11");
    expectConsistent(ten);
  });

  it("export outside the EU is exempt (category G) with the legal mention", () => {
    const draft = buildInvoiceDraft(
      order({
        pricesIncludeVat: false,
        currency: "USD",
        customer: { externalId: "9", name: "Bob Norman", countryCode: "US" },
        shippingAddress: { countryCode: "US" },
        lines: [{ kind: "GOODS", description: "iPod", quantity: "1", unitPrice: "199.00", discount: "3.34", channelVatRate: "6" }],
      }),
      seller,
      { issueDate: "2026-11-20" },
    );
    expect(draft.vatRegime).toBe("EXPORT");
    expect(draft.vatReason).toContain("buiten de EU"); // the shop's language: no customer locale
    expect(draft.vatSubtotals).toEqual([
      { vatCategory: "G", vatRate: "0", taxableAmount: "195.66", taxAmount: "0.00", exemptionReason: expect.stringContaining("art. 146") },
    ]);
    expect(draft.language).toBe("nl"); // no customer locale: the shop's language
    expectConsistent(draft);
  });

  it("an unknown channel rate falls back to the Belgian standard rate", () => {
    const draft = buildInvoiceDraft(
      order({ lines: [{ kind: "GOODS", description: "X", quantity: "1", unitPrice: "12.10", discount: "0", channelVatRate: "19" }] }),
      seller,
      { issueDate: "2026-11-20" },
    );
    expect(draft.lines[0]!.vatRate).toBe("21");
  });

  it("refuses an order without lines", () => {
    expect(() => buildInvoiceDraft(order({ lines: [] }), seller, { issueDate: "2026-11-20" })).toThrow(InvoiceInputError);
  });
});
