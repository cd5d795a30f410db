import { prisma } from "~/db.server";
import { parseDirectDebitForm, TWIKEY_ENVIRONMENTS } from "~/domain/shop/direct-debit-settings";
import { env } from "~/env.server";
import { isAppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import { collectableInvoices, customersWithMandates } from "~/models/customers.server";
import { ensureJob } from "~/queues.server";
import { cancelMandateInTwikey, startMandate } from "~/services/direct-debit.server";
import { checkTwikeyApiKey, testTwikeyExitUrl, twikeySetupUrls } from "~/services/twikey-setup.server";
import { updateDirectDebitSettings } from "~/services/update-payment-settings.server";

// Customers and direct debit (Shopify admin /app/direct-debit, WooCommerce admin /woo/stores/:shopId/customers):
// Twikey settings, the URLs to paste into Twikey, the pain.008 file for the merchant's own bank, and the customers
// with their mandates (invite, cancel).
export async function directDebitLoader(shop: Shop, base: string) {
  const appUrl = env().SHOPIFY_APP_URL.replace(/\/$/, "");
  const [customers, collectable] = await Promise.all([customersWithMandates(prisma, shop.id), collectableInvoices(prisma, shop.id)]);
  const environment = shop.twikeyBaseUrl === TWIKEY_ENVIRONMENTS.sandbox ? "sandbox" : !shop.twikeyBaseUrl || shop.twikeyBaseUrl === TWIKEY_ENVIRONMENTS.production ? "production" : "tenant";
  return {
    configured: Boolean(shop.twikeyApiKey),
    hasWebsiteKey: Boolean(shop.twikeyWebsiteKey),
    values: {
      environment,
      tenantUrl: environment === "tenant" ? (shop.twikeyBaseUrl ?? "") : "",
      twikeyTemplateCore: shop.twikeyTemplateCore ?? "",
      twikeyTemplateB2b: shop.twikeyTemplateB2b ?? "",
      twikeyNotifyBeforeCollection: shop.twikeyNotifyBeforeCollection,
      twikeyAutoCollect: shop.twikeyAutoCollect,
    },
    collectable,
    ...twikeySetupUrls(appUrl, shop.id),
    customers,
    base,
  };
}

export async function directDebitAction(shop: Shop, form: FormData) {
  const get = (k: string) => String(form.get(k) ?? "");
  if (get("intent") === "test-exit-url") {
    const tested = await testTwikeyExitUrl(prisma, shop.id, env().SHOPIFY_APP_URL);
    return { ok: tested.ok, message: tested.message, errors: {} as Record<string, string> };
  }
  if (get("intent") === "cancel") {
    try {
      const mndtId = await cancelMandateInTwikey(prisma, shop.id, get("mndtId"));
      await ensureJob("twikey-feeds", { shopId: shop.id });
      return { ok: true as const, message: `Mandate ${mndtId} cancelled in Twikey; the customer pays by transfer again.`, errors: {} as Record<string, string> };
    } catch (error) {
      if (isAppError(error)) return { ok: false as const, message: error.message, errors: {} as Record<string, string> };
      throw error;
    }
  }
  if (get("intent") === "invite") {
    try {
      const result = await startMandate(prisma, shop.id, get("customerId"), { sendInvite: true });
      return { ok: true as const, message: result.alreadyActive ? `This customer already has mandate ${result.mandateId}.` : `Twikey e-mails the customer an invitation to sign mandate ${result.mandateId}.`, errors: {} as Record<string, string> };
    } catch (error) {
      if (isAppError(error)) return { ok: false as const, message: error.message, errors: {} as Record<string, string> };
      throw error;
    }
  }
  const parsed = parseDirectDebitForm(form, Boolean(shop.twikeyApiKey));
  if ("errors" in parsed) return { ok: false as const, message: "Some fields need your attention", errors: parsed.errors };
  const key = parsed.data.twikeyApiKey && !parsed.data.removeTwikey ? await checkTwikeyApiKey(parsed.data.twikeyBaseUrl, parsed.data.twikeyApiKey) : { error: null, warning: null };
  if (key.error) return { ok: false as const, message: key.error, errors: { twikeyApiKey: key.error } as Record<string, string> };
  await updateDirectDebitSettings(prisma, shop.id, parsed.data);
  return { ok: true as const, message: key.warning ? `Settings saved. ${key.warning}` : "Settings saved", errors: {} as Record<string, string> };
}
