import { z } from "zod";
import { prisma } from "~/db.server";
import { deriveParticipantId } from "~/domain/peppol/participant-id";
import { isAppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import { accessPointProvider } from "~/integrations/peppol/access-point-provider.server";
import { refreshPeppolRegistration, registerPeppolCompany } from "~/services/peppol-registration.server";

// PEPPOL (Shopify admin /app/peppol, WooCommerce admin /woo/stores/:id/peppol): the merchant's own
// registration at the Access Point provider, and how documents are sent (docs/decisions/018).
export async function peppolLoader(shop: Shop, base: string) {
  const provider = accessPointProvider();
  let current = shop;
  if (provider && shop.peppolRegistration === "PENDING") {
    // The merchant comes back from the identity check: show the provider's current state.
    current = await refreshPeppolRegistration(prisma, shop, provider).catch(() => shop);
  }
  const own = deriveParticipantId({ country: current.countryCode, vatNumber: current.vatNumber, enterpriseNumber: current.enterpriseNumber });
  const counts = await prisma.peppolDelivery.groupBy({ by: ["state"], where: { shopId: shop.id }, _count: true });
  return {
    configured: Boolean(provider),
    provider: provider?.name ?? null,
    participantId: own.ok ? own.id.full : null,
    participantProblem: own.ok ? null : own.reason,
    registration: {
      state: current.peppolRegistration,
      receivingHere: current.peppolReceivingHere,
      verificationUrl: current.peppolRegistrationUrl,
      error: current.peppolRegistrationError,
      checkedAt: current.peppolRegistrationCheckedAt?.toISOString() ?? null,
    },
    settings: { mode: current.peppolMode, email: current.peppolEmail },
    deliveries: Object.fromEntries(counts.map((c) => [c.state, c._count])) as Record<string, number>,
    base,
  };
}

const SettingsInput = z.object({ mode: z.enum(["AUTOMATIC", "MANUAL", "NEVER"]), email: z.enum(["FALLBACK", "ALWAYS"]) });

export async function peppolAction(shop: Shop, form: FormData) {
  const intent = String(form.get("intent") ?? "");
  const provider = accessPointProvider();
  try {
    if (intent === "settings") {
      const parsed = SettingsInput.safeParse({ mode: form.get("mode"), email: form.get("email") });
      if (!parsed.success) return { ok: false as const, error: "Choose how documents are sent and when customers get the e-mail" };
      await prisma.shop.update({ where: { id: shop.id }, data: { peppolMode: parsed.data.mode, peppolEmail: parsed.data.email } });
      return { ok: true as const, message: "PEPPOL settings saved" };
    }
    if (!provider) return { ok: false as const, error: "PEPPOL is not configured on this Facto installation" };
    if (intent === "register" || intent === "register-elsewhere") {
      const updated = await registerPeppolCompany(prisma, shop, provider, { receivingHere: intent === "register" });
      if (updated.peppolRegistration === "FAILED") return { ok: false as const, error: `Registration failed: ${updated.peppolRegistrationError}` };
      return { ok: true as const, message: updated.peppolRegistration === "ACTIVE" ? "Your company is active on PEPPOL" : "Registration started: confirm your identity with the provider" };
    }
    if (intent === "refresh") {
      const updated = await refreshPeppolRegistration(prisma, shop, provider);
      return { ok: true as const, message: `Registration: ${updated.peppolRegistration.toLowerCase()}` };
    }
    return { ok: false as const, error: "Unknown action" };
  } catch (error) {
    if (isAppError(error)) return { ok: false as const, error: error.message };
    throw error;
  }
}
