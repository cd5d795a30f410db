import type { Db } from "~/db.server";
import type { ShopSettingsInput } from "~/domain/shop/shop-settings";
import { env } from "~/env.server";
import { createViesClient, type ViesClient } from "~/integrations/vies/vies-client.server";
import { logger } from "~/logger.server";
import { HoldReason, releaseHeldEvents } from "./held-orders.server";

export const SETTINGS_INCOMPLETE_PREFIX = "Invoice data incomplete";

/**
 * Saves the merchant's company settings. Orders that arrived while the settings were incomplete
 * were kept in the inbox (FAILED, holdReason INVOICE_DATA_INCOMPLETE): they are put back to be invoiced
 * now. Orders held for a VAT mismatch (OSS is one of these settings) are checked again: invoiced when
 * the VAT now agrees, held again with the new explanation otherwise (decision 017).
 */
export async function updateShopSettings(
  db: Db,
  shopId: string,
  input: ShopSettingsInput & { ossDestinationTaxation: boolean; creditNoteSeries: boolean; accentColor: string; logo?: Uint8Array<ArrayBuffer>; logoContentType?: string },
  requeue: (eventId: string) => Promise<void>,
): Promise<{ requeued: number }> {
  const waiting = await db.$transaction(async (tx) => {
    await tx.shop.update({ where: { id: shopId }, data: input });
    return releaseHeldEvents(tx as unknown as Db, shopId, [HoldReason.INVOICE_DATA_INCOMPLETE, HoldReason.VAT_MISMATCH]);
  });
  for (const id of waiting) await requeue(id);
  logger.info({ shopId, requeued: waiting.length }, "shop settings saved");
  return { requeued: waiting.length };
}

/** The seller's VAT number checked in VIES (the configured service): what the settings pages call. */
export function checkSellerVatInVies(vatNumber: string) {
  return checkSellerVatNumber(vatNumber, createViesClient({ baseUrl: env().VIES_BASE_URL }));
}

/**
 * The seller's own VAT number, checked in VIES when the merchant enters it: a number VIES does not
 * know is refused (customers' accountants would reject the invoices); when VIES cannot answer now the
 * settings are saved with a warning.
 */
export async function checkSellerVatNumber(vatNumber: string, vies: Pick<ViesClient, "checkVatNumber">): Promise<{ error?: string; warning?: string; registeredName?: string }> {
  try {
    const result = await vies.checkVatNumber(vatNumber);
    if (result.status === "invalid") return { error: `VIES does not know ${result.countryCode}${result.vatNumber} as an active VAT number${result.reason ? ` (${result.reason})` : ""}` };
    return result.name ? { registeredName: result.name } : {};
  } catch (error) {
    logger.warn({ err: error }, "VIES could not check the seller's VAT number");
    return { warning: "VIES could not be reached to check your VAT number; saved anyway — check it later" };
  }
}
