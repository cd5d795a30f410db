import pg from "pg";
import { ingestTimeline, type IngestTimeline } from "~/services/ingest-timeline.server";
import type { NewWebhookEvent, StoredWebhookEvent } from "~/models/webhook-event.server";

/**
 * Group commit for the webhook inbox (docs/decisions/023-fast-ingest.md): the deliveries that reach
 * the web process while an insert is under way are written together, in ONE multi-row
 * `INSERT … ON CONFLICT DO NOTHING` (one statement, one commit, one WAL flush) through a prepared
 * statement on a plain `pg` pool. Every delivery's promise settles only after that commit: a 200 still
 * means "durable in PostgreSQL" (decision 002), exactly as with one insert per request.
 *
 * How deliveries are grouped: a delivery arriving while fewer than `maxInFlight` batches are being
 * written is written right away (after the current turn of the event loop, so the deliveries that
 * arrived in the same few hundred microseconds share it); otherwise it waits for the next free
 * writer, together with everything else that arrived meanwhile. At low load a batch is one row (no
 * added latency); under load batches grow by themselves.
 *
 * Duplicates: against the inbox by the unique (provider, deliveryId) as before; within one batch the
 * first delivery of an id is the inserted one, the later ones answer as duplicates of it.
 * A batch that fails rejects every delivery in it (each answers 5xx and the platform redelivers),
 * except a data error (SQLSTATE class 22: one delivery's body PostgreSQL cannot store), after which
 * the batch's deliveries are written one by one so that only the bad one is refused.
 */
export interface InboxBatchWriterOptions {
  /** Batches written at the same time (pool connections). */
  maxInFlight?: number;
  /** Deliveries per statement at most. */
  maxBatch?: number;
  /** Per-batch wait and statement times for the bench (INGEST_TIMELINE=1). */
  timeline?: IngestTimeline | null;
}

/** Runs the statement; the production one is a `pg` pool with a named (prepared) query. */
export type BatchQuery = (text: string, values: unknown[]) => Promise<BatchRow[]>;

export interface BatchRow {
  n: number;
  shop_found: boolean;
  /** The delivery's shop (the writer remembers it: the next batches of known shops take the short statement). */
  shop_id?: string | null;
  id: string | null;
  status: string | null;
  inserted: boolean;
}

interface Pending {
  event: NewWebhookEvent;
  resolve: (stored: StoredWebhookEvent | null) => void;
  reject: (error: unknown) => void;
  /** Rounds written without finding the shop row (created concurrently by another statement). */
  shopMisses: number;
  /** Batches of this delivery that failed on a transient conflict (deadlock, serialization). */
  conflicts: number;
  /** performance.now() when it was handed to the writer. */
  queuedAt: number;
}

/**
 * A delivery's row: the one this statement inserted, else the one already in the inbox (a
 * redelivery), looked up by the unique (provider, deliveryId) index only then — COALESCE evaluates
 * its second argument only when the first is null. Written as a join, the look-up's plan depended on
 * the table's statistics: planned while the inbox was small (a new database, or before autovacuum's
 * first ANALYZE), the prepared statement kept a hash join over a sequential scan of the whole inbox
 * for every batch — 0.6 ms of PostgreSQL CPU per webhook at 2,000 rows, 6.7 ms at 47,000 (decision 031,
 * addendum 3). As subqueries no plan can scan the inbox for a delivery that was inserted.
 */
const EXISTING_OR_INSERTED = `
       COALESCE(ins."id", (SELECT w."id" FROM "WebhookEvent" w WHERE w."provider" = i.provider::"WebhookProvider" AND w."deliveryId" = i.delivery_id)) AS id,
       COALESCE(ins.status, (SELECT w."status"::text FROM "WebhookEvent" w WHERE w."provider" = i.provider::"WebhookProvider" AND w."deliveryId" = i.delivery_id)) AS status,
       (ins."id" IS NOT NULL) AS inserted`;

