import type { Db } from "~/db.server";
import { VAT_MISMATCH_CAUSE_LABELS, type VatMismatchCause, type VatMismatchLine } from "~/domain/vat/detect-vat-mismatch";
import { AppError, type AppErrorCode } from "~/errors/app-error";
import { logger } from "~/logger.server";

/**
 * Why an inbox row (WebhookEvent, status FAILED) waits for the merchant (decision 017). A code, so
 * the pages that show held orders and the settings that release them never match on message text.
 */
export const HoldReason = {
  /** The company settings an invoice needs are incomplete: released when the settings are saved. */
  INVOICE_DATA_INCOMPLETE: "INVOICE_DATA_INCOMPLETE",
  /** The merchant paused invoicing (danger zone): released when they resume. */
  INVOICING_PAUSED: "INVOICING_PAUSED",
  /** The VAT the platform charged differs from Facto's: released by fixing the setting, or issued as computed. */
  VAT_MISMATCH: "VAT_MISMATCH",
} as const;
export type HoldReason = (typeof HoldReason)[keyof typeof HoldReason];

/** The AppError codes whose permanent failure holds the row, with the hold's code. */
export const HOLD_REASON_OF_ERROR: Partial<Record<AppErrorCode, HoldReason>> = {
  SHOP_SETTINGS_INCOMPLETE: HoldReason.INVOICE_DATA_INCOMPLETE,
  INVOICING_PAUSED: HoldReason.INVOICING_PAUSED,
  VAT_MISMATCH: HoldReason.VAT_MISMATCH,
};

type Requeue = (eventId: string) => Promise<void>;

/** Held rows go back to the queue (in the caller's transaction when it has one); returns their ids. */
export async function releaseHeldEvents(tx: Db, shopId: string, reasons: HoldReason[]): Promise<string[]> {
  const held = await tx.webhookEvent.findMany({ where: { shopId, status: "FAILED", holdReason: { in: reasons } }, select: { id: true } });
  if (held.length) await tx.webhookEvent.updateMany({ where: { id: { in: held.map((e) => e.id) } }, data: { status: "RECEIVED", processedAt: null } });
  return held.map((e) => e.id);
}

/**
 * After a setting that decides VAT changed (a product's VAT class, OSS): orders held for a VAT
 * mismatch are checked again; those still mismatched are held again with the new explanation.
 */
export async function recheckVatHolds(db: Db, shopId: string, requeue: Requeue): Promise<number> {
  const ids = await db.$transaction((tx) => releaseHeldEvents(tx as unknown as Db, shopId, [HoldReason.VAT_MISMATCH]));
  for (const id of ids) await requeue(id);
  if (ids.length) logger.info({ shopId, requeued: ids.length }, "orders held for a VAT mismatch checked again");
  return ids.length;
}

export interface HeldOrder {
  /** The newest held inbox row of the order: the one the actions name. */
  eventId: string;
  orderId: string | null;
  orderName: string;
  cause: VatMismatchCause | null;
  causeLabel: string;
  explanation: string;
  lines: VatMismatchLine[];
  heldAt: string;
}

interface HoldDetailJson {
  orderId?: string;
  orderName?: string;
  cause?: VatMismatchCause;
  lines?: VatMismatchLine[];
}

/** Orders held for a VAT mismatch, one per order (Shopify sends several webhooks for one order), newest first. */
export async function listVatHolds(db: Db, shopId: string): Promise<HeldOrder[]> {
  const rows = await db.webhookEvent.findMany({
    where: { shopId, status: "FAILED", holdReason: HoldReason.VAT_MISMATCH },
    orderBy: { receivedAt: "desc" },
    take: 200,
    select: { id: true, holdDetail: true, lastError: true, processedAt: true, receivedAt: true },
  });
  const seen = new Set<string>();
  const held: HeldOrder[] = [];
  for (const row of rows) {
    const detail = (row.holdDetail ?? {}) as HoldDetailJson;
    const key = detail.orderId ?? row.id;
    if (seen.has(key)) continue;
    seen.add(key);
    held.push({
      eventId: row.id,
      orderId: detail.orderId ?? null,
      orderName: detail.orderName ?? "an order",
      cause: detail.cause ?? null,
      causeLabel: detail.cause ? VAT_MISMATCH_CAUSE_LABELS[detail.cause] : "VAT differs",
      explanation: row.lastError ?? "",
      lines: detail.lines ?? [],
      heldAt: (row.processedAt ?? row.receivedAt).toISOString().slice(0, 16).replace("T", " "),
    });
  }
  return held;
}

/** How many orders wait for the company settings (the onboarding banner's count). */
export function countIncompleteHolds(db: Db, shopId: string): Promise<number> {
  return db.webhookEvent.count({ where: { shopId, status: "FAILED", holdReason: HoldReason.INVOICE_DATA_INCOMPLETE } });
}

/**
 * "Issue as computed by Facto": the merchant accepts Facto's VAT for an order held for a VAT mismatch.
 * Every held row of that order is marked with the choice and re-queued; the first one processed issues
 * the invoice with Facto's figures and records the choice on the invoice's history (issueInvoice), the
 * others find the invoice issued.
 */
export async function issueHeldOrderAsComputed(db: Db, shopId: string, eventId: string, now: Date, requeue: Requeue): Promise<{ orderName: string }> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(eventId)) throw new AppError("NOT_FOUND", "This held order is not in this shop");
  const ids = await db.$transaction(async (t) => {
    const tx = t as unknown as Db;
    const row = await tx.webhookEvent.findFirst({ where: { id: eventId, shopId }, select: { status: true, holdReason: true, holdDetail: true } });
    if (!row) throw new AppError("NOT_FOUND", "This held order is not in this shop");
    if (row.status !== "FAILED" || row.holdReason !== HoldReason.VAT_MISMATCH) throw new AppError("BAD_REQUEST", "This order is no longer held for its VAT (it may have been invoiced meanwhile)");
    const detail = (row.holdDetail ?? {}) as HoldDetailJson;
    const siblings = detail.orderId
      ? await tx.webhookEvent.findMany({ where: { shopId, status: "FAILED", holdReason: HoldReason.VAT_MISMATCH, holdDetail: { path: ["orderId"], equals: detail.orderId } }, select: { id: true } })
      : [];
    const all = [...new Set([eventId, ...siblings.map((s) => s.id)])];
    await tx.webhookEvent.updateMany({ where: { id: { in: all } }, data: { status: "RECEIVED", processedAt: null, issueAsComputedAt: now } });
    return { all, orderName: detail.orderName ?? "the order" };
  });
  for (const id of ids.all) await requeue(id);
  logger.info({ shopId, eventId, rows: ids.all.length }, "held order to be issued as computed by Facto");
  return { orderName: ids.orderName };
}
