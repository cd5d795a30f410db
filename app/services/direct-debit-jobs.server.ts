import type { Db } from "~/db.server";
import { logger } from "~/logger.server";
import { ensureJob, type Enqueue } from "~/queues.server";
import { queueCustomerEmail } from "./customer-emails.server";
import { collectInvoice, readTwikeyFeeds, sendUnsentCollections, twikeyForShop } from "./direct-debit.server";
import { notifyMerchant } from "./notify-merchant.server";
import { paymentEffects } from "./payment-effects.server";

/**
 * Reads a shop's Twikey feeds (one reader per shop: readTwikeyFeeds holds a lease); what they say sets
 * off store syncs, collections and e-mails as jobs.
 */
export async function readShopTwikeyFeeds(db: Db, shopId: string, enqueue: Enqueue): Promise<{ mandates: number; transactions: number }> {
  const client = await twikeyForShop(db, shopId);
  if (!client) return { mandates: 0, transactions: 0 };
  // Collections Twikey queued but Facto never got to send to the bank (a job stopped in between).
  await sendUnsentCollections(db, shopId, client).catch((err: unknown) => logger.warn({ err, shopId }, "unsent Twikey collections could not be sent yet"));
  return readTwikeyFeeds(db, shopId, client, {
    effects: paymentEffects(db, enqueue),
    syncMandateToStore: async (mandateId) => {
      const m = await db.mandate.findUniqueOrThrow({ where: { id: mandateId }, select: { status: true, updatedAt: true } });
      await enqueue("sync-mandate-to-store", { mandateId, version: `${m.status}-${m.updatedAt.getTime()}` });
    },
    enqueueCollection: (invoiceId) => enqueue("twikey-collect", { invoiceId }),
    notifyMerchant: (id, subject, text) => notifyMerchant(db, id, subject, text),
  });
}

/** Every installed shop with Twikey gets its own "twikey-feeds" job. */
export async function scheduleTwikeyFeeds(db: Db): Promise<{ shops: number }> {
  const shops = await db.shop.findMany({ where: { twikeyApiKey: { not: null }, uninstalledAt: null }, select: { id: true } });
  for (const shop of shops) await ensureJob("twikey-feeds", { shopId: shop.id });
  return { shops: shops.length };
}

/** Collects an invoice through Twikey; the customer gets the SEPA pre-notification when the shop sends it. */
export function collectInvoiceWithNotice(db: Db, invoiceId: string, enqueue: Enqueue) {
  return collectInvoice(db, invoiceId, undefined, async (id) => {
    const { emailId } = await queueCustomerEmail(db, id, "COLLECTION_NOTICE");
    if (emailId) await enqueue("send-email", { emailId });
  });
}
