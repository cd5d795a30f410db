import { z } from "zod";
import type { ChannelOrder } from "~/domain/invoice/types";
import { mapShopifyOrder } from "~/integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "~/integrations/shopify/order-payload";
import { mapWooOrder } from "~/integrations/woocommerce/map-woo-order";
import { WooOrderPayload } from "~/integrations/woocommerce/order-payload";
import { parseJsonExact } from "~/utils/parse-json-exact";

/** The input cannot be read as an order: the message says what was expected and what was found. */
export class OrderInputError extends Error {
  override name = "OrderInputError";
}

export const EXPECTED_SHAPES =
  'a Shopify order (with "line_items"), a WooCommerce order (with "prices_include_tax" and "line_items"), either one bare (as a webhook sends it) or wrapped as {"order": {…}} (as REST responses are), or a Facto ChannelOrder (with "channel", "customer" and "lines")';

const decimal = z.union([z.string().regex(/^-?\d+(\.\d+)?$/), z.number().transform(String)]);
const address = { street: z.string().nullish(), postalCode: z.string().nullish(), city: z.string().nullish(), countryCode: z.string().nullish() };

/** Facto's own platform-neutral order, checked before it reaches the invoice builder. */
const ChannelOrderInput = z.looseObject({
  channel: z.enum(["SHOPIFY", "WOOCOMMERCE"]),
  orderId: z.string(),
  orderName: z.string(),
  createdAt: z.string(),
  currency: z.string().length(3),
  pricesIncludeVat: z.boolean(),
  taxExempt: z.boolean().default(false),
  customer: z.looseObject({ externalId: z.string().nullable().default(null), name: z.string(), email: z.string().nullish(), companyName: z.string().nullish(), vatNumber: z.string().nullish(), language: z.string().nullish(), ...address }),
  shippingAddress: z.looseObject(address).nullish(),
  lines: z
    .array(
      z.looseObject({
        kind: z.enum(["GOODS", "SHIPPING", "FEE"]),
        description: z.string(),
        sku: z.string().nullish(),
        quantity: decimal,
        unitPrice: decimal,
        discount: decimal.default("0"),
        channelVatRate: decimal.nullish(),
        supply: z.enum(["goods", "services"]).optional(),
      }),
    )
    .min(1),
  channelTotals: z.object({ total: decimal, tax: decimal }).default({ total: "0", tax: "0" }),
  orderDiscounts: z.array(z.object({ description: z.string(), amount: decimal })).optional(),
  exchangeRateToEur: decimal.nullish(),
});

/** "line_items.0.price: Invalid input; …" — the first problems of a failed parse, on one line. */
function issues(error: z.ZodError): string {
  const list = error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
  return list.join("; ") + (error.issues.length > 3 ? `; and ${error.issues.length - 3} more` : "");
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value !== "object") return `a ${typeof value}`;
  const keys = Object.keys(value);
  return keys.length === 0 ? "an empty object" : `an object with ${keys.slice(0, 8).map((k) => `"${k}"`).join(", ")}${keys.length > 8 ? `, … (${keys.length} keys)` : ""}`;
}

function parseAs<T>(schema: z.ZodType<T>, raw: unknown, shape: string): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw new OrderInputError(`this looks like ${shape} but cannot be read: ${issues(result.error)}`);
  return result.data;
}

/** Reads an order file's text: the platform's order (bare or REST-wrapped) or a ChannelOrder. */
export function readOrderInput(text: string): ChannelOrder {
  let parsed: unknown;
  try {
    parsed = parseJsonExact(text);
  } catch (error) {
    throw new OrderInputError(`not JSON (${(error as Error).message.replace(/\s+/g, " ")}); expected ${EXPECTED_SHAPES}`);
  }
  // Shopify's REST Admin API (GET /orders/{id}.json) and WooCommerce clients answer {"order": {…}}.
  const wrapped = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && "order" in parsed && Object.keys(parsed).length === 1;
  const raw = wrapped ? (parsed as { order: unknown }).order : parsed;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new OrderInputError(`expected ${EXPECTED_SHAPES}; found ${wrapped ? '{"order": …} holding ' : ""}${describeValue(raw)}`);
  }
  if ("prices_include_tax" in raw) return mapWooOrder(parseAs(WooOrderPayload, raw, "a WooCommerce order"));
  if ("line_items" in raw) return mapShopifyOrder(parseAs(ShopifyOrderPayload, raw, "a Shopify order"));
  if ("channel" in raw && "lines" in raw) return parseAs(ChannelOrderInput, raw, "a Facto ChannelOrder") as ChannelOrder;
  if ("orders" in raw && Array.isArray(raw.orders)) throw new OrderInputError(`found a list of ${raw.orders.length} orders ({"orders": […]}); give one order, e.g. {"order": {…}}`);
  throw new OrderInputError(`expected ${EXPECTED_SHAPES}; found ${wrapped ? '{"order": …} holding ' : ""}${describeValue(raw)}`);
}
