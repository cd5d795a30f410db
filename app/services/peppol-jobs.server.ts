import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import { accessPointProvider, peppolDiscovery } from "~/integrations/peppol/access-point-provider.server";
import { ensureJob, type Enqueue } from "~/queues.server";
import { queueDocumentEmail } from "./customer-emails.server";
import { importPeppolDocument } from "./import-peppol-document.server";
import { notifyMerchant } from "./notify-merchant.server";
import { checkPendingPeppolRegistration, type PendingCheck } from "./peppol-registration.server";
import { pollPeppolInbox } from "./poll-peppol-inbox.server";
import { sendPeppolDocument, type SendOutcome } from "./send-peppol-document.server";
import { annotateOrderAgain } from "./store-sync.server";

/** The PEPPOL jobs with the configured Access Point provider (decision 018); without one they do nothing. */

/** "peppol-send": one document over PEPPOL, exactly once; the e-mail is the fallback; the store's order shows the outcome. */
export async function deliverPeppolDocument(db: Db, invoiceId: string, enqueue: Enqueue): Promise<SendOutcome> {
  const provider = accessPointProvider();
  if (!provider) return { state: "SKIPPED", reason: "PEPPOL is not configured" };
  return sendPeppolDocument(db, invoiceId, {
    provider,
    discovery: peppolDiscovery(),
    now: () => new Date(),
    ttlHours: env().PEPPOL_LOOKUP_TTL_HOURS,
    queueEmail: async (id, kind) => {
      const { emailId } = await queueDocumentEmail(db, id, kind);
      if (emailId) await enqueue("send-email", { emailId });
    },
    notifyMerchant: (shopId, subject, text) => notifyMerchant(db, shopId, subject, text),
    onSettled: (id) => annotateOrderAgain(db, id),
  });
}

/** A document the provider received for the shop: fetched with Facto's credentials, stored and applied. */
export async function receivePeppolDocument(db: Db, shopId: string, providerDocumentId: string): Promise<string> {
  const provider = accessPointProvider();
  if (!provider) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "PEPPOL is not configured");
  return importPeppolDocument(db, shopId, providerDocumentId, {
    provider,
    notifyMerchant: (id, subject, text) => notifyMerchant(db, id, subject, text),
    onSettled: (invoiceId) => annotateOrderAgain(db, invoiceId),
  });
}

/**
 * Every shop that receives over PEPPOL through Facto gets its own "peppol-poll" job, and every shop
 * whose registration waits for the provider a "peppol-registration-check".
 */
export async function schedulePeppolPolls(db: Db): Promise<{ shops: number; pendingRegistrations: number } | { skipped: string }> {
  if (!accessPointProvider()) return { skipped: "PEPPOL is not configured" };
  const shops = await db.shop.findMany({ where: { peppolRegistration: "ACTIVE", peppolReceivingHere: true, uninstalledAt: null }, select: { id: true } });
  for (const shop of shops) await ensureJob("peppol-poll", { shopId: shop.id });
  const pending = await db.shop.findMany({ where: { peppolRegistration: "PENDING", peppolProviderCompanyId: { not: null }, uninstalledAt: null }, select: { id: true } });
  for (const shop of pending) await ensureJob("peppol-registration-check", { shopId: shop.id });
  return { shops: shops.length, pendingRegistrations: pending.length };
}

/** "peppol-registration-check": a registration waiting for the provider, asked again; the merchant told how it ended. */
export async function checkPeppolRegistration(db: Db, shopId: string): Promise<PendingCheck> {
  const provider = accessPointProvider();
  if (!provider) return { skipped: "PEPPOL is not configured" };
  return checkPendingPeppolRegistration(db, shopId, provider, (id, subject, text) => notifyMerchant(db, id, subject, text));
}

/** The shop's PEPPOL inbox at the provider: new documents go through Facto's inbox. */
export async function pollShopPeppolInbox(db: Db, shopId: string, enqueue: Enqueue): Promise<{ documents: number; new: number } | { skipped: string }> {
  const provider = accessPointProvider();
  if (!provider) return { skipped: "PEPPOL is not configured" };
  return pollPeppolInbox(db, shopId, provider, (eventId) => enqueue("process-webhook", { eventId }));
}
