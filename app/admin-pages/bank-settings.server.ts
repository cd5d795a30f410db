import { prisma } from "~/db.server";
import { formatIban } from "~/domain/banking/iban";
import { isAppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import { logger } from "~/logger.server";
import { ensureJob } from "~/queues.server";
import { completePontoConnect, disconnectPonto, pontoDeps, pontoSettings, refreshPontoAccounts, setFollowedPontoAccounts, startPontoConnect } from "~/services/ponto.server";

// Bank settings (Shopify admin /app/bank-settings, WooCommerce admin /woo/stores/:id/bank-settings): Ponto
// connection, followed accounts, last synchronisation, "sync now", the IBANs transfers are matched on
// (docs/decisions/027-ponto.md). One loader and one action for both admins (decision 011).

/**
 * The bank settings page. Ponto's callback hands the merchant back here with `ponto_state` and `ponto_code`
 * (routes/ponto.callback): this page, open only to a merchant signed in to `shop`, finishes the authorization.
 */
export async function bankSettingsLoader(shop: Shop, request: Request) {
  const query = new URL(request.url).searchParams;
  let returned: "connected" | "failed" | null = null;
  let returnedMessage: string | null = null;
  const deps = pontoDeps();
  if (query.get("ponto_state") && deps) {
    try {
      const result = await completePontoConnect(prisma, { shopId: shop.id, state: query.get("ponto_state"), code: query.get("ponto_code"), error: query.get("ponto_error") }, deps);
      returned = result.connected ? "connected" : "failed";
      returnedMessage = result.message;
    } catch (error) {
      if (!isAppError(error)) throw error;
      logger.warn({ shopId: shop.id, code: error.code }, error.message);
      returned = "failed";
      returnedMessage = error.message;
    }
  }
  const ponto = await pontoSettings(prisma, shop.id);
  const followed = ponto.accounts.filter((a) => a.followed);
  const shopIban = shop.iban ? shop.iban.replace(/\s+/g, "").toUpperCase() : null;
  return {
    ponto,
    shopIban: shopIban ? formatIban(shopIban) : null,
    matchingIbans: [...new Set([...(shopIban ? [shopIban] : []), ...followed.map((a) => a.iban)])].map(formatIban),
    shopIbanFollowed: shopIban ? followed.some((a) => a.iban === shopIban) : true,
    returned,
    returnedMessage,
  };
}

export type BankSettingsResult = { ok: boolean; message: string; redirectTo?: string };

/** `returnTo`: this page's address as the merchant's browser knows it (inside Shopify admin, or the WooCommerce admin). */
export async function bankSettingsAction(shop: Shop, form: FormData, returnTo: string): Promise<BankSettingsResult> {
  const intent = String(form.get("intent") ?? "");
  const deps = pontoDeps();
  try {
    if (intent === "disconnect") {
      await disconnectPonto(prisma, shop.id, deps);
      return { ok: true, message: "Ponto disconnected" };
    }
    if (!deps) return { ok: false, message: "Ponto is not set up on this Facto installation" };
    if (intent === "connect") {
      const url = await startPontoConnect(prisma, shop.id, returnTo, deps);
      return { ok: true, message: "Opening Ponto…", redirectTo: url };
    }
    if (intent === "accounts") {
      await setFollowedPontoAccounts(prisma, shop.id, form.getAll("account").map(String));
      return { ok: true, message: "Accounts saved" };
    }
    if (intent === "refresh-accounts") {
      const n = await refreshPontoAccounts(prisma, shop.id, deps);
      return { ok: true, message: `${n} account(s) shared in Ponto` };
    }
    if (intent === "sync") {
      const connection = await prisma.pontoConnection.findUnique({ where: { shopId: shop.id }, select: { status: true } });
      if (connection?.status !== "ACTIVE") return { ok: false, message: "Connect Ponto first" };
      if ((await prisma.pontoAccount.count({ where: { shopId: shop.id, followed: true } })) === 0) return { ok: false, message: "Choose at least one account to follow" };
      const started = await ensureJob("ponto-sync", { shopId: shop.id, synchronize: true });
      await prisma.pontoConnection.update({ where: { shopId: shop.id }, data: { lastSyncState: "RUNNING" } });
      return { ok: true, message: started ? "Synchronisation started" : "A synchronisation is already running" };
    }
    return { ok: false, message: "Unknown action" };
  } catch (error) {
    if (isAppError(error)) {
      logger.warn({ shopId: shop.id, intent, code: error.code }, error.message);
      return { ok: false, message: error.message };
    }
    throw error;
  }
}
