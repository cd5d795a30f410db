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
  }
  return JSON.stringify(order);
}
