import { randomUUID } from "node:crypto";
import { prisma, type Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import { verifyTwikeyWebhook } from "~/integrations/twikey/twikey-client.server";
import { enqueue } from "~/queues.server";
import { decryptSecret } from "~/utils/encryption.server";
import { storeAndEnqueue, type IntakeResult } from "./webhook-intake.server";

/**
 * GET /webhooks/twikey/:shopId?type=…&… — Twikey's webhook: a query string signed with X-Signature
 * (HMAC-SHA256 with the shop's API key over the URL-decoded query). A verified call goes to the inbox
 * like every webhook; processing it reads the feeds (the webhook itself is only a trigger).
 */
export async function receiveTwikeyWebhook(
  request: Request,
  shopId: string | undefined,
  deps: { db: Db; enqueueProcessing: (eventId: string) => Promise<void> } = { db: prisma, enqueueProcessing: (eventId) => enqueue("process-webhook", { eventId }) },
): Promise<IntakeResult> {
  if (!shopId || !/^[0-9a-f-]{36}$/i.test(shopId)) throw new AppError("NOT_FOUND", "Unknown shop");
  const shop = await deps.db.shop.findUnique({ where: { id: shopId }, select: { platform: true, domain: true, twikeyApiKey: true } });
  if (!shop?.twikeyApiKey) throw new AppError("NOT_FOUND", "Unknown shop");
  const rawQuery = new URL(request.url).search.replace(/^\?/, "");
  if (rawQuery.length > 4096) throw new AppError("PAYLOAD_TOO_LARGE", "Query string too long");
  if (!verifyTwikeyWebhook(rawQuery, decryptSecret(shop.twikeyApiKey), request.headers.get("x-signature"))) throw new AppError("UNAUTHORIZED", "Invalid X-Signature");
  const params = Object.fromEntries(new URLSearchParams(rawQuery));
  return storeAndEnqueue(
    deps.db,
    { platform: shop.platform, shopDomain: shop.domain, provider: "TWIKEY", deliveryId: `twikey:${randomUUID()}`, topic: params.type === "event" ? "event" : "feed", rawJson: JSON.stringify(params), triggeredAt: null },
    deps.enqueueProcessing,
  );
}
