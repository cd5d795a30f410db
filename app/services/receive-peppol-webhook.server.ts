import { prisma, type Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import type { AccessPointProvider } from "~/integrations/peppol/access-point-provider";
import { accessPointProvider } from "~/integrations/peppol/access-point-provider.server";
import { enqueue } from "~/queues.server";
import { jsonObjectText, readWebhookBody, storeAndEnqueue, type IntakeResult } from "./webhook-intake.server";

/**
 * POST /webhooks/peppol/:token — the Access Point provider says a document arrived for the shop
 * whose webhook token is in the URL. The provider verifies the call (signature, or the URL token for
 * providers that sign nothing — decision 018); a verified hint goes to the inbox like every webhook
 * (unique on provider + document id, so redeliveries collapse). Processing fetches the document from
 * the provider with Facto's credentials: nothing is taken from the webhook body but the id.
 */
export async function receivePeppolWebhook(
  request: Request,
  token: string | undefined,
  deps: { db: Db; provider: AccessPointProvider | null; enqueueProcessing: (eventId: string) => Promise<void> } = {
    db: prisma,
    provider: accessPointProvider(),
    enqueueProcessing: (eventId) => enqueue("process-webhook", { eventId }),
  },
): Promise<IntakeResult> {
  if (!deps.provider) throw new AppError("NOT_FOUND", "PEPPOL is not configured");
  if (!token || !/^[A-Za-z0-9_-]{20,64}$/.test(token)) throw new AppError("UNAUTHORIZED", "Unknown webhook");
  const shop = await deps.db.shop.findUnique({ where: { peppolWebhookToken: token }, select: { platform: true, domain: true, peppolWebhookToken: true, peppolProviderCompanyId: true } });
  if (!shop?.peppolWebhookToken) throw new AppError("UNAUTHORIZED", "Unknown webhook");
  const rawBody = jsonObjectText(await readWebhookBody(request));
  const hint = deps.provider.readWebhook({ headers: request.headers, rawBody, urlToken: token, expectedToken: shop.peppolWebhookToken });
  if (!hint) return { eventId: null, duplicate: false };
  if (hint.companyId && hint.companyId !== shop.peppolProviderCompanyId) throw new AppError("UNAUTHORIZED", "The document is not for this shop's company");
  return storeAndEnqueue(
    deps.db,
    {
      platform: shop.platform,
      shopDomain: shop.domain,
      provider: "PEPPOL",
      deliveryId: `${deps.provider.name}:${hint.providerDocumentId}`,
      topic: "document.received",
      rawJson: JSON.stringify({ documentId: hint.providerDocumentId }),
      triggeredAt: null,
    },
    deps.enqueueProcessing,
  );
}
