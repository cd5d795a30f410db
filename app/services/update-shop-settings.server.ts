import type { Db } from "~/db.server";
import type { ShopSettingsInput } from "~/domain/shop/shop-settings";
import { logger } from "~/logger.server";

export const SETTINGS_INCOMPLETE_PREFIX = "Invoice data incomplete";

/**
 * Saves the merchant's company settings. Orders that arrived while the settings were incomplete
 * were kept in the inbox (FAILED with the reason): they are put back to be invoiced now.
 */
export async function updateShopSettings(
  db: Db,
  shopId: string,
  input: ShopSettingsInput & { ossDestinationTaxation: boolean; creditNoteSeries: boolean; accentColor: string; logo?: Uint8Array<ArrayBuffer>; logoContentType?: string },
  requeue: (eventId: string) => Promise<void>,
): Promise<{ requeued: number }> {
  const waiting = await db.$transaction(async (tx) => {
    await tx.shop.update({ where: { id: shopId }, data: input });
    const blocked = await tx.webhookEvent.findMany({
      where: { shopId, status: "FAILED", lastError: { startsWith: SETTINGS_INCOMPLETE_PREFIX } },
      select: { id: true },
    });
    await tx.webhookEvent.updateMany({ where: { id: { in: blocked.map((e) => e.id) } }, data: { status: "RECEIVED", processedAt: null } });
    return blocked;
  });
  for (const e of waiting) await requeue(e.id);
  logger.info({ shopId, requeued: waiting.length }, "shop settings saved");
  return { requeued: waiting.length };
}
