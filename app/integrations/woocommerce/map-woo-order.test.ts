import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildInvoiceDraft } from "~/domain/invoice/build-invoice-draft";
import { sampleSellerSettings } from "~/domain/pdf/sample-invoice";
import { mapWooOrder } from "./map-woo-order";
import { WooOrderPayload } from "./order-payload";

const sample = JSON.parse(readFileSync(new URL("../../../tests/fixtures/woocommerce/order-be-incl.json", import.meta.url), "utf8"));

describe("mapWooOrder (a Belgian order as a real WooCommerce 11 sent it: prices incl. VAT, a fixed-cart coupon spread over the lines, amounts in cents)", () => {
  const order = mapWooOrder(WooOrderPayload.parse(sample));

  it("maps identity, the price basis and the buyer", () => {
    expect(order).toMatchObject({ channel: "WOOCOMMERCE", orderId: "5127", orderName: "#5127", currency: "EUR", pricesIncludeVat: true, createdAt: `${sample.date_created_gmt}Z` });
    expect(order.customer).toMatchObject({ externalId: "42", name: "Sofie Claes", email: "sofie.claes@example.be", city: "Antwerpen", countryCode: "BE", vatNumber: null });
    expect(order.channelTotals).toEqual({ total: "125.00", tax: "19.00" });
  });

  it("rebuilds gross line amounts from WooCommerce's net + tax", () => {
    expect(order.lines.map((l) => [l.kind, l.quantity, l.unitPrice, l.discount, l.channelVatRate])).toEqual([
      ["GOODS", "3", "20", "6", "21"], // 49.59 + 10.41 = 60.00 before the coupon, 44.63 + 9.37 = 54.00 after
      ["GOODS", "1", "25", "2", "6"], // 23.58 + 1.42; 21.70 + 1.30
      ["GOODS", "1", "45", "2", "21"], // 37.19 + 7.81; 35.54 + 7.46
      ["SHIPPING", "1", "5.00", "0", "21"], // 4.13 + 0.87
    ]);
  });

  it("reads the buyer's VAT number from a VAT plugin's meta key and skips free shipping", () => {
    const b2b = mapWooOrder(
      WooOrderPayload.parse({
        ...sample,
        billing: { ...sample.billing, company: "Koffiebranderij Noord B.V.", country: "NL" },
        meta_data: [{ key: "_billing_vat_number", value: "nl004495445b01" }],
        shipping_lines: [{ method_title: "Gratis", total: "0.00", total_tax: "0.00", taxes: [] }],
      }),
    );
    expect(b2b.customer.vatNumber).toBe("NL004495445B01");
    expect(b2b.customer.companyName).toBe("Koffiebranderij Noord B.V.");
    expect(b2b.lines.some((l) => l.kind === "SHIPPING")).toBe(false);
  });

  it("keeps prices excl. VAT as they are when the shop enters them so", () => {
    const excl = mapWooOrder(WooOrderPayload.parse({ ...sample, prices_include_tax: false }));
    expect(excl.lines[0]).toMatchObject({ unitPrice: "16.53", discount: "4.96" }); // 49.59 / 3; 3 × 16.53 − 44.63
  });

  it("refuses a payload without line items", () => {
    expect(WooOrderPayload.safeParse({ ...sample, line_items: undefined }).success).toBe(false);
  });
});

/**
 * Webhook bodies a real WooCommerce 11.0.1 sent (captured by tests/real-woocommerce with
 * CAPTURE_WOO_FIXTURES=1): line totals and taxes[].total arrive rounded to 2 decimals. From them Facto
 * must arrive at WooCommerce's own totals and VAT per rate.
 */
describe("mapWooOrder on payloads a real WooCommerce sent", () => {
  const real = (name: string) => WooOrderPayload.parse(JSON.parse(readFileSync(new URL(`../../../tests/fixtures/woocommerce/${name}.json`, import.meta.url), "utf8")));
  const vatPerRate = (o: WooOrderPayload) => o.tax_lines.map((t) => [String(t.rate_percent), t.label]);
  const cases = [
    // [fixture, prices incl. VAT, [rate, taxable, VAT] per rate]
    ["real-order-bacs-on-hold-incl-vat", true, [["21", "32.21", "6.76"], ["6", "18.82", "1.13"]]],
    ["real-order-card-processing-shipping", true, [["21", "45.45", "9.54"]]],
    ["real-order-excl-vat", false, [["21", "38.97", "8.18"], ["6", "39.90", "2.39"]]],
  ] as const;
  for (const [name, incl, groups] of cases) {
    it(`${name}: WooCommerce's total and VAT per rate`, () => {
      const payload = real(name);
      expect(payload.prices_include_tax).toBe(incl);
      expect(vatPerRate(payload).length).toBe(groups.length);
      const draft = buildInvoiceDraft(mapWooOrder(payload), sampleSellerSettings(), { issueDate: "2026-11-29" });
      expect(draft.vatSubtotals.map((g) => [g.vatRate, g.taxableAmount, g.taxAmount])).toEqual(groups);
      expect([draft.totals.taxInclusiveTotal, draft.totals.vatTotal]).toEqual([payload.total, payload.total_tax]);
    });
  }
});
