import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { seedShopifyShop } from "../support/seed-shop";
import { closeQueues, getQueue, jobId, QueueName } from "~/queues.server";
import { adoptStackEnv, deleteRedisPrefix, ROOT, startStack, waitFor, type Stack } from "../support/stack";

/**
 * Exactly-once under chaos, with a stack of its own: 1,000 orders arrive as 1,500 deliveries (30 %
 * duplicates — redeliveries of the same webhook and orders/updated for the same order — in random
 * order) while the worker is killed with SIGKILL again and again and PostgreSQL drops the app's
 * connections, and once Redis loses every queue key. Afterwards every order has exactly one invoice with its PDF and UBL, and the numbers
 * are 1…1000 without a gap. (A sender retries a 5xx like Shopify does.)
 */
let stack: Stack;
let db: Db;
const SHOP = "chaos.myshopify.com";
const ORDERS = 1000;
const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));

beforeAll(async () => {
  // PGAPPNAME names the app processes' database connections, so the chaos drops only theirs.
  stack = await startStack({ label: "chaos", extraEnv: { RECONCILE_EVERY_MS: "1000", RECONCILE_AFTER_SECONDS: "3", WORKER_CONCURRENCY: "4", JOB_TIMEOUT_MS: "60000", LOG_LEVEL: "fatal", PGAPPNAME: "facto-app" } });
  adoptStackEnv(stack.info);
  delete process.env.PGAPPNAME;
  db = createPrisma(stack.info.databaseUrl, 2);
  const { shopId } = await seedShopifyShop(db, { domain: SHOP });
  await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "NONE" } });
}, 120_000);

afterAll(async () => {
  await closeQueues();
  await db?.$disconnect();
  await stack?.stop();
}, 120_000);

/** Delivers like Shopify: retries on a 5xx or a dropped connection until it gets a 2xx. */
async function deliver(topic: string, body: string, webhookId: string) {
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      const ack = await sendShopifyWebhook({ appUrl: stack.info.appUrl, topic, shop: SHOP, body, secret: stack.info.shopifyApiSecret, webhookId });
      if (ack.status === 200) return;
      if (ack.status < 500) throw new Error(`${topic} refused: ${ack.status} ${ack.body}`);
    } catch (error) {
      if (error instanceof Error && error.message.includes("refused")) throw error;
    }
    await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
  }
  throw new Error(`${topic} ${webhookId} never acknowledged`);
}

