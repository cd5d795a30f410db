import type { Db } from "~/db.server";
import type { ShopifyAdminClient } from "~/integrations/shopify/admin-graphql-client.server";
import { ORDER_LINE_ITEMS, ORDER_SHIPPING_LINES, RECENT_ORDERS } from "~/integrations/shopify/operations";
import { protectedCustomerDataDenial } from "~/integrations/shopify/protected-customer-data";
import { graphqlOrderToRest, OrderLineItemsResponse, OrderShippingLinesResponse, RecentOrdersResponse, type GraphqlOrder } from "~/integrations/shopify/recent-orders-query";
import { logger } from "~/logger.server";
import { storeWebhookEvent } from "~/models/webhook-event.server";

/** How far back the first reconciliation of a shop looks. */
const FIRST_LOOK_BACK_MS = 3 * 24 * 3600 * 1000;
/** Orders still being written when we look are picked up next time. */
const OVERLAP_MS = 60 * 1000;
/** Pages (of RECENT_ORDERS_PAGE orders) per run; a run cut off continues next time from the last order seen. */
const MAX_PAGES = 400;

/**
 * The safety net under Shopify's webhooks: lists the orders changed since the last run through the
 * Admin API, and every order that has no invoice goes into the inbox as an `orders/updated` event —
 * the same path a webhook takes, so the invoicing rules and exactly-once guarantees are the same.
 * Delivery ids `reconcile:<order>:<updated at>` make a rerun collapse into the same inbox rows.
 *
 * Every query stays under Shopify's single-query limit of 1,000 points (operations.ts): a few orders per
 * page with their first lines; an order with more lines gets the rest page by page, so an order of 300
 * lines becomes the same invoice as from its webhook.
 *
 * When Shopify has not approved Facto's access to protected customer data (names, addresses, e-mail) it
 * answers ACCESS_DENIED: the run stops without failing the job, the shop records Shopify's message and
 * the admin home shows it to the merchant (README "Real Shopify"). A later run that is answered clears it.
 */
export async function reconcileShopifyOrders(
  db: Db,
  admin: ShopifyAdminClient,
  shop: { id: string; domain: string; ordersReconciledAt: Date | null },
  deps: { now: () => Date; enqueueProcessing: (eventId: string) => Promise<void> },
): Promise<{ seen: number; queued: number; blocked?: "customer-data-denied" }> {
  const now = deps.now();
  const since = shop.ordersReconciledAt ?? new Date(now.getTime() - FIRST_LOOK_BACK_MS);
  let after: string | null = null;
  let seen = 0;
  let queued = 0;
  let latest = since;
  let complete = false;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const { data } = await admin.request<unknown>(RECENT_ORDERS.document, RECENT_ORDERS.variables(since, after), { estimatedCost: RECENT_ORDERS.cost });
      const { orders } = RecentOrdersResponse.parse(data);
      for (const listed of orders.nodes) {
        seen++;
        const updatedAt = new Date(listed.updatedAt);
        if (updatedAt > latest) latest = updatedAt;
        const invoiced = await db.invoice.findUnique({
          where: { shopId_channel_kind_sourceId: { shopId: shop.id, channel: "SHOPIFY", kind: "INVOICE", sourceId: listed.legacyResourceId } },
          select: { id: true },
        });
        if (invoiced) continue;
        const order = await completeLines(admin, listed);
        const stored = await storeWebhookEvent(db, {
          platform: "SHOPIFY",
          shopDomain: shop.domain,
          provider: "SHOPIFY",
          deliveryId: `reconcile:${order.legacyResourceId}:${order.updatedAt}`,
          topic: "orders/updated",
          rawJson: JSON.stringify(graphqlOrderToRest(order)),
          triggeredAt: updatedAt,
        });
        if (stored?.inserted) {
          await deps.enqueueProcessing(stored.id);
          queued++;
        }
      }
      if (!orders.pageInfo.hasNextPage || !orders.pageInfo.endCursor) {
        complete = true;
        break;
      }
      after = orders.pageInfo.endCursor;
    }
  } catch (error) {
    const denial = protectedCustomerDataDenial(error);
    if (!denial) throw error;
    // Not a job failure: retrying cannot help until Shopify approves the access. The merchant is told.
    await db.shop.update({ where: { id: shop.id }, data: { customerDataDeniedAt: now, customerDataDeniedReason: denial.slice(0, 500) } });
    logger.warn({ shop: shop.domain, reason: denial }, "Shopify denied access to protected customer data: orders are not reconciled until it is granted");
    return { seen, queued, blocked: "customer-data-denied" };
  }
  await db.shop.updateMany({ where: { id: shop.id, customerDataDeniedAt: { not: null } }, data: { customerDataDeniedAt: null, customerDataDeniedReason: null } });
  // All seen: next time start shortly before now. Cut off by MAX_PAGES: continue from the last order seen.
  const cursor = complete ? new Date(now.getTime() - OVERLAP_MS) : latest;
  if (cursor > since) await db.shop.update({ where: { id: shop.id }, data: { ordersReconciledAt: cursor } });
  if (queued) logger.warn({ shop: shop.domain, queued, seen }, "reconciliation found orders without invoice");
  return { seen, queued };
}

/** The order with all its line items and shipping lines: the pages after the first ones the list gave. */
async function completeLines(admin: ShopifyAdminClient, order: GraphqlOrder): Promise<GraphqlOrder> {
  const lineItems = [...order.lineItems.nodes];
  for (let page = order.lineItems.pageInfo; page?.hasNextPage && page.endCursor; ) {
    const { data } = await admin.request<unknown>(ORDER_LINE_ITEMS.document, ORDER_LINE_ITEMS.variables(order.id, page.endCursor), { estimatedCost: ORDER_LINE_ITEMS.cost });
    const more = OrderLineItemsResponse.parse(data).order?.lineItems;
    if (!more) break;
    lineItems.push(...more.nodes);
    page = more.pageInfo;
  }
  const shippingLines = [...order.shippingLines.nodes];
  for (let page = order.shippingLines.pageInfo; page?.hasNextPage && page.endCursor; ) {
    const { data } = await admin.request<unknown>(ORDER_SHIPPING_LINES.document, ORDER_SHIPPING_LINES.variables(order.id, page.endCursor), { estimatedCost: ORDER_SHIPPING_LINES.cost });
    const more = OrderShippingLinesResponse.parse(data).order?.shippingLines;
    if (!more) break;
    shippingLines.push(...more.nodes);
    page = more.pageInfo;
  }
  return { ...order, lineItems: { nodes: lineItems }, shippingLines: { nodes: shippingLines } };
}
