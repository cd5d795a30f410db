import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** base64(HMAC-SHA256(raw body, app secret)), as Shopify signs webhooks. */
export function signShopifyWebhook(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export interface SendShopifyWebhook {
  appUrl: string;
  topic: string;
  shop: string;
  body: string;
  secret: string;
  webhookId?: string;
  apiVersion?: string;
  triggeredAt?: string;
  /** Defaults to /webhooks/shopify/<topic>. */
  path?: string;
}

/** POSTs a webhook the way Shopify delivers it (headers, signature) and times the answer. */
export async function sendShopifyWebhook(w: SendShopifyWebhook): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${w.appUrl}${w.path ?? `/webhooks/shopify/${w.topic}`}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": w.topic,
      "X-Shopify-Hmac-Sha256": signShopifyWebhook(w.body, w.secret),
      "X-Shopify-Shop-Domain": w.shop,
      "X-Shopify-API-Version": w.apiVersion ?? "2026-10",
      "X-Shopify-Webhook-Id": w.webhookId ?? randomUUID(),
      "X-Shopify-Triggered-At": w.triggeredAt ?? new Date().toISOString(),
      "X-Shopify-Event-Id": randomUUID(),
    },
    body: w.body,
  });
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - started };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      topic: { type: "string", default: "orders/create" },
      file: { type: "string" },
      shop: { type: "string", default: "facto-demo.myshopify.com" },
      url: { type: "string", default: "http://127.0.0.1:3000" },
      "new-id": { type: "boolean", default: true },
    },
  });
  const secret = process.env.SHOPIFY_API_SECRET;
  if (!values.file || !secret) {
    process.stderr.write("usage: SHOPIFY_API_SECRET=... tsx tests/fakes/send-webhook.ts --topic orders/create --file order.json [--shop x.myshopify.com] [--url http://127.0.0.1:3000]\n");
    process.exit(2);
  }
  const payload = JSON.parse(readFileSync(values.file, "utf8"));
  if (values["new-id"] && values.topic.startsWith("orders/") && typeof payload.id === "number") {
    // A fresh order id each time, so that every send shows a new invoice.
    payload.id = Date.now();
    payload.admin_graphql_api_id = `gid://shopify/Order/${payload.id}`;
  }
  const result = await sendShopifyWebhook({ appUrl: values.url, topic: values.topic, shop: values.shop, body: JSON.stringify(payload), secret });
  process.stdout.write(`${values.topic} → HTTP ${result.status} in ${result.ms.toFixed(1)} ms ${result.body}\n`);
}

/** POSTs a WooCommerce webhook as a store delivers it (X-WC-Webhook-* headers, base64 HMAC-SHA256). */
export async function sendWooWebhook(w: { appUrl: string; connectionId: string; topic: string; body: string; secret: string; deliveryId?: string; source?: string }) {
  const [resource = "order", event = "created"] = w.topic.split(".");
  const response = await fetch(`${w.appUrl}/webhooks/woocommerce/${w.connectionId}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-WC-Webhook-Source": w.source ?? "https://shop.example.be/",
      "X-WC-Webhook-Topic": w.topic,
      "X-WC-Webhook-Resource": resource,
      "X-WC-Webhook-Event": event,
      "X-WC-Webhook-Signature": signShopifyWebhook(w.body, w.secret),
      "X-WC-Webhook-ID": "17",
      "X-WC-Webhook-Delivery-ID": w.deliveryId ?? String(Math.floor(Math.random() * 1e9)),
    },
    body: w.body,
  });
  return { status: response.status, body: await response.text() };
}
