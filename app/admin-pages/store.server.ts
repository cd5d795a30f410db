import { prisma } from "~/db.server";
import type { Shop, WooConnection, WooWebhook } from "~/generated/prisma/client";
import { disconnectWooStore } from "~/services/connect-woo-store.server";
import { requireStoreOfAccount, verifyCsrf } from "~/routes-support/woo-auth.server";
import { invoicesAction } from "./invoices.server";
import { WOO_PAID_STATUSES } from "./store-options";

// The WooCommerce store page's own parts (/woo/stores/:shopId, below the shared invoices and dashboard):
// the connection and its webhooks, the order status after payment, disconnecting.


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
    },
    name: shop.legalName || shop.domain,
  };
}

export type StoreActionResult = { ok: boolean; message?: string; errors?: Record<string, string> };

const json = (body: StoreActionResult, status = 200) => Response.json(body, { status });

/**
 * Every form of the store page (the layout's action too: a post to /woo/stores/:id without `?index`), with the
 * double-submit CSRF check: the dashboard's (retry, issue as computed) and the connection's.
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
  // The seller details and Twikey moved to the shared Settings and Customers pages (decision 025); an older page's
  // post is answered, not lost silently.
  return json({ ok: false, message: `Unknown action "${intent}": the seller details are on the Settings page now, direct debit on the Customers page.` }, 400);
}
