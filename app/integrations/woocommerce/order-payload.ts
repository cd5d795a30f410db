import { z } from "zod";

/**
 * The parts of WooCommerce's REST v3 order (webhook body of order.created / order.updated) that
 * Facto reads. WooCommerce keeps line amounts EXCLUDING tax whatever `prices_include_tax` says, with
 * the tax beside them — sometimes unrounded ("38.115").
 */
const money = z.union([z.string(), z.number()]).transform((v) => String(v)).pipe(z.string().regex(/^-?\d+(\.\d+)?$/, "not a decimal amount"));
const id = z.union([z.number(), z.string()]).transform((v) => String(v));
const taxes = z.array(z.object({ id: z.union([z.number(), z.string()]).transform(String), total: z.union([money, z.literal("")]).optional() })).default([]);
const address = z.object({
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  company: z.string().nullish(),
  address_1: z.string().nullish(),
  address_2: z.string().nullish(),
  city: z.string().nullish(),
  postcode: z.string().nullish(),
  country: z.string().nullish(),
  email: z.string().nullish(),
});

export const WooOrderPayload = z.object({
  id,
  number: z.union([z.string(), z.number()]).transform(String),
  status: z.string(),
  currency: z.string().length(3),
  prices_include_tax: z.boolean(),
  date_created_gmt: z.string().nullish(),
  date_created: z.string().nullish(),
  total: money,
  total_tax: money,
  date_paid_gmt: z.string().nullish(),
  payment_method_title: z.string().nullish(),
  customer_id: z.union([z.number(), z.string()]).transform(Number).default(0),
  billing: address,
  shipping: address.nullish(),
  meta_data: z.array(z.object({ key: z.string(), value: z.unknown() })).default([]),
  line_items: z.array(
    z.object({
      name: z.string(),
      sku: z.string().nullish(),
      quantity: z.number(),
      subtotal: money,
      subtotal_tax: money,
      total: money,
      total_tax: money,
      taxes,
    }),
  ),
  tax_lines: z.array(z.object({ rate_id: z.union([z.number(), z.string()]).transform(String), rate_percent: z.union([z.number(), z.string()]).transform(String).nullish(), label: z.string().nullish() })).default([]),
  shipping_lines: z.array(z.object({ method_title: z.string().nullish(), total: money, total_tax: money, taxes })).default([]),
  fee_lines: z.array(z.object({ name: z.string(), total: money, total_tax: money, taxes })).default([]),
  /** Refunds as the order lists them (id, reason, negative total); the lines come from /orders/:id/refunds/:id. */
  refunds: z.array(z.object({ id: z.union([z.number(), z.string()]).transform(String), reason: z.string().nullish(), total: money })).default([]),
  date_modified_gmt: z.string().nullish(),
});
export type WooOrderPayload = z.infer<typeof WooOrderPayload>;

/** GET /orders/:id/refunds/:refund_id: quantities and amounts are negative. */
export const WooRefundPayload = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  date_created_gmt: z.string().nullish(),
  date_created: z.string().nullish(),
  amount: money,
  reason: z.string().nullish(),
  line_items: z
    .array(z.object({ name: z.string(), sku: z.string().nullish(), quantity: z.number(), total: money, total_tax: money }))
    .default([]),
  shipping_lines: z.array(z.object({ total: money, total_tax: money })).default([]),
});
export type WooRefundPayload = z.infer<typeof WooRefundPayload>;
