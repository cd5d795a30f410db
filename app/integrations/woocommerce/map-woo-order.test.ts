import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mapWooOrder } from "./map-woo-order";
import { WooOrderPayload } from "./order-payload";

const sample = JSON.parse(readFileSync(new URL("../../../tests/fixtures/woocommerce/order-be-incl.json", import.meta.url), "utf8"));

describe("mapWooOrder (a Belgian WooCommerce order, prices incl. VAT, coupon, unrounded line taxes)", () => {
  const order = mapWooOrder(WooOrderPayload.parse(sample));

  it("maps identity, the price basis and the buyer", () => {
    expect(order).toMatchObject({ channel: "WOOCOMMERCE", orderId: "5127", orderName: "#5127", currency: "EUR", pricesIncludeVat: true, createdAt: "2026-11-19T15:42:05Z" });
    expect(order.customer).toMatchObject({ externalId: "42", name: "Sofie Claes", email: "sofie.claes@example.be", city: "Antwerpen", countryCode: "BE", vatNumber: null });
    expect(order.channelTotals).toEqual({ total: "125.00", tax: "18.77" });
  });

  it("rebuilds gross line amounts from WooCommerce's net + tax, rounded once", () => {
    expect(order.lines.map((l) => [l.kind, l.quantity, l.unitPrice, l.discount, l.channelVatRate])).toEqual([
      ["GOODS", "3", "20", "10", "21"], // 49.586777 + 10.413223 = 60.00 before the coupon, 41.322314 + 8.677686 = 50.00 after
      ["GOODS", "1", "25", "0", "6"], // 23.584906 + 1.415094
      ["GOODS", "1", "45", "0", "21"], // 37.190083 + 7.809917
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
    expect(excl.lines[0]).toMatchObject({ unitPrice: "16.528926", discount: "8.264464" }); // 49.586777 / 3; 3 × 16.528926 − 41.322314
  });

  it("refuses a payload without line items", () => {
    expect(WooOrderPayload.safeParse({ ...sample, line_items: undefined }).success).toBe(false);
  });
});
