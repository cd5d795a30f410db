import { describe, expect, it } from "vitest";
import type { NewWebhookEvent } from "~/models/webhook-event.server";
import { InboxBatchWriter, type BatchQuery, type BatchRow } from "./inbox-batch-writer.server";

const event = (deliveryId: string, rawJson = `{"id":"${deliveryId}"}`): NewWebhookEvent => ({
  platform: "SHOPIFY",
  shopDomain: "batch.myshopify.com",
  provider: "SHOPIFY",
  deliveryId,
  topic: "orders/create",
  rawJson,
  triggeredAt: new Date("2026-11-29T10:00:00Z"),
});

/** What the statement answers for a batch that PostgreSQL wrote: every input row, joined to its id's row. */
function fakeInbox(): { query: BatchQuery; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const stored = new Map<string, string>();
  const query: BatchQuery = async (_text, values) => {
    calls.push(values);
    const ids = values[3] as string[];
    const fresh = new Set<string>();
    for (const id of ids) if (!stored.has(id)) (stored.set(id, `ev-${id}`), fresh.add(id));
    return ids.map((id, i): BatchRow => ({ n: i + 1, shop_found: true, id: stored.get(id)!, status: "RECEIVED", inserted: fresh.has(id) }));
  };
  return { query, calls };
}

describe("inbox group commit", () => {
  it("writes the deliveries that arrive together in one statement; an id's first delivery is the inserted one, the others its duplicates", async () => {
    const { query, calls } = fakeInbox();
    const writer = new InboxBatchWriter(query, { maxInFlight: 1 });
    const results = await Promise.all(["a", "b", "a", "c", "b", "a"].map((id) => writer.store(event(id))));
    expect(calls).toHaveLength(1);
    expect(writer.batchSizes).toEqual([6]);
    expect(results.map((r) => [r!.id, r!.inserted])).toEqual([
      ["ev-a", true],
      ["ev-b", true],
      ["ev-a", false],
      ["ev-c", true],
      ["ev-b", false],
      ["ev-a", false],
    ]);
    // The bodies go as one JSON array, each exactly as received.
    expect(JSON.parse(calls[0]![5] as string)).toEqual(["a", "b", "a", "c", "b", "a"].map((id) => ({ id })));
    // Already in the inbox: a duplicate.
    expect(await writer.store(event("a"))).toEqual({ id: "ev-a", status: "RECEIVED", inserted: false });
  });

  it("tells a timeline (the bench's), per delivery, when it was queued and when its statement was sent and committed", async () => {
    const { query } = fakeInbox();
    const batches: { queued: number[]; sent: number; committed: number }[] = [];
    const writer = new InboxBatchWriter(query, { maxInFlight: 1, timeline: { request: () => {}, batch: (queued, sent, committed) => void batches.push({ queued, sent, committed }), snapshot: () => ({}) } });
    await Promise.all(["a", "b", "c"].map((id) => writer.store(event(id))));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.queued).toHaveLength(3);
    expect(batches[0]!.queued.every((at) => at <= batches[0]!.sent) && batches[0]!.sent <= batches[0]!.committed).toBe(true);
  });

  it("keeps writing while a batch is under way: what arrived meanwhile goes together in the next one", async () => {
    const { query } = fakeInbox();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    const slow: BatchQuery = async (text, values) => {
      if (first) {
        first = false;
        await gate;
      }
      return query(text, values);
    };
    const writer = new InboxBatchWriter(slow, { maxInFlight: 1 });
    const one = writer.store(event("x1"));
    await new Promise((r) => setImmediate(r));
    const later = Array.from({ length: 20 }, (_, i) => writer.store(event(`y${i}`)));
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([one, ...later]);
    expect(writer.batchSizes).toEqual([1, 20]);
  });

  it("a failed batch rejects every delivery in it (each answers 5xx; nothing was committed)", async () => {
    const writer = new InboxBatchWriter(async () => {
      throw Object.assign(new Error("Connection terminated unexpectedly"), {});
    });
    const outcomes = await Promise.allSettled(["a", "b", "c", "d"].map((id) => writer.store(event(id))));
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    expect(writer.batchSizes).toEqual([4]);
  });

  it("a body PostgreSQL cannot store (SQLSTATE class 22) fails alone: the batch is written again one by one", async () => {
    const { query } = fakeInbox();
    const picky: BatchQuery = async (text, values) => {
      if ((values[3] as string[]).includes("bad")) throw Object.assign(new Error("unsupported Unicode escape sequence"), { code: "22P05" });
      return query(text, values);
    };
    const writer = new InboxBatchWriter(picky, { maxInFlight: 1 });
    const outcomes = await Promise.allSettled(["a", "bad", "b"].map((id) => writer.store(event(id))));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("a deadlock or serialization failure (class 40) is written again instead of refusing the deliveries", async () => {
    const { query } = fakeInbox();
    let failures = 1;
    const writer = new InboxBatchWriter(async (text, values) => {
      if (failures-- > 0) throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
      return query(text, values);
    });
    const results = await Promise.all(["a", "b"].map((id) => writer.store(event(id))));
    expect(results.map((r) => r!.inserted)).toEqual([true, true]);
  });

  it("a shop row created concurrently by another statement is looked up again in the next batch", async () => {
    const { query } = fakeInbox();
    let misses = 1;
    const writer = new InboxBatchWriter(async (text, values) => {
      const rows = await query(text, values);
      if (misses-- > 0) return rows.map((r) => ({ ...r, shop_found: false, id: null, status: null, inserted: false }));
      return rows;
    });
    // The fake stored it on the first (missed) round; what matters is that the delivery is answered.
    const result = await writer.store(event("late-shop"));
    expect(result).toEqual({ id: "ev-late-shop", status: "RECEIVED", inserted: false });
    expect(writer.batchSizes).toEqual([1, 1]);
  });
});
