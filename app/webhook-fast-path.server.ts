import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "~/db.server";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import { logger } from "~/logger.server";
import type { NewWebhookEvent, StoredWebhookEvent } from "~/models/webhook-event.server";
import { enqueueMany, getQueue, JobQueue } from "~/queues.server";
import { processInboxWriter, warmInboxWriter } from "~/services/inbox-batch-writer.server";
import { ingestTimeline, type IngestTimeline } from "~/services/ingest-timeline.server";
import { shopifyInboxEvent } from "~/services/receive-shopify-webhook.server";
import { receiveWooWebhook } from "~/services/receive-woo-webhook.server";
import { MAX_WEBHOOK_BYTES, storeAndEnqueue, type HeaderOf } from "~/services/webhook-intake.server";
import { errorResponse } from "~/utils/error-response.server";
import { responseSecurityHeaders } from "~/utils/security-headers.server";

/**
 * The one door for the stores' webhooks — `POST /webhooks/shopify/<topic>` (every subscription of
 * shopify.app.toml) and `POST /webhooks/woocommerce/<connection id>` — taken by the web server on
 * Node's own request event, before Express and Remix (app/web-server.ts; in `npm run dev` a Vite
 * middleware, vite.config.ts): read the body (MAX_WEBHOOK_BYTES), verify the signature, check the
 * delivery, make its row durable in the inbox (group commit: app/services/inbox-batch-writer.server.ts),
 * answer. The job is enqueued right after without holding the answer — a lost enqueue is found by the
 * inbox reconciler (docs/decisions/009-webhook-fast-path.md, 023-fast-ingest.md).
 */
export interface WebhookIngestDeps {
  shopifySecret: () => string;
  /** Makes one delivery durable (resolves after its commit). */
  store: (event: NewWebhookEvent) => Promise<StoredWebhookEvent | null>;
  /** WooCommerce's connection look-up and ping. */
  db: Db;
  /** Fire and forget: the answer never waits for Redis. */
  enqueueProcessing: (eventId: string) => void;
  production: boolean;
  /** Per-request phase times for the bench (INGEST_TIMELINE=1); null: nothing recorded. */
  timeline?: IngestTimeline | null;
}

const SHOPIFY = "/webhooks/shopify/";
const WOOCOMMERCE = "/webhooks/woocommerce/";

export function createWebhookIngest(deps: WebhookIngestDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const security = Object.entries(responseSecurityHeaders("/webhooks", { production: deps.production }));
  const enqueueLater = (eventId: string) => {
    deps.enqueueProcessing(eventId);
    return Promise.resolve();
  };
  const answer = (res: ServerResponse, status: number, body: string) => {
    if (res.headersSent || res.destroyed) return;
    for (const [name, value] of security) res.setHeader(name, value);
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.statusCode = status;
    res.end(body);
  };
  const fail = async (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    const response = errorResponse(error);
    if (response.status === 413) res.setHeader("Connection", "close"); // the rest of a too large body is not read
    answer(res, response.status, await response.text());
    if (response.status === 413) res.once("finish", () => req.destroy());
  };

  async function deliver(req: IncomingMessage, res: ServerResponse, path: string) {
    const timeline = deps.timeline;
    const arrived = timeline ? performance.now() : 0;
    const marks = { bodyRead: 0, checked: 0, stored: 0 };
    try {
      const rawBody = await readBody(req);
      if (timeline) marks.bodyRead = performance.now();
      const header: HeaderOf = (name) => {
        const value = req.headers[name];
        return typeof value === "string" ? value : Array.isArray(value) ? value.join(", ") : null;
      };
      const store: WebhookIngestDeps["store"] = timeline
        ? async (event) => {
            marks.checked = performance.now();
            const stored = await deps.store(event);
            marks.stored = performance.now();
            return stored;
          }
        : deps.store;
      const result = path.startsWith(SHOPIFY)
        ? await storeAndEnqueue(store, shopifyInboxEvent(rawBody, header, decode(path.slice(SHOPIFY.length)), deps.shopifySecret()), enqueueLater)
        : await receiveWooWebhook(rawBody, header, decode(path.slice(WOOCOMMERCE.length)), { db: deps.db, store, enqueueProcessing: enqueueLater });
      answer(res, 200, JSON.stringify({ ok: true, ...result }));
      if (timeline && marks.stored) timeline.request(arrived, marks.bodyRead, marks.checked, marks.stored, performance.now());
    } catch (error) {
      await fail(req, res, error);
    }
  }

  return (req, res) => {
    const url = req.url ?? "";
    if (!url.startsWith(SHOPIFY) && !url.startsWith(WOOCOMMERCE)) return false;
    const query = url.indexOf("?");
    const path = query < 0 ? url : url.slice(0, query);
    if (req.method !== "POST") {
      req.resume();
      void fail(req, res, new AppError("METHOD_NOT_ALLOWED", "Webhooks must be POSTed"));
      return true;
    }
    void deliver(req, res, path);
    return true;
  };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment) || undefined;
  } catch {
    return undefined;
  }
}

