import { prisma } from "~/db.server";
import { parseDirectDebitForm, TWIKEY_ENVIRONMENTS } from "~/domain/shop/direct-debit-settings";
import { env } from "~/env.server";
import type { Shop, WooConnection, WooWebhook } from "~/generated/prisma/client";
import { disconnectWooStore } from "~/services/connect-woo-store.server";
import { checkTwikeyApiKey, testTwikeyExitUrl, twikeySetupUrls } from "~/services/twikey-setup.server";
import { updateDirectDebitSettings } from "~/services/update-payment-settings.server";
import { requireStoreOfAccount, verifyCsrf } from "~/utils/woo-auth.server";
import { invoicesAction } from "./invoices.server";
import { WOO_PAID_STATUSES } from "./store-options";

// The WooCommerce store page's own parts (/woo/stores/:shopId, below the shared invoices and dashboard):
// the connection and its webhooks, the order status after payment, Twikey.


type StoreShop = Shop & { wooConnection: (WooConnection & { webhooks: WooWebhook[] }) | null };

const minute = (d: Date | null | undefined) => d?.toISOString().slice(0, 16).replace("T", " ") ?? null;

export function storeLoader(shop: StoreShop, url: URL) {
  return {
    connected: url.searchParams.get("connected") === "1",
    store: {
      id: shop.id,
      domain: shop.domain,
      storeUrl: shop.wooConnection?.storeUrl ?? null,
      connected: Boolean(shop.wooConnection && !shop.wooConnection.disconnectedAt),
      pingedAt: minute(shop.wooConnection?.pingedAt),
      authInQuery: shop.wooConnection?.authInQuery ?? false,
      paidStatus: shop.wooConnection?.paidStatus ?? "processing",
      webhooks: (shop.wooConnection?.webhooks ?? []).map((w) => ({ topic: w.topic, status: w.status, checkedAt: minute(w.checkedAt) })),
      twikey: {
        configured: Boolean(shop.twikeyApiKey),
        environment: shop.twikeyBaseUrl === TWIKEY_ENVIRONMENTS.sandbox ? "sandbox" : !shop.twikeyBaseUrl || shop.twikeyBaseUrl === TWIKEY_ENVIRONMENTS.production ? "production" : "tenant",
        tenantUrl: shop.twikeyBaseUrl ?? "",
        templateCore: shop.twikeyTemplateCore ?? "",
        templateB2b: shop.twikeyTemplateB2b ?? "",
        autoCollect: shop.twikeyAutoCollect,
        notify: shop.twikeyNotifyBeforeCollection,
        hasWebsiteKey: Boolean(shop.twikeyWebsiteKey),
        ...twikeySetupUrls(env().SHOPIFY_APP_URL, shop.id),
      },
    },
    name: shop.legalName || shop.domain,
  };
}

export type StoreActionResult = { ok: boolean; message?: string; errors?: Record<string, string> };

const json = (body: StoreActionResult, status = 200) => Response.json(body, { status });

/**
 * Every form of the store page (the layout's action too: a post to /woo/stores/:id without `?index`), with the
 * double-submit CSRF check: the dashboard's (retry, issue as computed), the connection's and Twikey's.
 */
export async function storeAction(request: Request, shopId: string): Promise<Response> {
  const { shop } = await requireStoreOfAccount(request, shopId);
  const form = await request.formData();
  verifyCsrf(request, form);
  const intent = String(form.get("intent") ?? "");
  if (intent === "retry" || intent === "issue-as-computed") {
    const { status, ...done } = (await invoicesAction(shop, form))!;
    return json(done, status ?? 200);
  }
  if (intent === "direct-debit") {
    const parsed = parseDirectDebitForm(form, Boolean(shop.twikeyApiKey));
    if ("errors" in parsed) return json({ ok: false, errors: parsed.errors }, 400);
    const key = parsed.data.twikeyApiKey && !parsed.data.removeTwikey ? await checkTwikeyApiKey(parsed.data.twikeyBaseUrl, parsed.data.twikeyApiKey) : { error: null, warning: null };
    if (key.error) return json({ ok: false, message: key.error, errors: { twikeyApiKey: key.error } }, 400);
    await updateDirectDebitSettings(prisma, shop.id, parsed.data);
    return json({ ok: true, message: key.warning ? `Direct-debit settings saved. ${key.warning}` : "Direct-debit settings saved." });
  }
  if (intent === "test-exit-url") {
    const tested = await testTwikeyExitUrl(prisma, shop.id, env().SHOPIFY_APP_URL);
    return json({ ok: tested.ok, message: tested.message }, tested.ok ? 200 : 400);
  }
  if (intent === "paid-status") {
    const paidStatus = String(form.get("paidStatus") ?? "");
    if (!WOO_PAID_STATUSES.includes(paidStatus as (typeof WOO_PAID_STATUSES)[number])) return json({ ok: false, errors: { paidStatus: "Choose processing or completed" } }, 400);
    if (shop.wooConnection) await prisma.wooConnection.update({ where: { id: shop.wooConnection.id }, data: { paidStatus } });
    return json({ ok: true, message: `Orders paid through Facto become ${paidStatus} in WooCommerce.` });
  }
  if (intent === "disconnect") {
    const { failed } = await disconnectWooStore(prisma, shop.id);
    return json({ ok: true, message: failed.length ? `Disconnected. Remove these webhooks by hand in WooCommerce: ${failed.join("; ")}` : "Disconnected: Facto's webhooks were removed from your store. Your invoices stay here." });
  }
  // The seller details moved to the shared Settings page (decision 025); an older page's post is answered, not lost silently.
  return json({ ok: false, message: `Unknown action "${intent}": the seller details are on the Settings page now.` }, 400);
}
