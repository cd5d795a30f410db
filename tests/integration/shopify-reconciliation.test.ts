import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { shopifyAdminForShop } from "~/integrations/shopify/shopify-admin-for-shop.server";
import { closeQueues, enqueue } from "~/queues.server";
import { reconcileShopifyOrders } from "~/services/reconcile-shopify-orders.server";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * A webhook that never came: the order exists in (fake) Shopify only. The reconciler lists recent
 * orders through the Admin API and the order is invoiced through the normal inbox → worker path.
 */
const stack = inject("stack");
let db: Db;
const shop = "reconcile-me.myshopify.com";

beforeAll(() => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
});
afterAll(async () => {
  await closeQueues();
  await db.$disconnect();
});

describe("Shopify order reconciliation", () => {
  it("invoices an order whose webhook was lost, once", async () => {
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    const order = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
    Object.assign(order, { id: 5550001, admin_graphql_api_id: "gid://shopify/Order/5550001", name: "#5001", updated_at: new Date().toISOString() });
    expect((await fetch(`${stack.fakeShopifyUrl}/_control/orders/${shop}`, { method: "POST", body: JSON.stringify(order) })).status).toBe(201);

    const run = async () =>
      reconcileShopifyOrders(db, await shopifyAdminForShop(db, shop), (await db.shop.findUniqueOrThrow({ where: { id: shopId } })), {
        now: () => new Date(),
        enqueueProcessing: (eventId) => enqueue("process-webhook", { eventId }),
      });
    expect(await run()).toEqual({ seen: 1, queued: 1 });
    await waitFor(async () => (await db.invoice.count({ where: { shopId, channelOrderId: "5550001", documents: { some: { format: "UBL" } } } })) === 1, 30_000, "the reconciled invoice");
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: "5550001" } });
    // The same figures as the webhook path gives for this order (see walking-skeleton): GraphQL → REST shape → same mapping.
    expect([invoice.taxExclusiveTotal.toFixed(2), invoice.vatTotal.toFixed(2), invoice.taxInclusiveTotal.toFixed(2)]).toEqual(["192.81", "36.10", "228.91"]);

    // Run again from the start: the order is invoiced, nothing is queued, the cursor moved.
    await db.shop.update({ where: { id: shopId }, data: { ordersReconciledAt: null } });
    expect(await run()).toEqual({ seen: 1, queued: 0 });
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).ordersReconciledAt).not.toBeNull();
    expect(await db.invoice.count({ where: { shopId } })).toBe(1);
  });
});
