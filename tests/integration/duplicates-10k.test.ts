import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { benchOrderBody } from "../../scripts/bench-orders";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, startStack, waitFor, type Stack } from "../support/stack";

/**
 * 10,000 webhooks, 30 % of them duplicates, in random order, with a stack of its own (two worker
 * processes): 7,000 orders of the benchmark's mix (domestic, OSS, B2B with VIES, 12 lines) arrive
 * as orders/create, 1,500 of them again with the same webhook id (Shopify's redelivery) and 1,500 as
 * orders/updated (the same order, another webhook). Every order gets exactly one invoice with its
 * PDF and UBL, and the numbers run 1…7000 without a gap.
 */
let stack: Stack;
let db: Db;
const SHOP = "ten-thousand.myshopify.com";
const ORDERS = 7_000;
const FIRST_ID = 60_000_000;

beforeAll(async () => {
  stack = await startStack({ label: "dup10k", extraEnv: { WORKER_CONCURRENCY: "8", LOG_LEVEL: "fatal" } });
  adoptStackEnv(stack.info);
  stack.startWorker(); // a second worker process
  db = createPrisma(stack.info.databaseUrl, 2);
  const { shopId } = await seedShopifyShop(db, { domain: SHOP });
  await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "NONE", ossDestinationTaxation: true } });
}, 120_000);

afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
}, 120_000);

describe("10,000 webhooks with 30 % duplicates in random order", () => {
  it("issues exactly one invoice per order, numbered without a gap", async () => {
    const deliveries: { topic: string; body: string; webhookId: string }[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const body = benchOrderBody(FIRST_ID + i);
      const webhookId = randomUUID();
      deliveries.push({ topic: "orders/create", body, webhookId });
      // 3 in 14 orders are delivered twice with the same webhook id (Shopify's redelivery): 1,500.
      if (i % 14 === 0 || i % 14 === 3 || i % 14 === 7) deliveries.push({ topic: "orders/create", body, webhookId });
    }
    // 1,500 orders come again as orders/updated (the same order, another webhook).
    for (let i = 0; i < 1_500; i++) deliveries.push({ topic: "orders/updated", body: benchOrderBody(FIRST_ID + i * 4), webhookId: randomUUID() });
    expect(deliveries.length).toBe(10_000);
    const duplicates = deliveries.length - ORDERS;
    expect(duplicates / deliveries.length).toBe(0.3);
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }

    // 32 senders at once, each retrying a 5xx like Shopify.
    let next = 0;
    const sender = async () => {
      for (let d = deliveries[next++]; d; d = deliveries[next++]) {
        for (let attempt = 0; ; attempt++) {
          const ack = await sendShopifyWebhook({ appUrl: stack.info.appUrl, topic: d.topic, shop: SHOP, body: d.body, secret: stack.info.shopifyApiSecret, webhookId: d.webhookId });
          if (ack.status === 200) break;
          if (ack.status < 500 || attempt > 10) throw new Error(`${d.topic} refused: ${ack.status} ${ack.body}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, sender));

    const shopId = (await db.shop.findFirstOrThrow({ where: { domain: SHOP } })).id;
    expect(await db.webhookEvent.count({ where: { shopId } })).toBe(10_000 - 1_500); // a redelivery is the same inbox row
    await waitFor(async () => (await db.document.count({ where: { shopId, format: "UBL" } })) >= ORDERS, 20 * 60_000, "7,000 invoices with their documents");

    const perOrder = await db.$queryRaw<{ orders: bigint; invoices: bigint; min: number; max: number; pdfs: bigint; ubls: bigint }[]>`
      SELECT count(DISTINCT "channelOrderId") AS orders, count(*) AS invoices, min(number) AS min, max(number) AS max,
             (SELECT count(*) FROM "Document" d WHERE d."shopId" = i."shopId" AND d.format = 'PDF') AS pdfs,
             (SELECT count(*) FROM "Document" d WHERE d."shopId" = i."shopId" AND d.format = 'UBL') AS ubls
      FROM "Invoice" i WHERE i."shopId" = ${shopId}::uuid AND i.kind = 'INVOICE' GROUP BY i."shopId"`;
    expect(perOrder[0]).toEqual({ orders: BigInt(ORDERS), invoices: BigInt(ORDERS), min: 1, max: ORDERS, pdfs: BigInt(ORDERS), ubls: BigInt(ORDERS) });
    expect(await db.webhookEvent.count({ where: { shopId, status: { in: ["FAILED", "RECEIVED"] } } })).toBe(0);
    // The mix was invoiced as it should: OSS at German VAT, B2B reverse-charged with the VIES check.
    const regimes = await db.invoice.groupBy({ by: ["vatRegime"], where: { shopId }, _count: true });
    expect(Object.fromEntries(regimes.map((r) => [r.vatRegime, r._count]))).toEqual({ DOMESTIC: 3_500, EU_OSS: 1_750, INTRA_COMMUNITY: 1_750 });
  }, 30 * 60_000);
});
