import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { shopifyAdminForShop } from "~/integrations/shopify/shopify-admin-for-shop.server";
import { closeQueues, enqueue } from "~/queues.server";
import { reconcileShopifyOrders } from "~/services/reconcile-shopify-orders.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
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

  it("completes an order of 300 lines page by page, each query under Shopify's 1,000 points: the invoice has every line", async () => {
    const domain = "reconcile-many-lines.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain });
    const order = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
    const line = (i: number) => ({ name: `Kaars ${i + 1}`, title: `Kaars ${i + 1}`, sku: `CANDLE-${i + 1}`, quantity: 1, price: "1.21", requires_shipping: true, taxable: true, tax_lines: [{ price: "0.21", rate: 0.21, title: "BTW" }], discount_allocations: [] });
    Object.assign(order, {
      id: 5550300,
      admin_graphql_api_id: "gid://shopify/Order/5550300",
      name: "#5300",
      updated_at: new Date().toISOString(),
      line_items: Array.from({ length: 300 }, (_, i) => line(i)),
      shipping_lines: [{ ...order.shipping_lines[0], price: "12.10", tax_lines: [{ price: "2.10", rate: 0.21, title: "BTW" }], discount_allocations: [] }],
      discount_applications: [],
      discount_codes: [],
      total_discounts: "0.00",
      subtotal_price: "363.00",
      total_line_items_price: "363.00",
      total_tax: "65.10",
      total_price: "375.10",
    });
    expect((await fetch(`${stack.fakeShopifyUrl}/_control/orders/${domain}`, { method: "POST", body: JSON.stringify(order) })).status).toBe(201);
    const result = await reconcileShopifyOrders(db, await shopifyAdminForShop(db, domain), await db.shop.findUniqueOrThrow({ where: { id: shopId } }), {
      now: () => new Date(),
      enqueueProcessing: (eventId) => enqueue("process-webhook", { eventId }),
    });
    expect(result).toEqual({ seen: 1, queued: 1 });
    await waitFor(async () => (await db.invoice.count({ where: { shopId, channelOrderId: "5550300" } })) === 1, 30_000, "the invoice of the 300-line order");
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: "5550300" }, include: { lines: { orderBy: { position: "asc" } } } });
    const goods = invoice.lines.filter((l) => l.description.startsWith("Kaars "));
    expect(goods).toHaveLength(300);
    expect(new Set(goods.map((l) => l.description)).size).toBe(300);
    expect(invoice.lines.some((l) => l.description.includes("bpost"))).toBe(true);
    // 300 × 1.21 + 12.10 shipping, VAT included: the figures of the order in Shopify.
    expect([invoice.taxExclusiveTotal.toFixed(2), invoice.vatTotal.toFixed(2), invoice.taxInclusiveTotal.toFixed(2)]).toEqual(["310.00", "65.10", "375.10"]);
  });

  it("Shopify refuses protected customer data: the run stops without failing, the shop records why, and the next answered run clears it", async () => {
    const domain = "reconcile-no-pii.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain });
    const order = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
    Object.assign(order, { id: 5550401, admin_graphql_api_id: "gid://shopify/Order/5550401", name: "#5401", updated_at: new Date().toISOString() });
    await fetch(`${stack.fakeShopifyUrl}/_control/orders/${domain}`, { method: "POST", body: JSON.stringify(order) });
    const grant = (granted: boolean) => fetch(`${stack.fakeShopifyUrl}/_control/protected-customer-data/${domain}`, { method: "POST", body: JSON.stringify({ granted }) });
    const run = async () =>
      reconcileShopifyOrders(db, await shopifyAdminForShop(db, domain), await db.shop.findUniqueOrThrow({ where: { id: shopId } }), {
        now: () => new Date(),
        enqueueProcessing: (eventId) => enqueue("process-webhook", { eventId }),
      });

    await grant(false);
    expect(await run()).toEqual({ seen: 0, queued: 0, blocked: "customer-data-denied" });
    const denied = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(denied.customerDataDeniedAt).not.toBeNull();
    expect(denied.customerDataDeniedReason).toMatch(/^This app is not approved to (use|access) the /);
    expect(denied.ordersReconciledAt).toBeNull(); // nothing skipped: the same orders are looked at again
    expect(await db.webhookEvent.count({ where: { shopId } })).toBe(0);

    await grant(true);
    expect(await run()).toEqual({ seen: 1, queued: 1 });
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).customerDataDeniedAt).toBeNull();
    await waitFor(async () => (await db.invoice.count({ where: { shopId, channelOrderId: "5550401" } })) === 1, 30_000, "the invoice once access is granted");
  });

  it("an order webhook with the buyer redacted (protected customer data not approved) fails once, visibly, and is not invoiced as 'Customer'", async () => {
    const domain = "webhook-no-pii.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain });
    const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
    // What Shopify sends an app whose name/address/email fields are not approved: the fields redacted, the country kept.
    const redacted = { ...fixture, id: 5550501, admin_graphql_api_id: "gid://shopify/Order/5550501", name: "#5501", email: null, contact_email: null, customer: { ...fixture.customer, first_name: null, last_name: null, email: null }, billing_address: { country_code: "BE", name: null, first_name: null, last_name: null, address1: null, address2: null, zip: null, city: null, company: null }, shipping_address: { country_code: "BE" } };
    const sent = await sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: domain, body: JSON.stringify(redacted), secret: stack.shopifyApiSecret });
    expect(sent.status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.count({ where: { shopId, status: "FAILED" } })) === 1, 30_000, "the redacted order's event marked FAILED");
    const event = await db.webhookEvent.findFirstOrThrow({ where: { shopId } });
    expect(event.attempts).toBe(1); // not retried in a loop
    expect(event.lastError).toContain("without the buyer's name and address");
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).customerDataDeniedReason).toContain("Shopify sent order #5501 without the buyer's name and address");
    expect(await db.invoice.count({ where: { shopId } })).toBe(0);

    // Access approved: the next order arrives complete, is invoiced, and the merchant's banner goes away.
    const complete = { ...fixture, id: 5550502, admin_graphql_api_id: "gid://shopify/Order/5550502", name: "#5502" };
    await sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: domain, body: JSON.stringify(complete), secret: stack.shopifyApiSecret });
    await waitFor(async () => (await db.invoice.count({ where: { shopId } })) === 1, 30_000, "the complete order's invoice");
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).customerDataDeniedAt).toBeNull();
  });
});
