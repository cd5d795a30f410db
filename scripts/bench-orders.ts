import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The benchmark's order mix, from the Belgian consumer fixture: a quarter each of domestic consumer
 * orders, OSS orders (a German consumer, taxed at German VAT), B2B orders to a Dutch company with a
 * VAT number (VIES, reverse charge) and 12-line orders.
 */
const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, "../tests/fixtures/shopify/order-be-consumer.json"), "utf8")) as Record<string, any>;
export const ORDER_KINDS = ["domestic", "oss", "b2b", "multi-line"] as const;

export function benchOrderBody(id: number, mix = true): string {
  const order = structuredClone(fixture);
  order.id = id;
  order.admin_graphql_api_id = `gid://shopify/Order/${id}`;
  order.name = `#B${id}`;
  const kind = mix ? ORDER_KINDS[id % ORDER_KINDS.length] : "domestic";
  const move = (address: Record<string, unknown> | null, to: Record<string, unknown>) => (address ? Object.assign(address, to) : address);
  if (kind === "oss") {
    for (const a of [order.billing_address, order.shipping_address, order.customer?.default_address]) move(a, { country_code: "DE", country: "Germany", city: "Berlin", zip: "10115", address1: "Unter den Linden 1" });
    // A shop that collects OSS charges the German consumer German VAT (19 % lamp and shipping, 7 % book;
    // prices incl. VAT): an order still at Belgian rates would be held for its VAT (decision 017).
    const germanVat = (taxLines: Record<string, any>[], gross: number) =>
      taxLines.map((t) => {
        const rate = t.rate === 0.06 ? 0.07 : 0.19;
        const price = ((gross * rate) / (1 + rate)).toFixed(2);
        return { ...t, rate, title: "MwSt", price, price_set: { shop_money: { amount: price, currency_code: "EUR" }, presentment_money: { amount: price, currency_code: "EUR" } } };
      });
    for (const item of order.line_items as Record<string, any>[]) {
      const discount = (item.discount_allocations as { amount: string }[]).reduce((s, d) => s + Number(d.amount), 0);
      item.tax_lines = germanVat(item.tax_lines, Number(item.price) * item.quantity - discount);
    }
    for (const line of order.shipping_lines as Record<string, any>[]) line.tax_lines = germanVat(line.tax_lines, Number(line.price));
    const taxes = [...(order.line_items as Record<string, any>[]), ...(order.shipping_lines as Record<string, any>[])].flatMap((l) => l.tax_lines as { price: string }[]);
    order.total_tax = taxes.reduce((s, t) => s + Number(t.price), 0).toFixed(2);
    order.tax_lines = [];
  } else if (kind === "b2b") {
    for (const a of [order.billing_address, order.shipping_address, order.customer?.default_address]) move(a, { country_code: "NL", country: "Netherlands", city: "Amsterdam", zip: "1012LG", address1: "Damrak 1", company: "Koffiebranderij Noord B.V." });
    order.note_attributes = [{ name: "vat_number", value: "NL004495445B01" }];
  } else if (kind === "multi-line") {
    const [first] = order.line_items as Record<string, any>[];
    order.line_items = Array.from({ length: 12 }, (_, i) => ({ ...structuredClone(first), id: 90_000_000 + i, sku: `MULTI-${i}`, title: `Artikel ${i + 1}` }));
    setOrderTotals(order);
  }
  return JSON.stringify(order);
}

/** In cents, so that the sums are exact. */
const cents = (amount: string | number) => Math.round(Number(amount) * 100);
const money = (c: number) => (c / 100).toFixed(2);

/**
 * The order's totals as Shopify computes them from its lines (prices include VAT): the 12-line order
 * copies one line twelve times, and without this its totals were still the fixture's 2-line ones
 * (228.90 for a 2,309.80 order). What remains is the cents Shopify's VAT per line differs from
 * Facto's VAT per rate (decisions 003, 016), which every order with VAT-inclusive prices shows.
 */
function setOrderTotals(order: Record<string, any>) {
  const items = order.line_items as Record<string, any>[];
  const shipping = order.shipping_lines as Record<string, any>[];
  const gross = items.reduce((s, l) => s + cents(l.price) * l.quantity, 0);
  const discounts = items.reduce((s, l) => s + (l.discount_allocations as { amount: string }[]).reduce((d, a) => d + cents(a.amount), 0), 0);
  const shippingTotal = shipping.reduce((s, l) => s + cents(l.price), 0);
  const taxByRate = new Map<number, number>();
  for (const line of [...items, ...shipping]) for (const t of line.tax_lines as { rate: number; price: string }[]) taxByRate.set(t.rate, (taxByRate.get(t.rate) ?? 0) + cents(t.price));
  const tax = [...taxByRate.values()].reduce((s, c) => s + c, 0);
  const set = (field: string, c: number) => {
    order[field] = money(c);
    order[`${field}_set`] = { shop_money: { amount: money(c), currency_code: "EUR" }, presentment_money: { amount: money(c), currency_code: "EUR" } };
  };
  set("total_line_items_price", gross);
  set("total_discounts", discounts);
  set("subtotal_price", gross - discounts);
  set("total_tax", tax);
  set("total_price", gross - discounts + shippingTotal);
  for (const code of order.discount_codes as { amount: string }[]) code.amount = money(discounts);
  order.tax_lines = [...taxByRate].map(([rate, c]) => ({ rate, title: "BTW", price: money(c), price_set: { shop_money: { amount: money(c), currency_code: "EUR" }, presentment_money: { amount: money(c), currency_code: "EUR" } } }));
}