/** The raw body, refused beyond MAX_WEBHOOK_BYTES (by its Content-Length first, then by what arrives). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? "0") > MAX_WEBHOOK_BYTES) {
      reject(new AppError("PAYLOAD_TOO_LARGE", `Body larger than ${MAX_WEBHOOK_BYTES} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) {
        req.removeAllListeners("data");
        req.pause();
        reject(new AppError("PAYLOAD_TOO_LARGE", `Body larger than ${MAX_WEBHOOK_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once("error", reject);
    // A client gone before the end of its body: nothing to store, nobody to answer.
    req.once("close", () => {
      if (!req.complete) reject(new AppError("BAD_REQUEST", "The request ended before its body"));
    });
  });
}

let processIngest: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;

/**
 * The processing jobs of the deliveries stored within ENQUEUE_WINDOW_MS of each other go to Redis
 * together, in one enqueueMany (plain adds for a few, one addBulk for many: app/queues.server.ts).
 * The answers never wait for it; a lost enqueue is the reconciler's. One job per webhook was ~15 % of the web process's CPU at 500 webhooks/s (BullMQ's
 * job building and one socket write each) and as much again in Redis (decision 031, addendum 3);
 * the window adds at most 10 ms to an order's way to its invoice.
 */
export const ENQUEUE_WINDOW_MS = 10;
const ENQUEUE_BATCH_MAX = 256;

export function batchedEnqueue(send: (eventIds: string[]) => Promise<void>, windowMs = ENQUEUE_WINDOW_MS): (eventId: string) => void {
  let ids: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = ids;
    ids = [];
    send(batch).catch((err: unknown) => logger.warn({ err, eventIds: batch }, "could not enqueue webhook processing; the reconciler will pick it up"));
  };
  return (eventId) => {
    ids.push(eventId);
    if (ids.length >= ENQUEUE_BATCH_MAX) flush();
    else if (!timer) timer = setTimeout(flush, windowMs);
  };
}

/** The web process's handler (app/web-server.ts): false when the request is not a webhook of a store. */
export function handleWebhookDelivery(req: IncomingMessage, res: ServerResponse): boolean {
  processIngest ??= createWebhookIngest({
    shopifySecret: () => env().SHOPIFY_API_SECRET,
    store: (event) => processInboxWriter(env().DATABASE_URL).store(event),
    db: prisma,
    enqueueProcessing: batchedEnqueue((eventIds) => enqueueMany("process-webhook", eventIds.map((eventId) => ({ eventId })))),
    production: process.env.NODE_ENV === "production",
    timeline: ingestTimeline(),
  });
  return processIngest(req, res);
}

/**
 * The web process calls this at start-up: the inbox writer's PostgreSQL connections and the Redis
 * connection of the webhook jobs' queue are opened before the first webhook arrives instead of by it.
 * A failure is logged; the first webhook tries again (and answers 5xx if PostgreSQL is still away).
 */
export async function warmWebhookDoor(): Promise<void> {
  try {
    await Promise.all([warmInboxWriter(env().DATABASE_URL), getQueue(JobQueue["process-webhook"]).waitUntilReady()]);
  } catch (err) {
    logger.warn({ err }, "could not open the webhook inbox's connections at start-up; the first webhook will try again");
  }
}
