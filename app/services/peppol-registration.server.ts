import { randomBytes } from "node:crypto";
import type { Db } from "~/db.server";
import { deriveParticipantId } from "~/domain/peppol/participant-id";
import { AppError, isAppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import type { AccessPointProvider } from "~/integrations/peppol/access-point-provider";
import { env } from "~/env.server";

/**
 * The merchant's own company on PEPPOL, through the provider (docs/decisions/018): registered to
 * send and receive there, or — when it already receives through another Access Point — registered
 * to send only (the provider's `isSmpRecipient: false`). The provider asks for an identity check
 * first: PENDING with the link until the provider says verified, then ACTIVE. A refusal is FAILED
 * with the provider's reason.
 */
export async function registerPeppolCompany(db: Db, shop: Shop, provider: AccessPointProvider, options: { receivingHere: boolean }) {
  if (!shop.legalName || !shop.street || !shop.postalCode || !shop.city) {
    throw new AppError("SHOP_SETTINGS_INCOMPLETE", "Fill in your company's name and address in Settings first");
  }
  const own = deriveParticipantId({ country: shop.countryCode, vatNumber: shop.vatNumber, enterpriseNumber: shop.enterpriseNumber });
  if (!own.ok) throw new AppError("SHOP_SETTINGS_INCOMPLETE", `Your company has no valid PEPPOL id: ${own.reason}`);
  try {
    const registration = await provider.registerCompany({
      name: shop.legalName,
      street: shop.street,
      postalCode: shop.postalCode,
      city: shop.city,
      countryCode: shop.countryCode,
      vatNumber: shop.vatNumber,
      enterpriseNumber: shop.enterpriseNumber,
      email: shop.email,
      receiving: options.receivingHere,
    });
    const token = shop.peppolWebhookToken ?? randomBytes(24).toString("base64url");
    // Recorded first: a failure after this point never leaves a company at the provider unknown to Facto.
    const updated = await db.shop.update({
      where: { id: shop.id },
      data: {
        peppolRegistration: registration.state,
        peppolReceivingHere: options.receivingHere,
        peppolProviderCompanyId: registration.companyId,
        peppolRegistrationUrl: registration.verificationUrl,
        peppolRegistrationError: null,
        peppolRegistrationCheckedAt: new Date(),
        peppolWebhookToken: token,
      },
    });
    if (options.receivingHere) {
      // Documents for the merchant arrive by the provider's webhook.
      await provider.registerWebhook({ companyId: registration.companyId, url: `${env().SHOPIFY_APP_URL.replace(/\/+$/, "")}/webhooks/peppol/${token}` });
    }
    return updated;
  } catch (error) {
    if (isAppError(error) && !error.retryable) {
      return db.shop.update({ where: { id: shop.id }, data: { peppolRegistration: "FAILED", peppolRegistrationError: error.message, peppolRegistrationCheckedAt: new Date() } });
    }
    throw error;
  }
}

/** Asks the provider again (the merchant finished the identity check, or to show the current state). */
export async function refreshPeppolRegistration(db: Db, shop: Shop, provider: AccessPointProvider) {
  if (!shop.peppolProviderCompanyId) return shop;
  const registration = await provider.getCompany(shop.peppolProviderCompanyId);
  return db.shop.update({
    where: { id: shop.id },
    data: {
      peppolRegistration: registration.state,
      peppolRegistrationUrl: registration.state === "ACTIVE" ? null : (registration.verificationUrl ?? shop.peppolRegistrationUrl),
      peppolRegistrationCheckedAt: new Date(),
    },
  });
}