// One row per delivery, in the order given ($1…$5, $7 are parallel arrays, $6 the bodies as one JSON
// array; n is the delivery's position).
// The shop row is created on first contact as in storeWebhookEvent (app/models/webhook-event.server.ts).
export const INBOX_BATCH_SQL = `
WITH input AS (
  SELECT t.*, p.payload FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $7::text[])
    WITH ORDINALITY AS t(platform, domain, provider, delivery_id, topic, triggered_at, n)
  JOIN jsonb_array_elements($6::jsonb) WITH ORDINALITY AS p(payload, n) ON p.n = t.n
), shops AS (
  SELECT DISTINCT platform, domain FROM input
), new_shop AS (
  INSERT INTO "Shop" ("id", "platform", "domain", "updatedAt")
  SELECT gen_random_uuid(), platform::"Platform", domain, now() FROM shops ORDER BY platform, domain
  ON CONFLICT ("platform", "domain") DO NOTHING
  RETURNING "id", "platform"::text AS platform, "domain"
), shop AS (
  SELECT "id", platform, "domain" FROM new_shop
  UNION ALL
  SELECT s."id", s."platform"::text, s."domain" FROM "Shop" s JOIN shops ON s."platform" = shops.platform::"Platform" AND s."domain" = shops.domain
), ins AS (
  INSERT INTO "WebhookEvent" ("id", "shopId", "provider", "deliveryId", "topic", "payload", "triggeredAt")
  SELECT gen_random_uuid(), shop."id", i.provider::"WebhookProvider", i.delivery_id, i.topic, i.payload,
         (i.triggered_at::timestamptz AT TIME ZONE 'UTC')::timestamp(3)
  FROM input i JOIN shop ON shop.platform = i.platform AND shop."domain" = i.domain
  -- Keys in one global order (two batches never wait for each other crosswise: no deadlock); an id's first delivery first.
  ORDER BY i.provider, i.delivery_id, i.n
  ON CONFLICT ("provider", "deliveryId") DO NOTHING
  RETURNING "id", "provider"::text AS provider, "deliveryId", "status"::text AS status
)
SELECT i.n::int AS n, (shop."id" IS NOT NULL) AS shop_found, shop."id" AS shop_id, ${EXISTING_OR_INSERTED}
FROM input i
LEFT JOIN shop ON shop.platform = i.platform AND shop."domain" = i.domain
LEFT JOIN ins ON ins.provider = i.provider AND ins."deliveryId" = i.delivery_id
ORDER BY i.n`;

/**
 * The same write when every delivery's shop is known ($8: their ids, parallel to the others): no shop
 * CTE, and a delivery already in the inbox is looked up only when it was not inserted. PostgreSQL
 * spends ~40 % less CPU on it (measured one row per statement, a 10 kB Shopify order: 0.31–0.33
 * against 0.53–0.57 ms of backend CPU per row; a plain one-row INSERT is 0.25). Shops are never deleted; if one were, the foreign key fails the statement
 * and the writer forgets what it knew and writes the batch again with the full statement.
 */
export const INBOX_KNOWN_SHOPS_SQL = `
WITH input AS (
  SELECT t.*, p.payload FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $7::text[], $8::uuid[])
    WITH ORDINALITY AS t(platform, domain, provider, delivery_id, topic, triggered_at, shop_id, n)
  JOIN jsonb_array_elements($6::jsonb) WITH ORDINALITY AS p(payload, n) ON p.n = t.n
), ins AS (
  INSERT INTO "WebhookEvent" ("id", "shopId", "provider", "deliveryId", "topic", "payload", "triggeredAt")
  SELECT gen_random_uuid(), i.shop_id, i.provider::"WebhookProvider", i.delivery_id, i.topic, i.payload,
         (i.triggered_at::timestamptz AT TIME ZONE 'UTC')::timestamp(3)
  FROM input i
  ORDER BY i.provider, i.delivery_id, i.n
  ON CONFLICT ("provider", "deliveryId") DO NOTHING
  RETURNING "id", "provider"::text AS provider, "deliveryId", "status"::text AS status
)
SELECT i.n::int AS n, true AS shop_found, i.shop_id, ${EXISTING_OR_INSERTED}
FROM input i
LEFT JOIN ins ON ins.provider = i.provider AND ins."deliveryId" = i.delivery_id
ORDER BY i.n`;

/**
 * A batch of one delivery of a known shop — the common case while the machine keeps up (p50 one row
 * per statement at 500 webhooks/s) — is a plain one-row INSERT: no arrays to unnest, no CTE. Measured
 * on this machine, PostgreSQL CPU per statement 0.48–0.55 ms against 0.83–0.84 ms for the same row
 * through INBOX_KNOWN_SHOPS_SQL, and 0.3–0.4 ms less wall time (decision 031, addendum 3). It returns
 * no row when the delivery is already in the inbox: INBOX_EXISTING_SQL then reads that row (a second
 * statement, only for a redelivery; ON CONFLICT DO NOTHING waited for a concurrent first delivery to
 * commit, so its row is visible to the look-up).
 */
