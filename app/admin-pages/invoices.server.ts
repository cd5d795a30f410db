import { prisma } from "~/db.server";
import { missingInvoiceSettings } from "~/domain/shop/missing-invoice-settings";
import { isAppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import { dashboard, retryFailedEvents } from "~/models/dashboard.server";
import { searchInvoices, type InvoiceSearch } from "~/models/invoice.server";
import { ensureJob } from "~/queues.server";
import { issueHeldOrderAsComputed, listVatHolds } from "~/services/held-orders.server";
import { PEPPOL_STATE_LABEL } from "~/services/send-peppol-document.server";

// The invoices and the dashboard (Shopify admin /app, WooCommerce admin /woo/stores/:shopId): figures of the
// month, sync health, orders held for their VAT, then the invoices — search, filters, pages of 50 (keyset).
const STATUSES = ["ISSUED", "PAID", "CREDITED", "CANCELLED", "OVERDUE"] as const;

/** A Shopify-admin path of the dashboard's checklist, in the admin at `base` (both admins have the same pages). */
export function adminUrl(url: string, base: string): string {
  return url.replace(/^\/app(?=\/|$)/, base);
}

export async function invoicesLoader(shop: Shop, base: string, url: URL) {
  const p = (k: string) => url.searchParams.get(k)?.trim() || null;
  const status = p("status");
  const search: InvoiceSearch = {
    q: p("q"),
    status: STATUSES.includes(status as (typeof STATUSES)[number]) ? (status as InvoiceSearch["status"]) : null,
    from: /^\d{4}-\d{2}-\d{2}$/.test(p("from") ?? "") ? p("from") : null,
    to: /^\d{4}-\d{2}-\d{2}$/.test(p("to") ?? "") ? p("to") : null,
    peppol: p("peppol") === "NOT_DELIVERED" ? "NOT_DELIVERED" : null,
    cursor: p("cursor"),
    take: 50,
  };
  const { invoices, nextCursor } = await searchInvoices(prisma, shop.id, search);
  const board = await dashboard(prisma, shop.id);
  const held = await listVatHolds(prisma, shop.id);
  const today = new Date().toISOString().slice(0, 10);
  return {
    base,
    missing: missingInvoiceSettings(shop),
    // Shopify refused Facto's access to protected customer data (decision 015, README "Real Shopify").
    customerDataDenied: shop.customerDataDeniedAt ? { at: shop.customerDataDeniedAt.toISOString().slice(0, 16).replace("T", " "), reason: shop.customerDataDeniedReason ?? "" } : null,
    board: board ? { ...board, checklist: board.checklist.map((c) => ({ ...c, url: adminUrl(c.url, base) })) } : board,
    held,
    filtered: Boolean(search.q || search.status || search.from || search.to || search.peppol || search.cursor),
    nextCursor,
    invoices: invoices.map((i) => ({
      id: i.id,
      number: i.formattedNumber,
      kind: i.kind,
      order: i.channelOrderName,
      issueDate: i.issueDate.toISOString().slice(0, 10),
      total: `${i.currency} ${i.taxInclusiveTotal.toFixed(2)}`,
      status: i.status === "ISSUED" && i.kind === "INVOICE" && i.dueDate && i.dueDate.toISOString().slice(0, 10) < today ? "overdue" : i.status === "ISSUED" && i.paidAmount.greaterThan(0) ? "partially paid" : i.kind === "CREDIT_NOTE" ? "credit note" : i.status.toLowerCase(),
      buyer: (i.buyer as { companyName?: string | null; name?: string }).companyName || (i.buyer as { name?: string }).name || "",
      hasPdf: i.documents.some((d) => d.format === "PDF"),
      peppol: i.peppolDelivery ? (PEPPOL_STATE_LABEL[i.peppolDelivery.state] ?? i.peppolDelivery.state) : "",
    })),
  };
}

// "Retry" on the sync health card: failed webhook events go back to the queue.
// "Issue as computed by Facto" on an order held for its VAT (decision 017): issued with Facto's figures, recorded.
// Returns undefined for an intent that is not the dashboard's.
export async function invoicesAction(shop: Shop, form: FormData): Promise<{ ok: boolean; message: string; status?: number } | undefined> {
  const requeue = (eventId: string) => ensureJob("process-webhook", { eventId }).then(() => undefined);
  const intent = String(form.get("intent") ?? "retry");
  if (intent === "issue-as-computed") {
    try {
      const { orderName } = await issueHeldOrderAsComputed(prisma, shop.id, String(form.get("eventId") ?? ""), new Date(), requeue);
      return { ok: true, message: `Order ${orderName} is being invoiced with Facto's VAT; your choice is recorded on the invoice's history.` };
    } catch (error) {
      if (isAppError(error) && !error.retryable) return { ok: false, message: error.message, status: error.httpStatus };
      throw error;
    }
  }
  if (intent === "retry") {
    const retried = await retryFailedEvents(prisma, shop.id, requeue);
    return { ok: true, message: `${retried} failed event(s) sent back to be processed.` };
  }
  return undefined;
}
