import { prisma, type Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import { verifyShopifyHmac } from "~/integrations/shopify/verify-webhook-hmac.server";
import { SHOPIFY_TOPICS } from "~/integrations/shopify/webhook-topics";
import { enqueue } from "~/queues.server";
import { jsonObjectText, readWebhookBody, storeAndEnqueue, type IntakeResult } from "./webhook-intake.server";

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/;

export type ReceivedWebhook = IntakeResult;

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
  const rawBody = await readWebhookBody(request);
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
  const rawJson = jsonObjectText(rawBody);

  const triggeredAtHeader = request.headers.get("x-shopify-triggered-at");
  const triggeredAt = triggeredAtHeader ? new Date(triggeredAtHeader) : null;
  return storeAndEnqueue(
    deps.db,
    {
      platform: "SHOPIFY",
      shopDomain,
      provider: "SHOPIFY",
      deliveryId: webhookId,
      topic,
      rawJson,
      triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
    },
    deps.enqueueProcessing,
  );
}
