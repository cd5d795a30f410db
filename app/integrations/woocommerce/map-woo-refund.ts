import type { ChannelRefund } from "~/domain/invoice/types";
import { dec, roundAmount, sum } from "~/domain/money/money";
import type { WooRefundPayload } from "./order-payload";

/**
 * A WooCommerce refund → Facto's ChannelRefund, on the order's VAT basis (incl. VAT when the shop's
 * prices include it). Lines are matched to the invoice by SKU, else by name; an amount refunded
 * without lines ("refund €10") is spread over the invoice's rates by the credit-note builder.
 */
export function mapWooRefund(orderId: string, refund: WooRefundPayload, pricesIncludeTax: boolean, options: { netShareOfGross?: string } = {}): ChannelRefund {
  const amount = (total: string, tax: string) => (pricesIncludeTax ? roundAmount(dec(total).plus(dec(tax))) : dec(total)).abs();
  const gross = (total: string, tax: string) => dec(total).plus(dec(tax)).abs();
  const lines = refund.line_items
    .filter((l) => l.quantity !== 0 || !dec(l.total).isZero())
    .map((l) => ({ sku: l.sku || null, description: l.name, quantity: String(Math.abs(l.quantity)), amount: amount(l.total, l.total_tax).toFixed(2) }));
  const shipping = sum(refund.shipping_lines.map((s) => amount(s.total, s.total_tax)));
  // WooCommerce's refund amount is what went back to the customer (incl. VAT); what the lines do not
  // explain is an amount refunded on its own, expressed on the order's basis.
  const itemizedGross = sum(refund.line_items.map((l) => gross(l.total, l.total_tax))).plus(sum(refund.shipping_lines.map((s) => gross(s.total, s.total_tax))));
  const toBasis = (grossValue: ReturnType<typeof dec>) => (pricesIncludeTax ? grossValue : roundAmount(grossValue.times(options.netShareOfGross ?? "1")));
  const total = toBasis(dec(refund.amount).abs());
  const other = toBasis(dec(refund.amount).abs().minus(itemizedGross));
  const createdAt = refund.date_created_gmt ? `${refund.date_created_gmt.replace(/Z?$/, "")}Z` : new Date(0).toISOString();
  return {
    refundId: `refund:${refund.id}`,
    orderId,
    createdAt,
    lines,
    shipping: shipping.toFixed(2),
    ...(lines.length === 0 && shipping.isZero() ? { otherAmount: total.toFixed(2) } : other.greaterThan("0.02") ? { otherAmount: other.toFixed(2) } : {}),
    reason: refund.reason || null,
    full: false,
  };
}
