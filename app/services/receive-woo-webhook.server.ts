import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import { verifyWooSignature } from "~/integrations/woocommerce/verify-webhook-signature.server";
import type { NewWebhookEvent, StoredWebhookEvent } from "~/models/webhook-event.server";
import { decryptSecret } from "~/utils/encryption.server";
import { jsonObjectText, storeAndEnqueue, type HeaderOf, type IntakeResult } from "./webhook-intake.server";

/** The WooCommerce topics Facto registers on a connected store. */
export const WOO_TOPICS = ["order.created", "order.updated", "order.deleted", "product.updated"] as const;

export type WooWebhookResult = IntakeResult | { ping: true };

/**
 * POST /webhooks/woocommerce/:connectionId (on the web server's fast path, app/webhook-fast-path.server.ts). WooCommerce first pings a new webhook with an unsigned
 * form body (`webhook_id=N`) that must get 200 (its time is kept on the connection); every other
 * delivery is verified with the connection's secret and goes the inbox → job path.
 *
 * Deduplicated on what the delivery carries — topic + sha256 of the body — not on
 * X-WC-Webhook-Delivery-ID: WooCommerce makes that id as `wp_hash( webhook id . strtotime('now') )`
 * (WC_Webhook::get_new_delivery_id), so two deliveries of one webhook in the same second (two
 * different orders) share it. The body is the resource as it is at delivery time
 * (WC_Webhook::build_payload), so an identical body is the same information.
 */
export async function receiveWooWebhook(
  rawBody: Buffer,
  header: HeaderOf,
  connectionId: string | undefined,
  deps: { db: Db; store: (event: NewWebhookEvent) => Promise<StoredWebhookEvent | null>; enqueueProcessing: (eventId: string) => Promise<void> },
): Promise<WooWebhookResult> {
  if (!connectionId || !/^[0-9a-f-]{36}$/i.test(connectionId)) throw new AppError("NOT_FOUND", "Unknown WooCommerce connection");
  const connection = await deps.db.wooConnection.findUnique({ where: { id: connectionId }, include: { shop: { select: { domain: true } } } });
  if (!connection || connection.disconnectedAt) throw new AppError("NOT_FOUND", "Unknown WooCommerce connection");

  const signature = header("x-wc-webhook-signature");
  const topic = header("x-wc-webhook-topic")?.trim().toLowerCase() ?? "";
  if (!signature && !topic && /^webhook_id=\d+$/.test(rawBody.toString("utf8").trim())) {
    await deps.db.wooConnection.update({ where: { id: connection.id }, data: { pingedAt: new Date() } });
    return { ping: true };
  }

  if (!verifyWooSignature(rawBody, signature, decryptSecret(connection.webhookSecret))) throw new AppError("UNAUTHORIZED", "Invalid webhook signature");
  if (!(WOO_TOPICS as readonly string[]).includes(topic)) throw new AppError("UNSUPPORTED_TOPIC", `Topic "${topic || "(missing)"}" is not handled by Facto`);
  const deliveryId = header("x-wc-webhook-delivery-id")?.trim() ?? "";
  if (!/^[\w.:-]{1,255}$/.test(deliveryId)) throw new AppError("BAD_REQUEST", "Missing or malformed X-WC-Webhook-Delivery-ID");
  const rawJson = jsonObjectText(rawBody);
  const bodyHash = createHash("sha256").update(rawBody).digest("hex");
  return storeAndEnqueue(
    deps.store,
    { platform: "WOOCOMMERCE", shopDomain: connection.shop.domain, provider: "WOOCOMMERCE", deliveryId: `${connection.id}:${topic}:${bodyHash}`, topic, rawJson, triggeredAt: null },
    deps.enqueueProcessing,
  );
}
