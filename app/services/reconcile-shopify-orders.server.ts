import type { Db } from "~/db.server";
import type { ShopifyAdminClient } from "~/integrations/shopify/admin-graphql-client.server";
import { graphqlOrderToRest, RECENT_ORDERS_QUERY, RecentOrdersResponse } from "~/integrations/shopify/recent-orders-query";
import { logger } from "~/logger.server";
import { storeWebhookEvent } from "~/models/webhook-event.server";

/** How far back the first reconciliation of a shop looks. */
const FIRST_LOOK_BACK_MS = 3 * 24 * 3600 * 1000;
/** Orders still being written when we look are picked up next time. */
const OVERLAP_MS = 60 * 1000;
const PAGE_SIZE = 50;
const MAX_PAGES = 40;

/**
 * The safety net under Shopify's webhooks: lists the orders changed since the last run through the
 * Admin API, and every order that has no invoice goes into the inbox as an `orders/updated` event —
 * the same path a webhook takes, so the invoicing rules and exactly-once guarantees are the same.
 * Delivery ids `reconcile:<order>:<updated at>` make a rerun collapse into the same inbox rows.
 */
export async function reconcileShopifyOrders(
  db: Db,
  admin: ShopifyAdminClient,
  shop: { id: string; domain: string; ordersReconciledAt: Date | null },
  deps: { now: () => Date; enqueueProcessing: (eventId: string) => Promise<void> },
): Promise<{ seen: number; queued: number }> {
  const now = deps.now();
  const since = shop.ordersReconciledAt ?? new Date(now.getTime() - FIRST_LOOK_BACK_MS);
  let after: string | null = null;
  let seen = 0;
  let queued = 0;
  let latest = since;
  let complete = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data } = await admin.request<unknown>(
      RECENT_ORDERS_QUERY,
      { first: PAGE_SIZE, after, query: `updated_at:>'${since.toISOString()}'` },
      { estimatedCost: 1 + PAGE_SIZE * 3 },
    );
    const { orders } = RecentOrdersResponse.parse(data);
    for (const order of orders.nodes) {
      seen++;
      const updatedAt = new Date(order.updatedAt);
      if (updatedAt > latest) latest = updatedAt;
      const invoiced = await db.invoice.findUnique({
        where: { shopId_channel_kind_sourceId: { shopId: shop.id, channel: "SHOPIFY", kind: "INVOICE", sourceId: order.legacyResourceId } },
        select: { id: true },
      });
      if (invoiced) continue;
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
  // All seen: next time start shortly before now. Cut off by MAX_PAGES: continue from the last order seen.
  const cursor = complete ? new Date(now.getTime() - OVERLAP_MS) : latest;
  if (cursor > since) await db.shop.update({ where: { id: shop.id }, data: { ordersReconciledAt: cursor } });
  if (queued) logger.warn({ shop: shop.domain, queued, seen }, "reconciliation found orders without invoice");
  return { seen, queued };
}
