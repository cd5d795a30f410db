import { z } from "zod";

/**
 * The parts of Shopify's REST order resource (the body of orders/* webhooks) that Facto reads.
 * Money fields are strings in Shopify's payloads; rates are JSON numbers (0.21) and are read back
 * through their decimal text, never used as floats. Unknown fields are allowed and ignored.
 */
const money = z.union([z.string(), z.number()]).transform((v) => String(v)).pipe(z.string().regex(/^-?\d+(\.\d+)?$/, "not a decimal amount"));
const rate = z.union([z.number(), z.string()]).transform((v) => String(v)).pipe(z.string().regex(/^\d+(\.\d+)?(e-?\d+)?$/i, "not a rate"));

const TaxLine = z.object({ price: money.optional(), rate: rate.nullish(), title: z.string().nullish() });
const DiscountAllocation = z.object({ amount: money });

const Address = z
  .object({
    name: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    company: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    zip: z.string().nullish(),
    city: z.string().nullish(),
    country_code: z.string().nullish(),
  })
  .nullish();

export const ShopifyOrderPayload = z.object({
  id: z.union([z.number(), z.string()]).transform((v) => String(v)),
  admin_graphql_api_id: z.string().optional(),
  name: z.string(),
  created_at: z.string(),
  currency: z.string().length(3),
  taxes_included: z.boolean().default(false),
  tax_exempt: z.boolean().default(false),
  total_price: money,
  presentment_currency: z.string().length(3).nullish(),
  total_price_set: z
    .object({
      shop_money: z.object({ amount: money, currency_code: z.string() }),
      presentment_money: z.object({ amount: money, currency_code: z.string() }),
    })
    .nullish(),
  total_tax: money.default("0"),
  financial_status: z.string().nullish(),
  payment_gateway_names: z.array(z.string()).default([]),
  processed_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  customer_locale: z.string().nullish(),
  note_attributes: z.array(z.object({ name: z.string(), value: z.unknown() })).default([]),
  customer: z
    .object({
      id: z.union([z.number(), z.string()]).transform((v) => String(v)),
      admin_graphql_api_id: z.string().optional(),
      email: z.string().nullish(),
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
    })
    .nullish(),
  billing_address: Address,
  shipping_address: Address,
  line_items: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      name: z.string().nullish(),
      title: z.string().nullish(),
      sku: z.string().nullish(),
      quantity: z.number().nonnegative(),
      price: money,
      taxable: z.boolean().default(true),
      requires_shipping: z.boolean().nullish(),
      tax_lines: z.array(TaxLine).default([]),
      discount_allocations: z.array(DiscountAllocation).default([]),
    }),
  ),
  shipping_lines: z
    .array(
      z.object({
        title: z.string().nullish(),
        price: money,
        tax_lines: z.array(TaxLine).default([]),
        discount_allocations: z.array(DiscountAllocation).default([]),
      }),
    )
    .default([]),
});

export type ShopifyOrderPayload = z.infer<typeof ShopifyOrderPayload>;
