import type { ChannelRefund } from "~/domain/invoice/types";
import { dec, sum } from "~/domain/money/money";
import { exactId } from "./map-shopify-order";
import type { ShopifyRefundPayload } from "./refund-payload";

/** Shopify refund (refunds/create) → Facto's ChannelRefund; amounts keep the order's VAT basis. */
export function mapShopifyRefund(refund: ShopifyRefundPayload): ChannelRefund {
  const shippingFromAdjustments = sum(refund.order_adjustments.filter((a) => a.kind === "shipping_refund").map((a) => dec(a.amount).abs()));
  const shippingFromLines = sum(refund.refund_shipping_lines.map((l) => l.subtotal_amount_set?.shop_money.amount ?? "0"));
  return {
    refundId: exactId(refund.id, refund.admin_graphql_api_id),
    orderId: refund.order_id,
    createdAt: refund.created_at,
    lines: refund.refund_line_items
      .filter((l) => l.quantity > 0 || !dec(l.subtotal).isZero())
      .map((l) => ({
        sku: l.line_item.sku || null,
        description: l.line_item.name || l.line_item.title || "Item",
        quantity: String(l.quantity),
        amount: dec(l.subtotal).abs().toFixed(2),
      })),
    shipping: shippingFromAdjustments.plus(shippingFromLines).toFixed(2),
    reason: refund.note ?? null,
    full: false,
  };
}

/** A cancelled order: credit whatever is still uncredited on its invoice. */
export function cancellationRefund(orderId: string, cancelledAt: string | null | undefined, reason: string | null | undefined): ChannelRefund {
  return { refundId: `cancel:${orderId}`, orderId, createdAt: cancelledAt ?? new Date(0).toISOString(), lines: [], shipping: "0", reason: reason ?? "Cancellation", full: true };
}
