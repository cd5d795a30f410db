import { AppError } from "~/errors/app-error";
import { verifyShopifyHmac } from "~/integrations/shopify/verify-webhook-hmac.server";
import { SHOPIFY_TOPICS } from "~/integrations/shopify/webhook-topics";
import type { NewWebhookEvent } from "~/models/webhook-event.server";
import { jsonObjectText, type HeaderOf } from "./webhook-intake.server";

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/;

/**
 * A Shopify delivery checked and turned into its inbox row — nothing is written here. A forged or
 * malformed request is rejected (AppError) before anything is written; the caller makes the row
 * durable before answering (app/webhook-fast-path.server.ts). `pathTopic` is the topic from the URL
 * (/webhooks/shopify/orders/create); it must match the signed X-Shopify-Topic header.
 */
export function shopifyInboxEvent(rawBody: Buffer, header: HeaderOf, pathTopic: string | undefined, secret: string): NewWebhookEvent {
  if (!verifyShopifyHmac(rawBody, header("x-shopify-hmac-sha256"), secret)) {
    throw new AppError("UNAUTHORIZED", "Invalid webhook signature");
  }

  const topic = header("x-shopify-topic")?.trim().toLowerCase() ?? "";
  const shopDomain = header("x-shopify-shop-domain")?.trim().toLowerCase() ?? "";
  const webhookId = header("x-shopify-webhook-id")?.trim() ?? "";
  if (!(SHOPIFY_TOPICS as readonly string[]).includes(topic)) {
    throw new AppError("UNSUPPORTED_TOPIC", `Topic "${topic || "(missing)"}" is not handled by Facto`);
  }
  if (pathTopic !== undefined && pathTopic.toLowerCase() !== topic) {
    throw new AppError("BAD_REQUEST", `Topic header "${topic}" does not match the URL topic "${pathTopic}"`);
  }
  if (!SHOP_DOMAIN.test(shopDomain)) throw new AppError("BAD_REQUEST", "Missing or malformed X-Shopify-Shop-Domain");
  if (!/^[\w.:-]{1,255}$/.test(webhookId)) throw new AppError("BAD_REQUEST", "Missing or malformed X-Shopify-Webhook-Id");
  const rawJson = jsonObjectText(rawBody);

  const triggeredAtHeader = header("x-shopify-triggered-at");
  const triggeredAt = triggeredAtHeader ? new Date(triggeredAtHeader) : null;
  return {
    platform: "SHOPIFY",
    shopDomain,
    provider: "SHOPIFY",
    deliveryId: webhookId,
    topic,
    rawJson,
    triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
  };
}
