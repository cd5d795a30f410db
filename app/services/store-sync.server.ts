import type { Db } from "~/db.server";
import { reachableShops, storeForInvoice, storeForShop } from "~/integrations/store/store-for-shop.server";
import { ensureJob, type Enqueue } from "~/queues.server";
import { importStoreStock, pushStock } from "./stock.server";

/**
 * The "store-sync" and "stock" jobs: each asks the shop's store through the store port (decision 021),
 * which is the only place that knows the platform.
 */

/**
 * The order shows its document: invoice number, status, payment page, credit notes, PEPPOL state.
 * Two annotations of one order can run at once (the issuing's, and the PEPPOL outcome's a moment
 * later): each writes what it read, so the one that read first could land last and leave the order
 * showing the older state. When what the order shows changed while it was being written, it is
 * written again — the last write then carries the latest state.
 */
export async function annotateOrder(db: Db, invoiceId: string): Promise<unknown> {
  const store = await storeForInvoice(db, invoiceId);
  let before = await annotatedState(db, invoiceId);
  for (let attempt = 1; ; attempt++) {
    const result = await store.annotateOrder(invoiceId);
    const after = await annotatedState(db, invoiceId);
    if (attempt === 3 || after === before) return result;
    before = after;
  }
}

/** What an order's annotation shows of its invoice, as one comparable string. */
async function annotatedState(db: Db, invoiceId: string): Promise<string> {
  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: { status: true, paidAmount: true, amountDue: true, peppolDelivery: { select: { state: true } }, _count: { select: { creditNotes: true } } },
  });
  return JSON.stringify([invoice.status, invoice.paidAmount.toString(), invoice.amountDue.toString(), invoice.peppolDelivery?.state ?? null, invoice._count.creditNotes]);
}

/**
 * The store's order shows the document's new PEPPOL state. Its own job id per state: the annotation
 * job of the issuing may still be waiting or running.
 */
export async function annotateOrderAgain(db: Db, invoiceId: string): Promise<void> {
  const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { peppolDelivery: { select: { state: true } } } });
  await ensureJob("annotate-order", { invoiceId, version: `peppol-${(invoice.peppolDelivery?.state ?? "none").toLowerCase()}` });
}

/** A payment Facto recorded marks the order paid in the store. */
export async function markOrderPaid(db: Db, invoiceId: string): Promise<unknown> {
  return (await storeForInvoice(db, invoiceId)).markOrderPaid(invoiceId);
}

/** The customer's mandate on the store's customer record. */
export async function syncMandateToStore(db: Db, mandateId: string): Promise<unknown> {
  const { shopId } = await db.mandate.findUniqueOrThrow({ where: { id: mandateId }, select: { shopId: true } });
  return (await storeForShop(db, shopId)).recordMandate(mandateId);
}

/** Every reachable store gets its own reconciliation job. */
export async function scheduleStoreReconciliation(db: Db): Promise<{ shops: number }> {
  const shops = await reachableShops(db);
  for (const shop of shops) await ensureJob("reconcile-store-orders", { shopId: shop.id });
  return { shops: shops.length };
}

/** The store's recently changed orders go through the inbox (a missed webhook never means a missing invoice). */
export async function reconcileStoreOrders(db: Db, shopId: string, enqueue: Enqueue): Promise<unknown> {
  return (await storeForShop(db, shopId)).reconcileOrders({ now: () => new Date(), enqueueProcessing: (eventId) => enqueue("process-webhook", { eventId }) });
}

/** The store's quantities per SKU become Facto's stock. */
export async function importStockFromStore(db: Db, shopId: string): Promise<{ created: number; updated: number }> {
  return importStoreStock(db, shopId, await (await storeForShop(db, shopId)).readStock());
}

/** The merchant's pending quantities go to the store; an adjustment made while a run writes is picked up by the next pass. */
export async function syncStockToStore(db: Db, shopId: string): Promise<{ written: number; failed: number }> {
  const store = await storeForShop(db, shopId);
  const total = { written: 0, failed: 0 };
  for (let pass = 0; pass < 3; pass++) {
    const result = await pushStock(db, shopId, store);
    total.written += result.written;
    total.failed += result.failed;
    if ((await db.stockItem.count({ where: { shopId, syncPending: true, syncError: null } })) === 0) break;
  }
  return total;
}

/** Every shop with quantities waiting for its store gets a "sync-stock" job. */
export async function scheduleStockSync(db: Db): Promise<{ shops: number }> {
  const shops = await db.stockItem.findMany({ where: { syncPending: true, shop: { uninstalledAt: null } }, distinct: ["shopId"], select: { shopId: true } });
  for (const { shopId } of shops) await ensureJob("sync-stock", { shopId });
  return { shops: shops.length };
}
