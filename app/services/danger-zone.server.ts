import type { Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import { logger } from "~/logger.server";
import { HoldReason, releaseHeldEvents } from "./held-orders.server";
import { recordAudit } from "./audit-log.server";

/** The reason an order waits in the inbox while the merchant paused invoicing. */
export const INVOICING_PAUSED = "Invoicing paused by the merchant";

export type DangerAction = "pause" | "resume" | "forget-keys" | "erase-customers";

/**
 * The settings' danger zone. Each action is confirmed by typing the shop's domain. Nothing here can
 * touch an issued invoice: invoices are the merchant's legal record (kept 10 years, numbers gapless).
 */
export async function runDangerAction(
  db: Db,
  shop: { id: string; domain: string },
  input: { action: string; confirm: string },
  requeue: (eventId: string) => Promise<void>,
  now = new Date(),
): Promise<string> {
  const message = await dangerAction(db, shop, input, requeue, now);
  await recordAudit(db, { shopId: shop.id, action: `danger zone: ${input.action}`, detail: message });
  return message;
}

async function dangerAction(
  db: Db,
  shop: { id: string; domain: string },
  input: { action: string; confirm: string },
  requeue: (eventId: string) => Promise<void>,
  now: Date,
): Promise<string> {
  if (input.confirm.trim().toLowerCase() !== shop.domain.toLowerCase()) {
    throw new AppError("BAD_REQUEST", `Type ${shop.domain} to confirm`);
  }
  switch (input.action as DangerAction) {
    case "pause":
      await db.shop.update({ where: { id: shop.id }, data: { invoicingPausedAt: now } });
      logger.warn({ shopId: shop.id }, "invoicing paused by the merchant");
      return "Invoicing is paused: new orders wait and are invoiced when you resume.";
    case "resume": {
      const waiting = await db.$transaction(async (tx) => {
        await tx.shop.update({ where: { id: shop.id }, data: { invoicingPausedAt: null } });
        return releaseHeldEvents(tx as unknown as Db, shop.id, [HoldReason.INVOICING_PAUSED]);
      });
      for (const id of waiting) await requeue(id);
      return `Invoicing resumed: ${waiting.length} waiting order(s) are being invoiced.`;
    }
    case "forget-keys":
      await db.shop.update({ where: { id: shop.id }, data: { mollieApiKey: null, twikeyApiKey: null, twikeyWebsiteKey: null, twikeyAutoCollect: false } });
      return "The Mollie and Twikey keys are deleted: online payment and direct debit are off until you enter keys again.";
    case "erase-customers": {
      const deleted = await db.customer.deleteMany({ where: { shopId: shop.id, invoices: { none: {} } } });
      return `${deleted.count} customer record(s) without invoices erased; customers on issued invoices are kept, as the law requires.`;
    }
    default:
      throw new AppError("BAD_REQUEST", "Unknown action");
  }
}
