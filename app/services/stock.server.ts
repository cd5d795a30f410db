import { z } from "zod";
import type { Db } from "~/db.server";
import { fieldErrors } from "~/domain/shop/shop-settings";
import { AppError, isAppError } from "~/errors/app-error";
import { Prisma } from "~/generated/prisma/client";
import type { StorePort, StoreStockItem } from "~/integrations/store/store-port";
import { logger } from "~/logger.server";
import { ensureJob } from "~/queues.server";

/**
 * Stock as Facto knows it. Read once from the store (and again on request); from then on Facto keeps
 * it: a sale on an invoice takes the quantity off (the store did the same on its side, so both stay
 * in step), the merchant's adjustments change it and are written back to the store. Every change is a
 * movement with its reason.
 */

/**
 * Takes the store's stock into Facto. A new SKU starts at the store's quantity; a known one follows the
 * store unless the merchant has an adjustment waiting to be written (then Facto's quantity stands).
 */
export async function importStoreStock(db: Db, shopId: string, items: StoreStockItem[]): Promise<{ created: number; updated: number }> {
  let created = 0;
  let updated = 0;
  for (const item of items) {
    const refs = {
      title: item.title,
      shopifyInventoryItemId: item.shopifyInventoryItemId ?? null,
      shopifyLocationId: item.shopifyLocationId ?? null,
      wooProductId: item.wooProductId ?? null,
      wooVariationId: item.wooVariationId ?? null,
      storeQuantity: item.quantity,
    };
    await db.$transaction(async (tx) => {
      const existing = await tx.stockItem.findUnique({ where: { shopId_sku: { shopId, sku: item.sku } } });
      if (!existing) {
        const row = await tx.stockItem.create({ data: { shopId, sku: item.sku, quantity: item.quantity, ...refs, syncedAt: new Date() } });
        await tx.stockMovement.create({ data: { stockItemId: row.id, delta: item.quantity, quantityAfter: item.quantity, reason: "Read from the store" } });
        created++;
        return;
      }
      const follow = !existing.syncPending && existing.quantity !== item.quantity;
      await tx.stockItem.update({ where: { id: existing.id }, data: { ...refs, ...(follow ? { quantity: item.quantity } : {}) } });
      if (follow) await tx.stockMovement.create({ data: { stockItemId: existing.id, delta: item.quantity - existing.quantity, quantityAfter: item.quantity, reason: "Changed in the store" } });
      updated++;
    });
  }
  return { created, updated };
}

export const StockAdjustmentInput = z.object({
  sku: z.string().trim().min(1, "Choose the SKU"),
  mode: z.enum(["add", "set"], { message: "Choose whether to add or to set" }),
  amount: z
    .string()
    .trim()
    .regex(/^[+-]?\d{1,7}$/, "Enter a whole number, e.g. 12 or -3"),
  reason: z.string().trim().max(200, "Keep the reason under 200 characters").default(""),
});

/** The merchant's adjustment ("received 12", "counted 40"): a movement, then a write-back to the store. */
export async function adjustStock(db: Db, shopId: string, input: z.infer<typeof StockAdjustmentInput>): Promise<{ sku: string; quantity: number; delta: number }> {
  const amount = Number(input.amount);
  return db.$transaction(async (tx) => {
    const [item] = await tx.$queryRaw<{ id: string; quantity: number }[]>`SELECT id, quantity FROM "StockItem" WHERE "shopId" = ${shopId}::uuid AND sku = ${input.sku} FOR UPDATE`;
    if (!item) throw new AppError("NOT_FOUND", `Facto has no stock for SKU ${input.sku}: read the stock from the store first`);
    const quantity = input.mode === "set" ? amount : item.quantity + amount;
    if (quantity < 0) throw new AppError("BAD_REQUEST", `${input.sku} would go below zero (${quantity})`);
    const delta = quantity - item.quantity;
    if (delta === 0) return { sku: input.sku, quantity, delta };
    await tx.stockItem.update({ where: { id: item.id }, data: { quantity, syncPending: true, syncError: null } });
    await tx.stockMovement.create({ data: { stockItemId: item.id, delta, quantityAfter: quantity, reason: input.reason || (input.mode === "set" ? "Counted" : "Adjusted") } });
    return { sku: input.sku, quantity, delta };
  });
}

/** What a sale needs of the issued invoice (the after-issue pipeline loads it once). */
export interface SoldInvoice {
  id: string;
  shopId: string;
  kind: "INVOICE" | "CREDIT_NOTE";
  formattedNumber: string;
  lines: { sku: string | null; quantity: { toString(): string } }[];
}

/**
 * A sale: each invoice line with a SKU Facto keeps stock for takes its quantity off — once per invoice
 * and item (a retried job does nothing twice). The store took the sale off its own count, so the
 * store's expected quantity goes down too and nothing needs writing.
 */
