import { randomBytes } from "node:crypto";
import type { Db } from "~/db.server";
import { deriveParticipantId } from "~/domain/peppol/participant-id";
import { AppError, isAppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import type { AccessPointProvider, CompanyRegistration, CompanyRegistrationInput } from "~/integrations/peppol/access-point-provider";
import { env } from "~/env.server";

/**
 * The merchant's own company on PEPPOL, through the provider (docs/decisions/018, 026): registered to
 * send and receive there, or — when it already receives through another Access Point — registered
 * to send only (the provider's `isSmpRecipient: false`). The provider asks for an identity check
 * first: PENDING with the link until the provider says verified, then ACTIVE. A refusal is FAILED
 * with the provider's reason; the merchant corrects their settings and registers again.
 *
 * Registering again never makes a second company at the provider: the company recorded on an earlier
 * attempt is reused (its details corrected, its identity check restarted), and without a recorded one
 * the provider is asked whether it already holds a company with these numbers (an attempt whose
 * answer was lost) before a new one is created. The company id is recorded before anything else can
 * fail, so a failed webhook registration leaves FAILED with the company known, and the retry reuses it.
 */
export async function registerPeppolCompany(db: Db, shop: Shop, provider: AccessPointProvider, options: { receivingHere: boolean }) {
  if (!shop.legalName || !shop.street || !shop.postalCode || !shop.city) {
    throw new AppError("SHOP_SETTINGS_INCOMPLETE", "Fill in your company's name and address in Settings first");
  }
  const own = deriveParticipantId({ country: shop.countryCode, vatNumber: shop.vatNumber, enterpriseNumber: shop.enterpriseNumber });
  if (!own.ok) throw new AppError("SHOP_SETTINGS_INCOMPLETE", `Your company has no valid PEPPOL id: ${own.reason}`);
  const input: CompanyRegistrationInput = {
    name: shop.legalName,
    street: shop.street,
    postalCode: shop.postalCode,
    city: shop.city,
    countryCode: shop.countryCode,
    vatNumber: shop.vatNumber,
    enterpriseNumber: shop.enterpriseNumber,
    email: shop.email,
    receiving: options.receivingHere,
  };
  const failed = (reason: string) =>
    db.shop.update({ where: { id: shop.id }, data: { peppolRegistration: "FAILED", peppolRegistrationError: reason, peppolRegistrationUrl: null, peppolRegistrationCheckedAt: new Date() } });

  let registration: CompanyRegistration;
  try {
    const existing = await existingCompany(db, shop, provider, own.id.scheme === "0208" ? own.id.value : null);
    if (existing) {
      registration = existing;
      if (differs(existing, input, own.id.scheme === "0208" ? own.id.value : null)) registration = await provider.updateCompany(existing.companyId, input);
      if (registration.state !== "ACTIVE") {
        // A new identity check: the earlier one may have ended in a refusal.
        const { verificationUrl } = await provider.restartVerification(existing.companyId);
        registration = { ...registration, state: "PENDING", verificationUrl };
      }
    } else {
      registration = await provider.registerCompany(input);
    }
  } catch (error) {
    if (isAppError(error) && !error.retryable) return failed(error.message);
    throw error;
  }

  const token = shop.peppolWebhookToken ?? randomBytes(24).toString("base64url");
  // Recorded first: a failure after this point never leaves a company at the provider unknown to Facto.
  const updated = await db.shop.update({
    where: { id: shop.id },
    data: {
      peppolRegistration: registration.state === "ACTIVE" ? "ACTIVE" : "PENDING",
      peppolReceivingHere: options.receivingHere,
      peppolProviderCompanyId: registration.companyId,
      peppolRegistrationUrl: registration.verificationUrl,
      peppolRegistrationError: null,
      peppolRegistrationCheckedAt: new Date(),
      peppolWebhookToken: token,
    },
  });
  if (options.receivingHere) {
    // Documents for the merchant arrive by the provider's webhook (registered once per URL).
    try {
      await provider.registerWebhook({ companyId: registration.companyId, url: `${env().SHOPIFY_APP_URL.replace(/\/+$/, "")}/webhooks/peppol/${token}` });
    } catch (error) {
      if (!isAppError(error)) throw error;
      return failed(`Your company is registered at ${provider.name}, but the address where it announces received documents could not be set up (${error.message}). Register again to finish — the same registration is used.`);
    }
  }
  return updated;
}

/** The company this shop already has at the provider: the one recorded, else one holding the shop's numbers that no other shop uses. */
async function existingCompany(db: Db, shop: Shop, provider: AccessPointProvider, enterpriseNumber: string | null): Promise<CompanyRegistration | null> {
  if (shop.peppolProviderCompanyId) {
    try {
      return await provider.getCompany(shop.peppolProviderCompanyId);
    } catch (error) {
      // Deleted at the provider meanwhile: register anew.
      if (isAppError(error) && (error.details as { status?: number } | undefined)?.status === 404) return null;
      throw error;
    }
  }
  const found = await provider.findCompanies({ enterpriseNumber, vatNumber: shop.vatNumber });
  if (found.length === 0) return null;
  const taken = new Set(
    (await db.shop.findMany({ where: { peppolProviderCompanyId: { in: found.map((c) => c.companyId) }, id: { not: shop.id } }, select: { peppolProviderCompanyId: true } })).map((s) => s.peppolProviderCompanyId),
  );
  return found.find((c) => !taken.has(c.companyId)) ?? null;
}

const clean = (v: string | null | undefined) => (v ?? "").toUpperCase().replace(/[^0-9A-Z]/g, "");

/** Whether the merchant changed what the provider holds (numbers, name, receiving mode). */
function differs(existing: CompanyRegistration, input: CompanyRegistrationInput, enterpriseNumber: string | null): boolean {
  if (existing.receiving !== input.receiving) return true;
  if (existing.name !== undefined && existing.name !== null && existing.name !== input.name) return true;
  if (existing.vatNumber !== undefined && clean(existing.vatNumber) !== clean(input.vatNumber)) return true;
  if (existing.enterpriseNumber !== undefined && enterpriseNumber && clean(existing.enterpriseNumber) !== clean(enterpriseNumber)) return true;
  return false;
}

/**
 * Asks the provider again (the merchant finished the identity check, or to show the current state):
 * ACTIVE once verified, FAILED with the provider's reason when it refused to activate the company.
 */
export async function refreshPeppolRegistration(db: Db, shop: Shop, provider: AccessPointProvider) {
  if (!shop.peppolProviderCompanyId) return shop;
  const registration = await provider.getCompany(shop.peppolProviderCompanyId, { lastVerificationUrl: shop.peppolRegistrationUrl });
  return db.shop.update({ where: { id: shop.id }, data: registrationState(registration, shop) });
}

/** What the shop records of the provider's answer. */
function registrationState(registration: CompanyRegistration, shop: Pick<Shop, "peppolRegistrationUrl">) {
  const checkedAt = new Date();
  if (registration.state === "FAILED") {
    return { peppolRegistration: "FAILED" as const, peppolRegistrationError: registration.failureReason ?? "Refused by the provider", peppolRegistrationUrl: null, peppolRegistrationCheckedAt: checkedAt };
  }
  return {
    peppolRegistration: registration.state,
    peppolRegistrationUrl: registration.state === "ACTIVE" ? null : (registration.verificationUrl ?? shop.peppolRegistrationUrl),
    peppolRegistrationCheckedAt: checkedAt,
  };
}

export type PendingCheck = { state: CompanyRegistration["state"]; notified: boolean } | { skipped: string };

/**
 * A registration still waiting for the provider (the merchant's identity check, the SMP registration),
 * checked in the background ("peppol-poll-all" schedules it): the merchant need not open the PEPPOL
 * page to learn how it ended, they get an e-mail — active, or refused with the provider's reason.
 *
 * Compare-and-set on the state and the time of the previous check: when the merchant registered again
 * while the provider was being asked (a new identity check), the answer about the earlier one is
 * dropped instead of overwriting the new attempt.
 */
export async function checkPendingPeppolRegistration(
  db: Db,
  shopId: string,
  provider: AccessPointProvider,
  notifyMerchant: (shopId: string, subject: string, text: string) => Promise<void>,
): Promise<PendingCheck> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  if (shop.peppolRegistration !== "PENDING" || !shop.peppolProviderCompanyId) return { skipped: `the registration is ${shop.peppolRegistration.toLowerCase()}` };
  const registration = await provider.getCompany(shop.peppolProviderCompanyId, { lastVerificationUrl: shop.peppolRegistrationUrl });
  const { count } = await db.shop.updateMany({
    where: { id: shop.id, peppolRegistration: "PENDING", peppolProviderCompanyId: shop.peppolProviderCompanyId, peppolRegistrationCheckedAt: shop.peppolRegistrationCheckedAt },
    data: registrationState(registration, shop),
  });
  if (count === 0) return { skipped: "the registration changed meanwhile" };
  if (registration.state === "ACTIVE") {
    await notifyMerchant(
      shop.id,
      "your company is on PEPPOL",
      `${provider.name} verified ${shop.legalName ?? "your company"}: Facto now sends your invoices to business customers over PEPPOL${shop.peppolReceivingHere ? " and receives your suppliers' invoices there" : ""}.`,
    );
    return { state: "ACTIVE", notified: true };
  }
  if (registration.state === "FAILED") {
    const reason = registration.failureReason ?? "Refused by the provider";
    await notifyMerchant(shop.id, "your PEPPOL registration was refused", `${provider.name} refused the PEPPOL registration of ${shop.legalName ?? "your company"}: ${reason}\nCorrect your company details in Facto's settings and register again on the PEPPOL page.`);
    return { state: "FAILED", notified: true };
  }
  return { state: registration.state, notified: false };
}