describe("exactly once under chaos", () => {
  it("1,000 orders, 30 % duplicate deliveries, SIGKILLed workers and dropped database connections: one invoice each, no gap", async () => {
    const deliveries: { topic: string; body: string; webhookId: string }[] = [];
    for (let i = 1; i <= ORDERS; i++) {
      const id = 5_000_000 + i;
      const body = JSON.stringify({ ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#C${i}`, financial_status: "pending" });
      const webhookId = randomUUID();
      deliveries.push({ topic: "orders/create", body, webhookId });
      if (i % 4 === 0) deliveries.push({ topic: "orders/create", body, webhookId }); // a redelivery
      if (i % 4 === 1) deliveries.push({ topic: "orders/updated", body, webhookId: randomUUID() }); // the same order again
    }
    expect(deliveries.length).toBe(1500);
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }

    // Chaos while the deliveries arrive (and a little after): SIGKILL the worker every 4 s and start a
    // new one, drop the app's PostgreSQL connections every 3 s. Then the system must heal by itself.
    let chaos = true;
    setTimeout(() => (chaos = false), 30_000);
    let kills = 0;
    let drops = 0;
    // A worker that exits by itself (an unhandled error when its connection is dropped, say) is a bug:
    // counted, restarted, and the test fails on it at the end instead of waiting for an exit that came.
    const crashes: string[] = [];
    const killer = (async () => {
      while (chaos) {
        await new Promise((r) => setTimeout(r, 4000));
        if (!chaos) break;
        const worker = stack.worker;
        if (worker.exitCode !== null || worker.signalCode !== null) crashes.push(`exit ${worker.exitCode ?? worker.signalCode}`);
        else {
          const exited = new Promise((r) => worker.once("exit", r));
          worker.kill("SIGKILL");
          await exited;
          kills++;
        }
        stack.worker = stack.startWorker();
      }
    })();
    // After the kills, with the last worker running, Redis loses every queue key (FLUSHALL for this
    // run's prefix) — jobs and schedulers: the worker re-declares its schedulers and the inbox
    // reconciler re-enqueues whatever was waiting.
    let flushed = false;
    const flusher = (async () => {
      await new Promise((r) => setTimeout(r, 33_000));
      await deleteRedisPrefix(stack.info.redisUrl, stack.info.queuePrefix);
      flushed = true;
    })();
    const dropper = (async () => {
      const admin = new Client({ connectionString: stack.info.databaseUrl, application_name: "chaos-dropper" });
      await admin.connect();
      while (chaos) {
        await new Promise((r) => setTimeout(r, 3000));
        if (!chaos) break;
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'facto-app'`,
        );
        if (rowCount) drops++;
      }
      await admin.end();
    })();

    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < deliveries.length) {
          const d = deliveries[next++]!;
          await deliver(d.topic, d.body, d.webhookId);
        }
      }),
    );
    await Promise.all([killer, dropper, flusher]);
    expect(flushed).toBe(true);
    await waitFor(async () => (await db.invoice.count({ where: { shop: { domain: SHOP }, documents: { some: { format: "UBL" } } } })) >= ORDERS, 300_000, "every order invoiced").catch(async (error: unknown) => {
      // What was left, for the one reading a red run.
      const byStatus = await db.webhookEvent.groupBy({ by: ["status", "lastError"], where: { shop: { domain: SHOP } }, _count: true });
      const invoiced = await db.invoice.count({ where: { shop: { domain: SHOP } } });
      console.error("chaos: inbox", JSON.stringify(byStatus), "invoices", invoiced, "with UBL", await db.invoice.count({ where: { shop: { domain: SHOP }, documents: { some: { format: "UBL" } } } }));
      throw error;
    });
    expect(crashes, "worker processes that exited by themselves during the chaos (their output is above)").toEqual([]);
    expect(kills).toBeGreaterThan(2);
    expect(drops).toBeGreaterThan(1);

    const invoices = await db.invoice.findMany({ where: { shop: { domain: SHOP }, kind: "INVOICE" }, select: { channelOrderId: true, number: true, documents: { select: { format: true } } } });
    expect(invoices).toHaveLength(ORDERS);
    expect(new Set(invoices.map((i) => i.channelOrderId)).size).toBe(ORDERS);
    const numbers = invoices.map((i) => i.number).sort((a, b) => a - b);
    expect(numbers[0]).toBe(1);
    expect(numbers.at(-1)).toBe(ORDERS);
    expect(invoices.every((i) => i.documents.map((d) => d.format).sort().join() === "PDF,UBL")).toBe(true);
    const orphans = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Document" d LEFT JOIN "Invoice" i ON i."id" = d."invoiceId" WHERE i."id" IS NULL`;
    expect(Number(orphans[0]!.n)).toBe(0);
    // Every delivery is in the inbox exactly once per delivery id (1,250 distinct), none left unprocessed.
    // A delivery whose job failed during the chaos may sit in BullMQ's exponential backoff (1 s doubling,
    // 8 attempts: up to ~2 minutes) before its next attempt: the drain is awaited that long.
    await waitFor(async () => (await db.webhookEvent.count({ where: { shop: { domain: SHOP }, status: "RECEIVED" } })) === 0, 180_000, "the inbox drained").catch(async (error: unknown) => {
      // What was left and where its job is, for the one reading a red run.
      const left = await db.webhookEvent.findMany({ where: { shop: { domain: SHOP }, status: "RECEIVED" }, select: { id: true, topic: true, attempts: true, lastError: true, holdReason: true, receivedAt: true }, take: 20 });
      const queue = getQueue(QueueName.inbox);
      const states = await Promise.all(left.map(async (e) => {
        const job = await queue.getJob(jobId["process-webhook"]({ eventId: e.id })).catch(() => undefined);
        return { ...e, job: job ? { state: await job.getState(), attemptsMade: job.attemptsMade, failedReason: job.failedReason, delay: job.delay, timestamp: job.timestamp } : null };
      }));
      console.error("chaos: left in the inbox", JSON.stringify(states, null, 1), "job counts", JSON.stringify(await queue.getJobCounts()));
      throw error;
    });
    expect(await db.webhookEvent.count({ where: { shop: { domain: SHOP } } })).toBe(1250);
  }, 600_000);
});
