import { dec, sum } from "~/domain/money/money";
import type { ChannelOrder, ChannelOrderLine } from "~/domain/invoice/types";
import type { ShopifyOrderPayload } from "./order-payload";

const VAT_NUMBER_ATTRIBUTE = /^(vat|vat[ _-]?(number|id|no)|btw|btw[ _-]?nummer|tva|numéro de tva|ust-?id(nr)?)$/i;

/**
 * The resource id as Shopify wrote it. REST payloads carry ids as JSON numbers, which lose digits
 * above 2^53 once parsed; the GraphQL id next to them is a string and always exact.
 */
export function exactId(numericId: string, gid: string | undefined): string {
  const fromGid = gid?.match(/\/(\d+)$/)?.[1];
  return fromGid ?? numericId;
}

/** Shopify order (REST shape, as in webhooks) → Facto's ChannelOrder. */
export function mapShopifyOrder(order: ShopifyOrderPayload): ChannelOrder {
  const billing = order.billing_address;
  const shipping = order.shipping_address;
  const nameFromCustomer = [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(" ");
  const name = billing?.name || [billing?.first_name, billing?.last_name].filter(Boolean).join(" ") || nameFromCustomer || order.email || "Customer";
  const vatAttribute = order.note_attributes.find((a) => VAT_NUMBER_ATTRIBUTE.test(a.name.trim()));

  const lines: ChannelOrderLine[] = order.line_items.map((item) => ({
    kind: "GOODS",
    description: item.name || item.title || "Item",
    sku: item.sku || null,
    quantity: String(item.quantity),
    unitPrice: item.price,
    discount: sum(item.discount_allocations.map((d) => d.amount)).toFixed(2),
    channelVatRate: percent(item.tax_lines),
    // A product that ships nothing (a service, a digital good) is a supply of services.
    supply: item.requires_shipping === false ? "services" : "goods",
  }));
  for (const line of order.shipping_lines) {
    const discount = sum(line.discount_allocations.map((d) => d.amount));
    if (dec(line.price).minus(discount).isZero()) continue; // free shipping is not an invoice line
    lines.push({
      kind: "SHIPPING",
      description: line.title || "Shipping",
      sku: null,
      quantity: "1",
      unitPrice: line.price,
      discount: discount.toFixed(2),
      channelVatRate: percent(line.tax_lines),
    });
  }

  return {
    channel: "SHOPIFY",
    orderId: exactId(order.id, order.admin_graphql_api_id),
    orderName: order.name,
    createdAt: order.created_at,
    currency: order.currency.toUpperCase(),
    pricesIncludeVat: order.taxes_included,
    taxExempt: order.tax_exempt,
    customer: {
      externalId: order.customer ? exactId(order.customer.id, order.customer.admin_graphql_api_id) : null,
      email: order.email || order.contact_email || order.customer?.email || null,
      name,
      companyName: billing?.company || null,
      vatNumber: typeof vatAttribute?.value === "string" ? vatAttribute.value.replace(/[\s.]/g, "").toUpperCase() : null,
      language: order.customer_locale ?? null,
      street: [billing?.address1, billing?.address2].filter(Boolean).join(", ") || null,
      postalCode: billing?.zip || null,
      city: billing?.city || null,
      countryCode: billing?.country_code?.toUpperCase() || null,
    },
    shippingAddress: shipping
      ? {
          street: [shipping.address1, shipping.address2].filter(Boolean).join(", ") || null,
          postalCode: shipping.zip || null,
          city: shipping.city || null,
          countryCode: shipping.country_code?.toUpperCase() || null,
        }
      : null,
    lines,
    channelTotals: { total: order.total_price, tax: order.total_tax },
    exchangeRateToEur: rateToEur(order),
  };
}

/** EUR per unit of the shop currency, when Shopify's price sets show both (the rate it charged at). */
function rateToEur(order: ShopifyOrderPayload): string | null {
  if (order.currency.toUpperCase() === "EUR") return null;
  const set = order.total_price_set;
  if (!set || set.presentment_money.currency_code.toUpperCase() !== "EUR" || dec(set.shop_money.amount).isZero()) return null;
  return dec(set.presentment_money.amount).div(dec(set.shop_money.amount)).toDecimalPlaces(8).toString();
}

/** Sum of a line's tax-line rates as a percentage ("0.21" → "21"), or null when untaxed. */
function percent(taxLines: ShopifyOrderPayload["line_items"][number]["tax_lines"]): string | null {
  const rates = taxLines.map((t) => t.rate).filter((r): r is string => r != null);
  if (rates.length === 0) return null;
  return sum(rates).times(100).toString();
}
