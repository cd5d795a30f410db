import { z } from "zod";

/** Zod shapes of the orders FactoRecentOrders answers (the documents are in ./operations.ts). */
const money = z.object({ shopMoney: z.object({ amount: z.string() }) });
const address = z.object({
  name: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  zip: z.string().nullish(),
  city: z.string().nullish(),
  countryCodeV2: z.string().nullish(),
});
const allocations = z.array(z.object({ allocatedAmountSet: money })).default([]);
const taxLines = z.array(z.object({ rate: z.union([z.number(), z.string()]).nullish() })).default([]);

const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });
const LineItem = z.object({ name: z.string(), sku: z.string().nullish(), quantity: z.number(), requiresShipping: z.boolean().nullish(), originalUnitPriceSet: money, discountAllocations: allocations, taxLines });
const ShippingLine = z.object({ title: z.string().nullish(), originalPriceSet: money, discountAllocations: allocations, taxLines });

export const GraphqlOrder = z.object({
  id: z.string(),
  legacyResourceId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.string().nullish(),
  currencyCode: z.string(),
  taxesIncluded: z.boolean(),
  taxExempt: z.boolean().default(false),
  email: z.string().nullish(),
  customerLocale: z.string().nullish(),
  displayFinancialStatus: z.string().nullish(),
  displayFulfillmentStatus: z.string().nullish(),
  customAttributes: z.array(z.object({ key: z.string(), value: z.string().nullish() })).default([]),
  customer: z
    .object({ id: z.string(), firstName: z.string().nullish(), lastName: z.string().nullish(), defaultEmailAddress: z.object({ emailAddress: z.string().nullish() }).nullish() })
    .nullish(),
  billingAddress: address.nullish(),
  shippingAddress: address.nullish(),
  totalPriceSet: money,
  totalTaxSet: money.nullish(),
  lineItems: z.object({ nodes: z.array(LineItem), pageInfo: PageInfo.optional() }),
  shippingLines: z.object({ nodes: z.array(ShippingLine), pageInfo: PageInfo.optional() }).default({ nodes: [] }),
});
export type GraphqlOrder = z.infer<typeof GraphqlOrder>;

export const RecentOrdersResponse = z.object({
  orders: z.object({ nodes: z.array(GraphqlOrder), pageInfo: PageInfo }),
});

/** FactoOrderLineItems / FactoOrderShippingLines: the next page of one order's lines (null: the order is gone). */
export const OrderLineItemsResponse = z.object({ order: z.object({ lineItems: z.object({ nodes: z.array(LineItem), pageInfo: PageInfo }) }).nullable() });
export const OrderShippingLinesResponse = z.object({ order: z.object({ shippingLines: z.object({ nodes: z.array(ShippingLine), pageInfo: PageInfo }) }).nullable() });

const REST_ADDRESS = (a: z.infer<typeof address> | null | undefined) =>
  a ? { name: a.name, first_name: a.firstName, last_name: a.lastName, company: a.company, address1: a.address1, address2: a.address2, zip: a.zip, city: a.city, country_code: a.countryCodeV2 } : null;

/**
 * A GraphQL order in the REST shape webhooks deliver, so reconciled orders go through exactly the
 * same mapping and processing as webhook orders.
 */
export function graphqlOrderToRest(o: GraphqlOrder): Record<string, unknown> {
  const gidNumber = (gid: string) => gid.match(/\/(\d+)$/)?.[1] ?? gid;
  const status = (s: string | null | undefined) => s?.toLowerCase() ?? null;
  return {
    id: o.legacyResourceId,
    admin_graphql_api_id: o.id,
    name: o.name,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    cancelled_at: o.cancelledAt ?? null,
    currency: o.currencyCode,
    taxes_included: o.taxesIncluded,
    tax_exempt: o.taxExempt,
    email: o.email ?? null,
    customer_locale: o.customerLocale ?? null,
    financial_status: status(o.displayFinancialStatus),
    fulfillment_status: status(o.displayFulfillmentStatus) === "fulfilled" ? "fulfilled" : null,
    note_attributes: o.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    customer: o.customer ? { id: gidNumber(o.customer.id), admin_graphql_api_id: o.customer.id, email: o.customer.defaultEmailAddress?.emailAddress ?? null, first_name: o.customer.firstName, last_name: o.customer.lastName } : null,
    billing_address: REST_ADDRESS(o.billingAddress),
    shipping_address: REST_ADDRESS(o.shippingAddress),
    total_price: o.totalPriceSet.shopMoney.amount,
    total_tax: o.totalTaxSet?.shopMoney.amount ?? "0",
    line_items: o.lineItems.nodes.map((l, i) => ({
      id: i + 1,
      name: l.name,
      sku: l.sku ?? null,
      quantity: l.quantity,
      price: l.originalUnitPriceSet.shopMoney.amount,
      requires_shipping: l.requiresShipping ?? true,
      tax_lines: l.taxLines.filter((t) => t.rate != null).map((t) => ({ rate: t.rate })),
      discount_allocations: l.discountAllocations.map((d) => ({ amount: d.allocatedAmountSet.shopMoney.amount })),
    })),
    shipping_lines: o.shippingLines.nodes.map((s) => ({
      title: s.title,
      price: s.originalPriceSet.shopMoney.amount,
      tax_lines: s.taxLines.filter((t) => t.rate != null).map((t) => ({ rate: t.rate })),
      discount_allocations: s.discountAllocations.map((d) => ({ amount: d.allocatedAmountSet.shopMoney.amount })),
    })),
  };
}