export async function recordSale(db: Db, invoice: SoldInvoice, knownItems?: { id: string; sku: string }[]): Promise<number> {
  const invoiceId = invoice.id;
  if (invoice.kind !== "INVOICE") return 0;
  const sold = new Map<string, number>();
  for (const line of invoice.lines) {
    const quantity = Number(line.quantity);
    if (line.sku && Number.isInteger(quantity) && quantity > 0) sold.set(line.sku, (sold.get(line.sku) ?? 0) + quantity);
  }
  if (sold.size === 0) return 0;
  // `knownItems`: looked up with the invoice just issued (decision 032); otherwise read now.
  const items = knownItems
    ? knownItems.filter((i) => sold.has(i.sku))
    : await db.stockItem.findMany({ where: { shopId: invoice.shopId, sku: { in: [...sold.keys()] } }, select: { id: true, sku: true } });
  let moved = 0;
  for (const item of items) {
    const quantity = sold.get(item.sku)!;
    try {
      await db.$transaction(async (tx) => {
        const row = await tx.stockItem.update({ where: { id: item.id }, data: { quantity: { decrement: quantity }, storeQuantity: { decrement: quantity } } });
        await tx.stockMovement.create({ data: { stockItemId: item.id, delta: -quantity, quantityAfter: row.quantity, reason: `Sold on ${invoice.formattedNumber}`, invoiceId } });
      });
      moved++;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") continue; // this sale was already taken off
      throw error;
    }
  }
  return moved;
}

/**
 * Writes the quantities the merchant changed back to the store, through the store port (Shopify:
 * compare-and-set; WooCommerce: batches). An item changed again while this ran stays pending for the
 * next run.
 */
export async function pushStock(db: Db, shopId: string, store: Pick<StorePort, "writeStock">, now = new Date()): Promise<{ written: number; failed: number }> {
  const pending = await db.stockItem.findMany({ where: { shopId, syncPending: true }, orderBy: { sku: "asc" }, take: 5000 });
  if (pending.length === 0) return { written: 0, failed: 0 };
  let written = 0;
  let failed = 0;
  for (const { id, sent, error } of await store.writeStock(pending)) {
    if (error) {
      await db.stockItem.update({ where: { id }, data: { syncError: error } });
      failed++;
      continue;
    }
    // Cleared only if nothing changed the quantity since it was sent.
    await db.stockItem.updateMany({ where: { id, quantity: sent }, data: { syncPending: false, syncError: null } });
    await db.stockItem.update({ where: { id }, data: { storeQuantity: sent, syncedAt: now } });
    written++;
  }
  logger.info({ shopId, written, failed }, "stock written back to the store");
  return { written, failed };
}

/** The stock page: items with their sync state, and the latest movements. */
export const STOCK_PAGE_SIZE = 200;

export async function stockOverview(db: Db, shopId: string, search = "") {
  const q = search.trim().slice(0, 100);
  const where = q ? { shopId, OR: [{ sku: { contains: q, mode: "insensitive" as const } }, { title: { contains: q, mode: "insensitive" as const } }] } : { shopId };
  const [items, total, pendingTotal, movements] = await Promise.all([
    db.stockItem.findMany({ where, orderBy: { sku: "asc" }, take: STOCK_PAGE_SIZE }),
    db.stockItem.count({ where }),
    db.stockItem.count({ where: { shopId, syncPending: true } }),
    db.stockMovement.findMany({ where: { stockItem: { shopId } }, orderBy: { createdAt: "desc" }, take: 20, include: { stockItem: { select: { sku: true } } } }),
  ]);
  const when = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : null);
  return {
    search: q,
    total,
    pendingTotal,
    items: items.map((i) => ({
      id: i.id,
      sku: i.sku,
      title: i.title,
      quantity: i.quantity,
      storeQuantity: i.storeQuantity,
      state: i.syncError ? `Not written: ${i.syncError}` : i.syncPending ? "Waiting to be written" : "In step",
      syncedAt: when(i.syncedAt),
      problem: !!i.syncError,
      pending: i.syncPending,
    })),
    movements: movements.map((m) => ({ id: m.id, sku: m.stockItem.sku, delta: m.delta, quantityAfter: m.quantityAfter, reason: m.reason, at: when(m.createdAt)! })),
  };
}

export type StockActionResult = { ok: boolean; message: string; errors: Record<string, string> };

/** The stock page's actions (Shopify admin and Facto's WooCommerce admin): read from the store, write waiting quantities, adjust. */
export async function runStockAction(db: Db, shop: { id: string }, storeName: string, form: FormData): Promise<StockActionResult> {
  const intent = String(form.get("intent") ?? "");
  if (intent === "import") {
    await ensureJob("import-stock", { shopId: shop.id });
    return { ok: true, message: `Facto is reading your products and their stock from ${storeName} — refresh this page in a moment.`, errors: {} };
  }
  if (intent === "sync") {
    await ensureJob("sync-stock", { shopId: shop.id });
    return { ok: true, message: `Waiting quantities are being written to ${storeName}.`, errors: {} };
  }
  const parsed = StockAdjustmentInput.safeParse({ sku: form.get("sku") ?? "", mode: form.get("mode") ?? "", amount: form.get("amount") ?? "", reason: form.get("reason") ?? "" });
  if (!parsed.success) return { ok: false, message: "Check the fields", errors: fieldErrors(parsed.error) };
  try {
    const result = await adjustStock(db, shop.id, parsed.data);
    if (result.delta === 0) return { ok: true, message: `${result.sku} already has ${result.quantity}: nothing changed`, errors: {} };
    await ensureJob("sync-stock", { shopId: shop.id });
    return { ok: true, message: `${result.sku}: ${result.quantity} in stock (${result.delta > 0 ? "+" : ""}${result.delta}) — being written to ${storeName}`, errors: {} };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message, errors: {} };
    throw error;
  }
}