export const INBOX_ONE_SQL = `
INSERT INTO "WebhookEvent" ("id", "shopId", "provider", "deliveryId", "topic", "payload", "triggeredAt")
VALUES (gen_random_uuid(), $1::uuid, $2::"WebhookProvider", $3, $4, $5::jsonb, ($6::timestamptz AT TIME ZONE 'UTC')::timestamp(3))
ON CONFLICT ("provider", "deliveryId") DO NOTHING
RETURNING 1 AS n, true AS shop_found, "shopId" AS shop_id, "id", "status"::text AS status, true AS inserted`;

export const INBOX_EXISTING_SQL = `
SELECT 1 AS n, true AS shop_found, $1::uuid AS shop_id, w."id", w."status"::text AS status, false AS inserted
FROM "WebhookEvent" w WHERE w."provider" = $2::"WebhookProvider" AND w."deliveryId" = $3`;

/** At most this many shops remembered per process (then forgotten all at once and learnt again). */
const MAX_KNOWN_SHOPS = 10_000;

export class InboxBatchWriter {
  private readonly pending: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly timeline: IngestTimeline | null;
  /** Sizes of the batches written (for tests and the bench). */
  readonly batchSizes: number[] = [];
  /** Shop ids by platform and domain, as the statements returned them. */
  private readonly knownShops = new Map<string, string>();

  constructor(
    private readonly query: BatchQuery,
    options: InboxBatchWriterOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxBatch = options.maxBatch ?? 256;
    this.timeline = options.timeline ?? null;
  }

