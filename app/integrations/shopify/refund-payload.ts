import { z } from "zod";

const money = z.union([z.string(), z.number()]).transform((v) => String(v)).pipe(z.string().regex(/^-?\d+(\.\d+)?$/, "not a decimal amount"));
const id = z.union([z.number(), z.string()]).transform((v) => String(v));

/** The parts of Shopify's refund resource (refunds/create body) that Facto reads. */
export const ShopifyRefundPayload = z.object({
  id,
  admin_graphql_api_id: z.string().optional(),
  order_id: id,
  created_at: z.string(),
  note: z.string().nullish(),
  refund_line_items: z
    .array(
      z.object({
        quantity: z.number().nonnegative(),
        subtotal: money,
        line_item: z.object({ sku: z.string().nullish(), name: z.string().nullish(), title: z.string().nullish() }).passthrough(),
      }),
    )
    .default([]),
  order_adjustments: z.array(z.object({ kind: z.string(), amount: money })).default([]),
  refund_shipping_lines: z.array(z.object({ subtotal_amount_set: z.object({ shop_money: z.object({ amount: money }) }).optional() })).default([]),
});
export type ShopifyRefundPayload = z.infer<typeof ShopifyRefundPayload>;
