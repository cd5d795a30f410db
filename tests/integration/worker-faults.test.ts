import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, deleteRedisPrefix, ROOT, startStack, stopChild, waitFor, type Stack } from "../support/stack";

/**
 * The worker's promises under stress, with a stack of its own: SIGTERM lets the running job finish;
 * a lost Redis (all queue keys gone) loses nothing because the reconciler re-enqueues from the inbox.
 * Every job sleeps 1.5 s first (fault injection) so the test can act while one is in flight.
 */
let stack: Stack;
let db: Db;
const shop = "faults.myshopify.com";
let shopId: string;
const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));

function orderBody(id: number) {
  return JSON.stringify({ ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#F${id}` });
}
const send = (body: string) =>
  sendShopifyWebhook({ appUrl: stack.info.appUrl, topic: "orders/create", shop, body, secret: stack.info.shopifyApiSecret, webhookId: randomUUID() });

beforeAll(async () => {
  stack = await startStack({ label: "faults", extraEnv: { FACTO_FAULT_JOB_DELAY_MS: "1500", RECONCILE_EVERY_MS: "1000", RECONCILE_AFTER_SECONDS: "2" } });
  adoptStackEnv(stack.info);
  db = createPrisma(stack.info.databaseUrl, 2);
  ({ shopId } = await seedShopifyShop(db, { domain: shop }));
});
afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
});

describe("worker faults", () => {
  it("SIGTERM waits for the running job, which completes: invoice and PDF, nothing half-written", async () => {
    expect((await send(orderBody(7001))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600)); // the job is picked up and sleeping
    const stoppedAt = Date.now();
    const exit = new Promise<number | null>((resolve) => stack.worker.once("exit", (code) => resolve(code)));
    await stopChild(stack.worker, "SIGTERM");
    expect(await exit).toBe(0);
    expect(Date.now() - stoppedAt).toBeGreaterThan(500); // it waited for the job instead of dying
    const invoice = await db.invoice.findFirst({ where: { shopId, channelOrderId: "7001" }, include: { documents: true } });
    expect(invoice?.documents.map((d) => d.format).sort()).toEqual(["PDF", "UBL"]);
    expect((await db.webhookEvent.findFirstOrThrow({ where: { shopId, payload: { path: ["id"], equals: 7001 } } })).status).toBe("PROCESSED");
  });

  it("a Redis that lost every queue key loses no order: the reconciler re-enqueues from the inbox", async () => {
    // No worker is running now: the webhook is stored and enqueued, then Redis forgets the job.
    expect((await send(orderBody(7002))).status).toBe(200);
    await deleteRedisPrefix(stack.info.redisUrl, stack.info.queuePrefix);
    expect(await db.invoice.count({ where: { shopId, channelOrderId: "7002" } })).toBe(0);

    stack.worker = stack.startWorker();
    await waitFor(async () => (await db.invoice.count({ where: { shopId, channelOrderId: "7002", documents: { some: { format: "UBL" } } } })) === 1, 60_000, "the reconciled invoice");
    const numbers = (await db.invoice.findMany({ where: { shopId }, orderBy: { number: "asc" }, select: { number: true } })).map((i) => i.number);
    expect(numbers).toEqual([1, 2]);
  });
});
