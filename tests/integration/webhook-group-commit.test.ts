import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { INBOX_BATCH_SQL, INBOX_EXISTING_SQL, INBOX_KNOWN_SHOPS_SQL, INBOX_ONE_SQL, InboxBatchWriter, INBOX_WRITER_APPLICATION_NAME, pgBatchQuery, warmInboxWriter, type BatchQuery } from "~/services/inbox-batch-writer.server";
import { ADD_BULK_FROM, enqueueMany, getQueue, JobQueue } from "~/queues.server";
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

/** A writer on the test's pool that records the statements it runs. */
function recordingWriter(maxInFlight: number): { statements: string[]; writer: InboxBatchWriter } {
  const statements: string[] = [];
  const query: BatchQuery = (text, values) => (statements.push(text), pgBatchQuery(pool)(text, values));
  return { statements, writer: new InboxBatchWriter(query, { maxInFlight }) };
}

describe("inbox group commit", () => {
  it("writes concurrent deliveries (duplicates in the batch and already stored) in one statement, each once", async () => {
    const { statements, writer } = recordingWriter(1);
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

  it("one delivery of a known shop is a plain one-row insert; a redelivery reads the stored row; two at once store it once", async () => {
    const { statements, writer } = recordingWriter(2);
    const shopDomain = `one-${randomUUID().slice(0, 8)}.myshopify.com`;
    const event = (deliveryId: string) => ({ platform: "SHOPIFY" as const, shopDomain, provider: "SHOPIFY" as const, deliveryId, topic: "orders/create", rawJson: JSON.stringify({ id: deliveryId, "ł€ß": "čő" }), triggeredAt: new Date("2026-11-29T10:00:00.456Z") });
    await writer.store(event(randomUUID())); // the shop is made and remembered
    const id = randomUUID();
    const stored = await writer.store(event(id));
    expect(stored).toEqual({ id: expect.any(String), status: "RECEIVED", inserted: true });
    expect(statements.slice(1)).toEqual([INBOX_ONE_SQL]);
    const row = await db.webhookEvent.findUniqueOrThrow({ where: { id: stored!.id }, include: { shop: true } });
    expect(row).toMatchObject({ deliveryId: id, topic: "orders/create", provider: "SHOPIFY", payload: { id, "ł€ß": "čő" }, triggeredAt: new Date("2026-11-29T10:00:00.456Z") });
    expect(row.shop.domain).toBe(shopDomain);

    statements.length = 0;
    expect(await writer.store(event(id))).toEqual({ id: stored!.id, status: "RECEIVED", inserted: false });
    expect(statements).toEqual([INBOX_ONE_SQL, INBOX_EXISTING_SQL]);

    // Two writers, the same new id in each: one inserts, the other waits for its commit and reads it.
    const twin = randomUUID();
    const [a, b] = await Promise.all([writer.store(event(twin)), new Promise((r) => setImmediate(r)).then(() => writer.store(event(twin)))]);
    expect([a?.inserted, b?.inserted].sort()).toEqual([false, true]);
    expect(a?.id).toBe(b?.id);
    expect(await db.webhookEvent.count({ where: { shop: { domain: shopDomain } } })).toBe(3);
    await db.webhookEvent.deleteMany({ where: { shop: { domain: shopDomain } } });
  });

  it("a shop the writer knew that is gone (a foreign key fails): forgotten, the batch written again in full, nothing lost", async () => {
    const { statements, writer } = recordingWriter(1);
    const shopDomain = `gone-${randomUUID().slice(0, 8)}.myshopify.com`;
    const event = (deliveryId: string) => ({ platform: "SHOPIFY" as const, shopDomain, provider: "SHOPIFY" as const, deliveryId, topic: "app/scopes_update", rawJson: JSON.stringify({ id: deliveryId }), triggeredAt: null });
    expect((await writer.store(event(randomUUID())))?.inserted).toBe(true);
    const first = await db.shop.findUniqueOrThrow({ where: { platform_domain: { platform: "SHOPIFY", domain: shopDomain } } });
    await db.shop.delete({ where: { id: first.id } }); // its inbox row goes with it (cascade)
    const again = await writer.store(event("after-delete"));
    expect(again?.inserted).toBe(true);
    expect(statements).toEqual([INBOX_BATCH_SQL, INBOX_ONE_SQL, INBOX_BATCH_SQL]);
    const stored = await db.webhookEvent.findUniqueOrThrow({ where: { id: again!.id }, include: { shop: true } });
    expect(stored.shop.domain).toBe(shopDomain);
    expect(stored.shopId).not.toBe(first.id);
    await db.webhookEvent.deleteMany({ where: { shopId: stored.shopId } });
  });

  it("a new delivery never reads the inbox: whatever plan PostgreSQL picks, the existing row is looked up only on a redelivery", async () => {
    // A plan made while the inbox looked small (a new database, before autovacuum's first ANALYZE)
    // once scanned the whole inbox in every batch. With sequential scans the only way to read the
    // table, neither statement may execute a scan of "WebhookEvent" for a delivery it inserts.
    const shopDomain = `plan-${randomUUID().slice(0, 8)}.myshopify.com`;
    const writer = new InboxBatchWriter(pgBatchQuery(pool), { maxInFlight: 1 });
    const first = await writer.store({ platform: "SHOPIFY", shopDomain, provider: "SHOPIFY", deliveryId: randomUUID(), topic: "app/scopes_update", rawJson: "{}", triggeredAt: null });
    const shopId = (await db.shop.findFirstOrThrow({ where: { domain: shopDomain } })).id;
    const client = await pool.connect();
    const plan = async (sql: string, deliveryId: string, known: boolean) => {
      const args = [["SHOPIFY"], [shopDomain], ["SHOPIFY"], [deliveryId], ["app/scopes_update"], "[{}]", [null], ...(known ? [[shopId]] : [])];
      const rows = (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`, args)).rows;
      return rows.map((r) => r["QUERY PLAN"]).filter((line) => line.includes('on "WebhookEvent"') && !line.includes("Insert on"));
    };
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off");
      for (const [sql, known] of [[INBOX_BATCH_SQL, false], [INBOX_KNOWN_SHOPS_SQL, true]] as const) {
        const scans = await plan(sql, randomUUID(), known);
        expect(scans.length).toBeGreaterThan(0); // the look-up is in the plan…
        for (const scan of scans) expect(scan).toContain("(never executed)"); // …and not run for a new delivery
        const again = await plan(sql, (await db.webhookEvent.findUniqueOrThrow({ where: { id: first!.id } })).deliveryId, known);
        expect(again.some((scan) => !scan.includes("never executed"))).toBe(true); // a redelivery reads its row
      }
    } finally {
      await client.query("ROLLBACK");
      client.release();
      await db.webhookEvent.deleteMany({ where: { shop: { domain: shopDomain } } });
    }
  });

  it("the web process's start-up opens the writer's connections before the first webhook", async () => {
    const countWriters = async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()`, [INBOX_WRITER_APPLICATION_NAME])).rows[0]!.n;
    const before = await countWriters();
    expect(globalThis.__factoInboxWriter).toBeUndefined(); // nothing in this process opened it yet
    try {
      await warmInboxWriter(stack.databaseUrl);
      expect(globalThis.__factoInboxWriter!.pool.idleCount).toBe(2);
      expect(await countWriters()).toBe(before + 2);
    } finally {
      await globalThis.__factoInboxWriter?.pool.end();
      globalThis.__factoInboxWriter = undefined;
    }
  });

  it("enqueueMany adds every job once with its deterministic id, whether a few (plain adds) or many (one addBulk)", async () => {
    const queue = getQueue(JobQueue["process-webhook"]);
    for (const count of [3, ADD_BULK_FROM + 7]) {
      const ids = Array.from({ length: count }, () => randomUUID());
      await enqueueMany("process-webhook", ids.map((eventId) => ({ eventId })));
      await enqueueMany("process-webhook", ids.slice(0, 2).map((eventId) => ({ eventId }))); // again: kept as they are
      const jobs = await Promise.all(ids.map((id) => queue.getJob(`webhook-${id}`)));
      expect(jobs.map((j) => j?.data)).toEqual(ids.map((eventId) => ({ eventId })));
    }
  });
});
