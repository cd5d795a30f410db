import type { Db } from "~/db.server";
import { ensureJob, type Enqueue } from "~/queues.server";
import { paymentEffects } from "./payment-effects.server";
import { pontoDeps, syncPonto, type PontoSyncResult } from "./ponto.server";

// The worker's Ponto jobs (decision 027): the scheduled pass over every connected shop, one shop's
// synchronisation, and the webhook's "new transactions on this account".

/** One "ponto-sync" job per shop with an active connection and a followed account. */
export async function schedulePontoSyncs(db: Db) {
  if (!pontoDeps()) return { skipped: "Ponto is not configured" };
  const shops = await db.pontoConnection.findMany({ where: { status: "ACTIVE", accounts: { some: { followed: true } }, shop: { uninstalledAt: null } }, select: { shopId: true } });
  for (const { shopId } of shops) await ensureJob("ponto-sync", { shopId });
  return { shops: shops.length };
}

/** Synchronises one shop's followed accounts (or one of them) and imports what Ponto holds. */
export async function syncShopPonto(db: Db, payload: { shopId: string; accountId?: string | undefined; synchronize?: boolean | undefined }, enqueue: Enqueue): Promise<PontoSyncResult> {
  const deps = pontoDeps();
  if (!deps) return { skipped: "Ponto is not configured", accounts: 0, summary: null };
  return syncPonto(db, payload.shopId, deps, paymentEffects(db, enqueue), { ...(payload.accountId ? { accountId: payload.accountId } : {}), synchronize: payload.synchronize ?? true });
}

/** Ponto's webhook said an account has new transactions: they are read (no new synchronisation) and imported. */
export async function readPontoTransactions(db: Db, shopId: string, accountId: string, enqueue: Enqueue): Promise<string> {
  const r = await syncShopPonto(db, { shopId, accountId, synchronize: false }, enqueue);
  return r.skipped ?? `${r.summary?.transactions ?? 0} transaction(s) read, ${r.summary?.duplicates ?? 0} already imported, ${r.summary?.paid ?? 0} invoice(s) paid`;
}
