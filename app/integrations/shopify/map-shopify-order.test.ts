import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mapShopifyOrder } from "./map-shopify-order";
import { ShopifyOrderPayload } from "./order-payload";

const sample = JSON.parse(readFileSync(new URL("../../../tests/fixtures/shopify/order-450789469.json", import.meta.url), "utf8"));

describe("mapShopifyOrder (Shopify's sample order 450789469)", () => {
  const order = mapShopifyOrder(ShopifyOrderPayload.parse(sample));

  it("maps identity, currency and the price basis", () => {
    expect(order).toMatchObject({ channel: "SHOPIFY", orderId: "450789469", orderName: "#1001", currency: "USD", pricesIncludeVat: false, taxExempt: false });
    expect(order.channelTotals).toEqual({ total: "598.94", tax: "11.94" });
  });

  it("maps the buyer from the billing address and the shipping country", () => {
    expect(order.customer).toMatchObject({
      externalId: "207119551",
      email: "bob.norman@mail.example.com",
      name: "Bob Norman",
      street: "Chestnut Street 92",
      postalCode: "40202",
      city: "Louisville",
      countryCode: "US",
      companyName: null,
      vatNumber: null,
    });
    expect(order.shippingAddress?.countryCode).toBe("US");
  });

  it("maps line items with their discount allocations and tax rates as exact percentages", () => {
    expect(order.lines).toEqual([
      { kind: "GOODS", description: "IPod Nano - 8gb - green", sku: "IPOD2008GREEN", quantity: "1", unitPrice: "199.00", discount: "3.34", channelVatRate: "6", supply: "goods" },
      { kind: "GOODS", description: "IPod Nano - 8gb - red", sku: "IPOD2008RED", quantity: "1", unitPrice: "199.00", discount: "3.33", channelVatRate: "6", supply: "goods" },
      { kind: "GOODS", description: "IPod Nano - 8gb - black", sku: "IPOD2008BLACK", quantity: "1", unitPrice: "199.00", discount: "3.33", channelVatRate: "6", supply: "goods" },
    ]);
  });

  it("adds paid shipping as a line and reads a VAT number from the note attributes", () => {
    const withShipping = mapShopifyOrder(
      ShopifyOrderPayload.parse({
        ...sample,
        note_attributes: [{ name: "VAT number", value: "nl 8123.45678 B01" }],
        shipping_lines: [{ title: "DHL", price: "6.05", tax_lines: [{ price: "1.05", rate: 0.21, title: "BTW" }], discount_allocations: [] }],
      }),
    );
    expect(withShipping.lines.at(-1)).toEqual({ kind: "SHIPPING", description: "DHL", sku: null, quantity: "1", unitPrice: "6.05", discount: "0.00", channelVatRate: "21" });
    expect(withShipping.customer.vatNumber).toBe("NL812345678B01");
  });

  it("rejects a payload without line items or with a non-decimal price", () => {
    expect(ShopifyOrderPayload.safeParse({ ...sample, line_items: undefined }).success).toBe(false);
    expect(ShopifyOrderPayload.safeParse({ ...sample, total_price: "12,50" }).success).toBe(false);
  });
});

describe("ids above 2^53", () => {
  it("are taken from the GraphQL id, which keeps every digit", () => {
    const body = JSON.stringify({ ...sample, admin_graphql_api_id: "gid://shopify/Order/820982911946154508" }).replace('"id":450789469,', '"id":820982911946154508,');
    expect(body).toContain('"id":820982911946154508,');
    const order = mapShopifyOrder(ShopifyOrderPayload.parse(JSON.parse(body)));
    expect(order.orderId).toBe("820982911946154508");
  });
});

describe("services and currencies", () => {
  it("a line that ships nothing is a supply of services", () => {
    const items = sample.line_items.map((l: Record<string, unknown>, i: number) => (i === 0 ? { ...l, requires_shipping: false } : l));
    const order = mapShopifyOrder(ShopifyOrderPayload.parse({ ...sample, line_items: items }));
    expect(order.lines.map((l) => l.supply)).toEqual(["services", "goods", "goods"]);
  });

  it("records the EUR rate Shopify charged at when the customer paid in EUR", () => {
    const order = mapShopifyOrder(
      ShopifyOrderPayload.parse({
        ...sample,
        currency: "USD",
        total_price_set: { shop_money: { amount: "598.94", currency_code: "USD" }, presentment_money: { amount: "551.03", currency_code: "EUR" } },
      }),
    );
    expect(order.exchangeRateToEur).toBe("0.92000868"); // 551.03 / 598.94
    expect(mapShopifyOrder(ShopifyOrderPayload.parse(sample)).exchangeRateToEur).toBeNull(); // USD both ways: unknown
  });
});
