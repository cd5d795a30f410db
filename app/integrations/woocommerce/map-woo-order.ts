import type { ChannelOrder, ChannelOrderLine } from "~/domain/invoice/types";
import { D, dec, roundAmount, sum } from "~/domain/money/money";
import type { WooOrderPayload } from "./order-payload";

/** Meta keys where common EU VAT plugins keep the buyer's VAT number (merchants can add their own). */
export const DEFAULT_VAT_META_KEYS = ["_billing_vat_number", "billing_vat_number", "_vat_number", "vat_number", "_billing_eu_vat_number", "billing_eu_vat_number", "yweu_billing_vat", "_billing_vat"];

/**
 * WooCommerce order → ChannelOrder. When the shop's prices include tax, the customer paid
 * line total + line tax: that gross (rounded once to the cent) is what Facto invoices, so the
 * unrounded per-line tax WooCommerce keeps ("38.115") never leaks into an amount.
 */
export function mapWooOrder(order: WooOrderPayload, options: { vatMetaKeys?: string[] } = {}): ChannelOrder {
  const ratePercent = new Map(order.tax_lines.map((t) => [t.rate_id, t.rate_percent ?? null]));
  const rateOf = (taxes: { id: string; total?: string | undefined }[]) => {
    const applied = taxes.filter((t) => t.total && !dec(t.total).isZero()).map((t) => ratePercent.get(t.id)).filter((r): r is string => r != null);
    return applied.length ? sum(applied).toString() : taxes.length ? "0" : null;
  };
  const incl = order.prices_include_tax;
  const amount = (net: string, tax: string) => (incl ? roundAmount(dec(net).plus(dec(tax))) : dec(net));

  const lines: ChannelOrderLine[] = order.line_items.map((item) => {
    const before = amount(item.subtotal, item.subtotal_tax);
    const after = amount(item.total, item.total_tax);
    const quantity = new D(item.quantity);
    const unit = quantity.isZero() ? new D(0) : before.div(quantity).toDecimalPlaces(6);
    return {
      kind: "GOODS",
      description: item.name,
      sku: item.sku || null,
      quantity: quantity.toString(),
      unitPrice: unit.toString(),
      // Whatever separates quantity × unit price from what was charged (coupons, rounding of the unit price).
      discount: unit.times(quantity).minus(after).toString(),
      channelVatRate: rateOf(item.taxes),
    };
  });
  for (const s of order.shipping_lines) {
    const value = amount(s.total, s.total_tax);
    if (value.isZero()) continue;
    lines.push({ kind: "SHIPPING", description: s.method_title || "Shipping", sku: null, quantity: "1", unitPrice: value.toFixed(2), discount: "0", channelVatRate: rateOf(s.taxes) });
  }
  for (const f of order.fee_lines) {
    const value = amount(f.total, f.total_tax);
    if (value.isZero()) continue;
    lines.push({ kind: "FEE", description: f.name, sku: null, quantity: "1", unitPrice: value.toFixed(2), discount: "0", channelVatRate: rateOf(f.taxes) });
  }

  const keys = options.vatMetaKeys ?? DEFAULT_VAT_META_KEYS;
  const vatMeta = order.meta_data.find((m) => keys.includes(m.key) && typeof m.value === "string" && m.value.trim());
  const b = order.billing;
  const created = order.date_created_gmt ? `${order.date_created_gmt.replace(/Z?$/, "")}Z` : (order.date_created ?? new Date(0).toISOString());
  return {
    channel: "WOOCOMMERCE",
    orderId: order.id,
    orderName: `#${order.number}`,
    createdAt: created,
    currency: order.currency.toUpperCase(),
    pricesIncludeVat: incl,
    taxExempt: false,
    customer: {
      externalId: order.customer_id > 0 ? String(order.customer_id) : null,
      email: b.email || null,
      name: [b.first_name, b.last_name].filter(Boolean).join(" ") || b.company || b.email || "Customer",
      companyName: b.company || null,
      vatNumber: vatMeta ? String(vatMeta.value).replace(/[\s.]/g, "").toUpperCase() : null,
      language: null,
      street: [b.address_1, b.address_2].filter(Boolean).join(", ") || null,
      postalCode: b.postcode || null,
      city: b.city || null,
      countryCode: b.country?.toUpperCase() || null,
    },
    shippingAddress: order.shipping?.country
      ? {
          street: [order.shipping.address_1, order.shipping.address_2].filter(Boolean).join(", ") || null,
          postalCode: order.shipping.postcode || null,
          city: order.shipping.city || null,
          countryCode: order.shipping.country.toUpperCase(),
        }
      : null,
    lines,
    channelTotals: { total: order.total, tax: order.total_tax },
  };
}
