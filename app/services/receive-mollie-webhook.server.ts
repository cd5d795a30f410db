import { randomUUID } from "node:crypto";
import { prisma, type Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import { enqueue } from "~/queues.server";
import { readWebhookBody, storeAndEnqueue, type IntakeResult } from "./webhook-intake.server";

/**
 * POST /webhooks/mollie/:shopId with the form body `id=tr_…`. Mollie signs nothing: the id is only a
 * hint that payment tr_… changed, and the worker fetches the payment with the shop's own key before
 * believing anything. Each call is its own inbox row (Mollie calls once per status change, and a
 * retry of the same change is harmless because the state is fetched).
 */
export async function receiveMollieWebhook(
  request: Request,
  shopId: string | undefined,
  deps: { db: Db; enqueueProcessing: (eventId: string) => Promise<void> } = { db: prisma, enqueueProcessing: (eventId) => enqueue("process-webhook", { eventId }) },
): Promise<IntakeResult> {
  const rawBody = await readWebhookBody(request);
  if (!shopId || !/^[0-9a-f-]{36}$/i.test(shopId)) throw new AppError("NOT_FOUND", "Unknown shop");
  const shop = await deps.db.shop.findUnique({ where: { id: shopId }, select: { platform: true, domain: true, mollieApiKey: true } });
  if (!shop || !shop.mollieApiKey) throw new AppError("NOT_FOUND", "Unknown shop");
  const id = new URLSearchParams(rawBody.toString("utf8")).get("id")?.trim() ?? "";
  if (!/^tr_[A-Za-z0-9]{1,64}$/.test(id)) throw new AppError("BAD_REQUEST", "Expected a form body id=tr_… (a Mollie payment id)");
  return storeAndEnqueue(
    deps.db,
    { platform: shop.platform, shopDomain: shop.domain, provider: "MOLLIE", deliveryId: `${id}:${randomUUID()}`, topic: "payment", rawJson: JSON.stringify({ id }), triggeredAt: null },
    deps.enqueueProcessing,
  );
}
