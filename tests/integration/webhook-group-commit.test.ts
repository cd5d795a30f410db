import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { INBOX_BATCH_SQL, INBOX_KNOWN_SHOPS_SQL, InboxBatchWriter, pgBatchQuery, type BatchQuery } from "~/services/inbox-batch-writer.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { adoptStackEnv } from "../support/stack";

/**
 * Group commit of the webhook inbox (docs/decisions/023-fast-ingest.md) against the real PostgreSQL
 * and the real web process: deliveries written together, duplicates in one batch and against the
 * inbox, each delivery once in the inbox and every one acknowledged.
 */
const stack = inject("stack");
let db: Db;
let pool: pg.Pool;

beforeAll(() => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
});
afterAll(async () => {
  await db.$disconnect();
  await pool.end();
});

describe("inbox group commit", () => {
  it("writes concurrent deliveries (duplicates in the batch and already stored) in one statement, each once", async () => {
    const statements: string[] = [];
    const query: BatchQuery = (text, values) => (statements.push(text), pgBatchQuery(pool)(text, values));
    const writer = new InboxBatchWriter(query, { maxInFlight: 1 });
    const shopDomain = `group-${randomUUID().slice(0, 8)}.myshopify.com`;
    const event = (deliveryId: string) => ({ platform: "SHOPIFY" as const, shopDomain, provider: "SHOPIFY" as const, deliveryId, topic: "app/scopes_update", rawJson: JSON.stringify({ id: deliveryId, "ł€ß": "čő" }), triggeredAt: new Date("2026-11-29T10:00:00.123Z") });
    const before = await writer.store(event("early"));
    expect(before?.inserted).toBe(true);

    const ids = Array.from({ length: 30 }, () => randomUUID());
    const deliveries = [...ids, ...ids.slice(0, 10), "early", "early"];
    const results = await Promise.all(deliveries.map((id) => writer.store(event(id))));
    expect(writer.batchSizes.slice(1)).toEqual([deliveries.length]); // one statement for all of them
    // The shop was created by the first statement; the batch of a known shop takes the short one.
    expect(statements).toEqual([INBOX_BATCH_SQL, INBOX_KNOWN_SHOPS_SQL]);
    expect(results.filter((r) => r?.inserted)).toHaveLength(30);
    for (const [i, id] of deliveries.entries()) expect(results[i]!.id).toBe(results[deliveries.indexOf(id)]!.id);
    expect(results.at(-1)).toEqual({ id: before!.id, status: "RECEIVED", inserted: false });

    const rows = await db.webhookEvent.findMany({ where: { shop: { domain: shopDomain } } });
    expect(rows).toHaveLength(31);
    const one = rows.find((r) => r.deliveryId === ids[0]);
    expect(one?.payload).toEqual({ id: ids[0], "ł€ß": "čő" });
    expect(one?.triggeredAt?.toISOString()).toBe("2026-11-29T10:00:00.123Z");
    await db.webhookEvent.deleteMany({ where: { shop: { domain: shopDomain } } }); // not for the worker
  });

  it("through the web process: 60 deliveries at once, 20 of them redeliveries, all acknowledged and each stored once", async () => {
    const shop = `door-${randomUUID().slice(0, 8)}.myshopify.com`;
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const deliveries = [...ids, ...ids.slice(0, 20)];
    const answers = await Promise.all(
      deliveries.map((webhookId) => sendShopifyWebhook({ appUrl: stack.appUrl, topic: "app/scopes_update", shop, secret: stack.shopifyApiSecret, webhookId, body: JSON.stringify({ id: webhookId }) })),
    );
    expect(answers.map((a) => a.status)).toEqual(deliveries.map(() => 200));
    const bodies = answers.map((a) => JSON.parse(a.body) as { ok: boolean; eventId: string | null; duplicate: boolean });
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(40);
    const stored = await db.webhookEvent.findMany({ where: { shop: { domain: shop } }, select: { deliveryId: true, id: true } });
    expect(stored.map((r) => r.deliveryId).sort()).toEqual([...ids].sort());
    // A redelivery names its original's row (or none, when it raced the original's commit).
    const byDelivery = new Map(stored.map((r) => [r.deliveryId, r.id]));
    for (const [i, id] of deliveries.entries()) if (bodies[i]!.eventId !== null) expect(bodies[i]!.eventId).toBe(byDelivery.get(id));
  });

  it("a shop the writer knew that is gone (a foreign key fails): forgotten, the batch written again in full, nothing lost", async () => {
    const statements: string[] = [];
    const query: BatchQuery = (text, values) => (statements.push(text), pgBatchQuery(pool)(text, values));
    const writer = new InboxBatchWriter(query, { maxInFlight: 1 });
    const shopDomain = `gone-${randomUUID().slice(0, 8)}.myshopify.com`;
    const event = (deliveryId: string) => ({ platform: "SHOPIFY" as const, shopDomain, provider: "SHOPIFY" as const, deliveryId, topic: "app/scopes_update", rawJson: JSON.stringify({ id: deliveryId }), triggeredAt: null });
    expect((await writer.store(event(randomUUID())))?.inserted).toBe(true);
    const first = await db.shop.findUniqueOrThrow({ where: { platform_domain: { platform: "SHOPIFY", domain: shopDomain } } });
    await db.shop.delete({ where: { id: first.id } }); // its inbox row goes with it (cascade)
    const again = await writer.store(event("after-delete"));
    expect(again?.inserted).toBe(true);
    expect(statements).toEqual([INBOX_BATCH_SQL, INBOX_KNOWN_SHOPS_SQL, INBOX_BATCH_SQL]);
    const stored = await db.webhookEvent.findUniqueOrThrow({ where: { id: again!.id }, include: { shop: true } });
    expect(stored.shop.domain).toBe(shopDomain);
    expect(stored.shopId).not.toBe(first.id);
    await db.webhookEvent.deleteMany({ where: { shopId: stored.shopId } });
  });
});
