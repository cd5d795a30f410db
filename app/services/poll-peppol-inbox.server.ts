import type { Db } from "~/db.server";
import type { AccessPointProvider } from "~/integrations/peppol/access-point-provider";
import { storeAndEnqueue } from "./webhook-intake.server";

/**
 * The safety net for missed provider webhooks (Recommand calls each webhook once and never retries:
 * data/webhooks.ts callWebhooks): the provider's inbox of unread documents is read and every document
 * goes to Facto's inbox under the same delivery id a webhook would use, so a document announced
 * twice (webhook and poll) is processed once.
 */
export async function pollPeppolInbox(db: Db, shopId: string, provider: AccessPointProvider, enqueueProcessing: (eventId: string) => Promise<void>): Promise<{ documents: number; new: number }> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { platform: true, domain: true, peppolProviderCompanyId: true, peppolRegistration: true } });
  if (!shop.peppolProviderCompanyId || shop.peppolRegistration !== "ACTIVE") return { documents: 0, new: 0 };
  const inbox = await provider.listInbox(shop.peppolProviderCompanyId);
  let fresh = 0;
  for (const doc of inbox) {
    const stored = await storeAndEnqueue(
      db,
      { platform: shop.platform, shopDomain: shop.domain, provider: "PEPPOL", deliveryId: `${provider.name}:${doc.id}`, topic: "document.received", rawJson: JSON.stringify({ documentId: doc.id }), triggeredAt: null },
      enqueueProcessing,
    );
    if (!stored.duplicate) fresh++;
  }
  return { documents: inbox.length, new: fresh };
}