  /** Resolves once the delivery is committed (or was already there); null as storeWebhookEvent. */
  store(event: NewWebhookEvent): Promise<StoredWebhookEvent | null> {
    return new Promise((resolve, reject) => {
      this.pending.push({ event, resolve, reject, shopMisses: 0, conflicts: 0, queuedAt: performance.now() });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.pending.length && this.inFlight < this.maxInFlight) {
        const batch = this.pending.splice(0, this.maxBatch);
        this.inFlight++;
        void this.write(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    this.batchSizes.push(batch.length);
    if (this.batchSizes.length > 10_000) this.batchSizes.splice(0, 5_000);
    let rows: BatchRow[];
    const shopIds = batch.map((p) => this.knownShops.get(shopKey(p.event)) ?? null);
    const allKnown = shopIds.every((id) => id !== null);
    try {
      const sent = performance.now();
      if (allKnown && batch.length === 1) rows = await this.writeOne(batch[0]!.event, shopIds[0]!);
      else {
        const values = columns(batch.map((p) => p.event));
        rows = allKnown ? await this.query(INBOX_KNOWN_SHOPS_SQL, [...values, shopIds]) : await this.query(INBOX_BATCH_SQL, values);
      }
      this.timeline?.batch(batch.map((p) => p.queuedAt), sent, performance.now());
    } catch (error) {
      const sqlClass = sqlStateClass(error);
      if (allKnown && (error as { code?: unknown }).code === "23503") {
        // A remembered shop is gone (a foreign key failed): forget them all, write again in full.
        this.knownShops.clear();
        this.pending.unshift(...batch);
        return;
      }
      if (sqlClass === "40" && batch.every((p) => p.conflicts < 2)) {
        // Deadlock or serialization failure (PostgreSQL rolled the statement back): write them again.
        for (const p of batch) p.conflicts++;
        this.pending.unshift(...batch);
        return;
      }
      if (batch.length > 1 && sqlClass === "22") {
        // One delivery's body cannot be stored: find which, one by one (the others still succeed).
        await Promise.all(batch.map((p) => this.write([p])));
        return;
      }
      for (const p of batch) p.reject(error);
      return;
    }
    const first = new Set<string>();
    for (const row of rows) {
      const p = batch[row.n - 1];
      if (!p) continue;
      if (row.shop_id && !this.knownShops.has(shopKey(p.event))) {
        if (this.knownShops.size >= MAX_KNOWN_SHOPS) this.knownShops.clear();
        this.knownShops.set(shopKey(p.event), row.shop_id);
      }
      if (!row.shop_found) {
        // The shop row is being created by a concurrent statement: once more in the next batch.
        if (++p.shopMisses < 2) this.pending.push(p);
        else p.resolve(null);
        continue;
      }
      if (row.id === null || row.status === null) {
        p.resolve(null); // a concurrent first delivery of the same id is still being committed
        continue;
      }
      const key = `${p.event.provider}\u0000${p.event.deliveryId}`;
      const inserted = row.inserted && !first.has(key);
      first.add(key);
      p.resolve({ id: row.id, status: row.status, inserted });
    }
  }

  /** One delivery of a known shop: INBOX_ONE_SQL, and the existing row only when it was there already. */
  private async writeOne(e: NewWebhookEvent, shopId: string): Promise<BatchRow[]> {
    const inserted = await this.query(INBOX_ONE_SQL, [shopId, e.provider, e.deliveryId, e.topic, e.rawJson, e.triggeredAt ? e.triggeredAt.toISOString() : null]);
    if (inserted.length) return inserted;
    const existing = await this.query(INBOX_EXISTING_SQL, [shopId, e.provider, e.deliveryId]);
    return existing.length ? existing : [{ n: 1, shop_found: true, shop_id: shopId, id: null, status: null, inserted: false }];
  }
}

const shopKey = (e: NewWebhookEvent) => `${e.platform}\u0000${e.shopDomain}`;

function columns(events: NewWebhookEvent[]): unknown[] {
  return [
    events.map((e) => e.platform),
    events.map((e) => e.shopDomain),
    events.map((e) => e.provider),
    events.map((e) => e.deliveryId),
    events.map((e) => e.topic),
    // Each body is a checked JSON object (jsonObjectText): joined as they are into one JSON array,
    // nothing to escape (as a text[] element each body would be escaped by the driver, ~5 % of the CPU).
    `[${events.map((e) => e.rawJson).join(",")}]`,
    events.map((e) => (e.triggeredAt ? e.triggeredAt.toISOString() : null)),
  ];
}

function sqlStateClass(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code.slice(0, 2) : null;
}

const STATEMENT_NAMES = new Map([
  [INBOX_BATCH_SQL, "facto-inbox-batch"],
  [INBOX_KNOWN_SHOPS_SQL, "facto-inbox-known-shops"],
  [INBOX_ONE_SQL, "facto-inbox-one"],
  [INBOX_EXISTING_SQL, "facto-inbox-existing"],
]);

/** The statements on a `pg` pool, each prepared once per connection (named queries). */
export function pgBatchQuery(pool: pg.Pool): BatchQuery {
  return async (text, values) => (await pool.query<BatchRow>({ name: STATEMENT_NAMES.get(text), text, values })).rows;
}

declare global {
  // eslint-disable-next-line no-var
  var __factoInboxWriter: { writer: InboxBatchWriter; pool: pg.Pool } | undefined;
}

/** How the writer's connections are named in pg_stat_activity (the bench reads their CPU time). */
export const INBOX_WRITER_APPLICATION_NAME = "facto-inbox-writer";

/**
 * Opens the writer's connections now (the web process calls it at start-up): after a deploy the first
 * webhooks would otherwise wait for new PostgreSQL connections before their answers.
 */
export async function warmInboxWriter(databaseUrl: string): Promise<void> {
  processInboxWriter(databaseUrl);
  const { pool } = globalThis.__factoInboxWriter!;
  const clients = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
  for (const client of clients) client.release();
}

/** The web process's writer: its own small pool beside Prisma's, created on first use. */
export function processInboxWriter(databaseUrl: string): InboxBatchWriter {
  if (!globalThis.__factoInboxWriter) {
    const maxInFlight = 2;
    // Idle connections stay open (pg closes them after 10 s by default): a webhook after a quiet
    // spell would otherwise pay a new connection and the statement's preparation before its answer.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: maxInFlight, idleTimeoutMillis: 0, application_name: INBOX_WRITER_APPLICATION_NAME });
    pool.on("error", () => {}); // an idle connection's error: the next query reports it
    globalThis.__factoInboxWriter = { pool, writer: new InboxBatchWriter(pgBatchQuery(pool), { maxInFlight, timeline: ingestTimeline() }) };
  }
  return globalThis.__factoInboxWriter.writer;
}
