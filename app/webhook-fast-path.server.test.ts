import { createHmac, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Db } from "~/db.server";
import { InboxBatchWriter, type BatchQuery, type BatchRow } from "~/services/inbox-batch-writer.server";
import type { IngestTimeline } from "~/services/ingest-timeline.server";
import { MAX_WEBHOOK_BYTES } from "~/services/webhook-intake.server";
import { batchedEnqueue, createWebhookIngest } from "./webhook-fast-path.server";

const SECRET = "shpss_test";
const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** The web server's set-up: the webhook door first, everything else to "the app" (here: 404 "app"). */
async function start(query: BatchQuery, timeline: IngestTimeline | null = null) {
  const writer = new InboxBatchWriter(query, { maxInFlight: 1 });
  const enqueued: string[] = [];
  const door = createWebhookIngest({ shopifySecret: () => SECRET, store: (e) => writer.store(e), db: {} as Db, enqueueProcessing: (id) => void enqueued.push(id), production: true, timeline });
  const server = createServer((req, res) => {
    if (!door(req, res)) res.writeHead(404).end("app");
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writer, enqueued };
}

const post = (url: string, body: string, webhookId = randomUUID(), topic = "orders/create") =>
  fetch(`${url}/webhooks/shopify/${topic}`, {
    method: "POST",
    headers: {
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": "door.myshopify.com",
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Hmac-Sha256": createHmac("sha256", SECRET).update(body).digest("base64"),
    },
    body,
  });

const inbox = (): BatchQuery => {
  const stored = new Map<string, string>();
  return async (_t, values) => {
    const ids = values[3] as string[];
    const fresh = new Set<string>();
    for (const id of ids) if (!stored.has(id)) (stored.set(id, randomUUID()), fresh.add(id));
    return ids.map((id, i): BatchRow => ({ n: i + 1, shop_found: true, id: stored.get(id)!, status: "RECEIVED", inserted: fresh.has(id) }));
  };
};

describe("the webhook door (app/webhook-fast-path.server.ts)", () => {
  it("acknowledges concurrent deliveries, duplicates included, each stored once and enqueued once", async () => {
    const { url, enqueued, writer } = await start(inbox());
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const deliveries = [...ids, ...ids.slice(0, 8)].map((id) => post(url, JSON.stringify({ id }), id));
    const answers = await Promise.all(deliveries.map(async (r) => ({ status: (await r).status, body: (await (await r).json()) as { ok: boolean; eventId: string; duplicate: boolean } })));
    expect(answers.every((a) => a.status === 200 && a.body.ok)).toBe(true);
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(20);
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(20);
    expect(enqueued.filter((id, i) => enqueued.indexOf(id) === i)).toHaveLength(20);
    expect(writer.batchSizes.reduce((a, b) => a + b, 0)).toBe(28);
  });

  it("with a timeline (the bench's INGEST_TIMELINE=1), records each acknowledged delivery's phases in order; a refused one records nothing", async () => {
    const requests: number[][] = [];
    const timeline: IngestTimeline = { request: (...marks) => void requests.push(marks), batch: () => {}, snapshot: () => ({}) };
    const { url } = await start(inbox(), timeline);
    expect((await post(url, JSON.stringify({ id: 1 }))).status).toBe(200);
    expect((await fetch(`${url}/webhooks/shopify/orders/create`, { method: "POST", body: "{}", headers: { "X-Shopify-Topic": "orders/create" } })).status).toBe(401);
    expect(requests).toHaveLength(1);
    const [arrived, bodyRead, checked, stored, answered] = requests[0]!;
    expect(arrived! > 0 && arrived! <= bodyRead! && bodyRead! <= checked! && checked! <= stored! && stored! <= answered!).toBe(true);
  });

  it("a failed batch insert answers 5xx to every request that was in it", async () => {
    const { url, writer } = await start(async () => {
      throw new Error("Connection terminated unexpectedly");
    });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(url, JSON.stringify({ id: i })).then((r) => r.status)));
    expect(answers.every((s) => s >= 500)).toBe(true);
    expect(writer.batchSizes.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it("refuses what is not a signed, well-formed POST before anything is written", async () => {
    const { url, writer } = await start(inbox());
    expect((await fetch(`${url}/webhooks/shopify/orders/create`)).status).toBe(405);
    expect((await post(url, "{}", randomUUID(), "orders/paid")).status).toBe(200);
    expect((await fetch(`${url}/webhooks/shopify/orders/create`, { method: "POST", body: "{}", headers: { "X-Shopify-Topic": "orders/create" } })).status).toBe(401);
    const big = JSON.stringify({ pad: "x".repeat(MAX_WEBHOOK_BYTES) });
    expect((await post(url, big)).status).toBe(413);
    expect((await post(url, "[1]")).status).toBe(400);
    expect((await fetch(`${url}/webhooks/shopify/orders/create`, { method: "POST", body: "{}", headers: { "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": "door.myshopify.com", "X-Shopify-Webhook-Id": "1", "X-Shopify-Hmac-Sha256": "forged" } })).status).toBe(401);
    expect(writer.batchSizes.reduce((a, b) => a + b, 0)).toBe(1); // only the signed orders/paid above
    // Not a store's webhook: the rest of the web server answers.
    expect(await (await fetch(`${url}/app`)).text()).toBe("app");
  });
});

describe("batchedEnqueue", () => {
  it("sends the ids that arrive within the window in one call, a full batch at once, and logs a failed send without throwing", async () => {
    vi.useFakeTimers();
    try {
      const sent: string[][] = [];
      let fail = false;
      const enqueue = batchedEnqueue(async (ids) => {
        sent.push(ids);
        if (fail) throw new Error("Redis is down");
      }, 10);
      enqueue("a");
      await vi.advanceTimersByTimeAsync(5);
      enqueue("b");
      expect(sent).toEqual([]);
      await vi.advanceTimersByTimeAsync(5);
      expect(sent).toEqual([["a", "b"]]);
      for (let i = 0; i < 256; i++) enqueue(`x${i}`);
      expect(sent).toHaveLength(2); // 256 ids: sent without waiting for the window
      expect(sent[1]).toHaveLength(256);
      await vi.advanceTimersByTimeAsync(20);
      expect(sent).toHaveLength(2); // no empty call after a full batch
      fail = true;
      enqueue("c");
      await vi.advanceTimersByTimeAsync(10);
      expect(sent.at(-1)).toEqual(["c"]);
      enqueue("d"); // the writer still works after a failed send
      await vi.advanceTimersByTimeAsync(10);
      expect(sent.at(-1)).toEqual(["d"]);
    } finally {
      vi.useRealTimers();
    }
  });
});
