import type { Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import { logger } from "~/logger.server";
import { storeWebhookEvent, type NewWebhookEvent, type StoredWebhookEvent } from "~/models/webhook-event.server";

/** What every webhook endpoint does after its own signature check: read, parse, store, enqueue. */
/** The one body limit of every webhook (the fast path in app/webhook-fast-path.server.ts and the Remix routes). */
export const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

/** A request header by its lower-case name (a web Request's or a Node request's). */
export type HeaderOf = (name: string) => string | null;

export async function readWebhookBody(request: Request): Promise<Buffer> {
  if (request.method !== "POST") throw new AppError("METHOD_NOT_ALLOWED", "Webhooks must be POSTed");
  if (Number(request.headers.get("content-length") ?? "0") > MAX_WEBHOOK_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `Body larger than ${MAX_WEBHOOK_BYTES} bytes`);
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_WEBHOOK_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `Body larger than ${MAX_WEBHOOK_BYTES} bytes`);
  return body;
}

/** The body as a JSON object (the text is kept: Postgres stores it exactly). */
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function jsonObjectText(body: Buffer): string {
  let text: string;
  try {
    // Invalid UTF-8 would otherwise be stored with replacement characters: a silently changed order.
    text = utf8.decode(body);
  } catch {
    throw new AppError("BAD_REQUEST", "Body is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new AppError("BAD_REQUEST", "Body must be a JSON object");
  if (text.includes("\\u0000")) throw new AppError("BAD_REQUEST", "Body contains NUL characters");
  return text;
}

export interface IntakeResult {
  eventId: string | null;
  duplicate: boolean;
}

/**
 * Makes the verified event durable in the inbox, then enqueues its processing. A failed enqueue is
 * logged, not fatal: the row is durable and the reconciler enqueues it later.
 */
export async function storeAndEnqueue(
  db: Db | ((event: NewWebhookEvent) => Promise<StoredWebhookEvent | null>),
  event: NewWebhookEvent,
  enqueueProcessing: (eventId: string) => Promise<void>,
): Promise<IntakeResult> {
  // The web process's fast path passes its group-commit writer (app/services/inbox-batch-writer.server.ts).
  const stored = typeof db === "function" ? await db(event) : await storeWebhookEvent(db, event);
  // One log call per outcome (no child logger per request: this runs for every webhook).
  const fields = { shop: event.shopDomain, provider: event.provider, topic: event.topic, deliveryId: event.deliveryId, eventId: stored?.id };
  if (!stored) {
    logger.info(fields, "webhook redelivered while its first delivery is being stored");
    return { eventId: null, duplicate: true };
  }
  if (stored.status === "RECEIVED") {
    try {
      await enqueueProcessing(stored.id);
    } catch (error) {
      logger.warn({ ...fields, err: error }, "could not enqueue webhook processing; the reconciler will pick it up");
    }
  }
  logger.info({ ...fields, duplicate: !stored.inserted }, stored.inserted ? "webhook stored" : "duplicate webhook delivery");
  return { eventId: stored.id, duplicate: !stored.inserted };
}
