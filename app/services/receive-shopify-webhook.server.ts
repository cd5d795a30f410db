import { prisma, type Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import { verifyShopifyHmac } from "~/integrations/shopify/verify-webhook-hmac.server";
import { SHOPIFY_TOPICS } from "~/integrations/shopify/webhook-topics";
import { logger } from "~/logger.server";
import { storeWebhookEvent } from "~/models/webhook-event.server";
import { enqueue } from "~/queues.server";


const MAX_BODY_BYTES = 2 * 1024 * 1024;
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/;

export interface ReceivedWebhook {
  eventId: string | null;
  duplicate: boolean;
}

export interface ReceiveDeps {
  db: Db;
  secret: string;
  enqueueProcessing: (eventId: string) => Promise<void>;
}

function defaultDeps(): ReceiveDeps {
  return {
    db: prisma,
    secret: env().SHOPIFY_API_SECRET,
    enqueueProcessing: (eventId) => enqueue("process-webhook", { eventId }),
  };
}

/**
 * Verify, persist, enqueue — nothing else happens in the request. A forged or malformed request
 * is rejected before anything is written; a verified one is durable in the inbox before we answer.
 * `pathTopic` is the topic from the URL (/webhooks/shopify/orders/create); it must match the
 * signed X-Shopify-Topic header.
 */
export async function receiveShopifyWebhook(
  request: Request,
  pathTopic: string | undefined,
  deps: ReceiveDeps = defaultDeps(),
): Promise<ReceivedWebhook> {
  if (request.method !== "POST") throw new AppError("METHOD_NOT_ALLOWED", "Webhooks must be POSTed");
  const declaredLength = Number(request.headers.get("content-length") ?? "0");
  if (declaredLength > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `Body larger than ${MAX_BODY_BYTES} bytes`);
  const rawBody = Buffer.from(await request.arrayBuffer());
  if (rawBody.length > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `Body larger than ${MAX_BODY_BYTES} bytes`);

  if (!verifyShopifyHmac(rawBody, request.headers.get("x-shopify-hmac-sha256"), deps.secret)) {
    throw new AppError("UNAUTHORIZED", "Invalid webhook signature");
  }

  const topic = request.headers.get("x-shopify-topic")?.trim().toLowerCase() ?? "";
  const shopDomain = request.headers.get("x-shopify-shop-domain")?.trim().toLowerCase() ?? "";
  const webhookId = request.headers.get("x-shopify-webhook-id")?.trim() ?? "";
  if (!(SHOPIFY_TOPICS as readonly string[]).includes(topic)) {
    throw new AppError("UNSUPPORTED_TOPIC", `Topic "${topic || "(missing)"}" is not handled by Facto`);
  }
  if (pathTopic !== undefined && pathTopic.toLowerCase() !== topic) {
    throw new AppError("BAD_REQUEST", `Topic header "${topic}" does not match the URL topic "${pathTopic}"`);
  }
  if (!SHOP_DOMAIN.test(shopDomain)) throw new AppError("BAD_REQUEST", "Missing or malformed X-Shopify-Shop-Domain");
  if (!/^[\w.:-]{1,255}$/.test(webhookId)) throw new AppError("BAD_REQUEST", "Missing or malformed X-Shopify-Webhook-Id");

  const text = rawBody.toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new AppError("BAD_REQUEST", "Body must be a JSON object");
  }
  if (text.includes("\\u0000")) throw new AppError("BAD_REQUEST", "Body contains NUL characters");

  const triggeredAtHeader = request.headers.get("x-shopify-triggered-at");
  const triggeredAt = triggeredAtHeader ? new Date(triggeredAtHeader) : null;

  const stored = await storeWebhookEvent(deps.db, {
    platform: "SHOPIFY",
    shopDomain,
    provider: "SHOPIFY",
    deliveryId: webhookId,
    topic,
    rawJson: text,
    triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
  });
  const log = logger.child({ shop: shopDomain, topic, webhookId, eventId: stored?.id });
  if (!stored) {
    log.info("webhook redelivered while its first delivery is being stored");
    return { eventId: null, duplicate: true };
  }
  if (stored.status === "RECEIVED") {
    // Durable already: if Redis is away the reconciler enqueues it later, so we still answer 200.
    try {
      await deps.enqueueProcessing(stored.id);
    } catch (error) {
      log.warn({ err: error }, "could not enqueue webhook processing; the reconciler will pick it up");
    }
  }
  log.info({ duplicate: !stored.inserted }, stored.inserted ? "webhook stored" : "duplicate webhook delivery");
  return { eventId: stored.id, duplicate: !stored.inserted };
}
