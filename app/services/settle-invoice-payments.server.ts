import type { Db } from "~/db.server";
import { dec, formatAmount, sum } from "~/domain/money/money";
import type { InvoiceStatus } from "~/generated/prisma/enums";
import { logger } from "~/logger.server";

export interface Settlement {
  status: InvoiceStatus;
  paidAmount: string;
  /** What the customer still owes: total − credit notes − payments (never below zero). */
  outstanding: string;
  /** This settlement made the invoice PAID (it was not before). */
  becamePaid: boolean;
  /** A refund or chargeback took a PAID invoice back to unpaid. */
  reversed: boolean;
}

/**
 * Recomputes an invoice's payment state from its payment lines: paid amount = Σ (amount − refunded)
 * of the PAID lines; PAID when that covers the total minus its credit notes. The invoice row is
 * locked while this runs, so two processes recording payments at once (the Mollie webhook and the
 * shopper's return to the payment page) agree on who saw the invoice become paid.
 */
export async function settleInvoicePayments(db: Db, invoiceId: string): Promise<Settlement> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT "id" FROM "Invoice" WHERE "id" = ${invoiceId}::uuid FOR UPDATE`;
    const invoice = await tx.invoice.findUniqueOrThrow({
      where: { id: invoiceId },
      select: {
        id: true,
        status: true,
        kind: true,
        taxInclusiveTotal: true,
        creditNotes: { select: { taxInclusiveTotal: true } },
        payments: { where: { status: "PAID" }, select: { amount: true, amountRefunded: true, paidAt: true, method: true, provider: true }, orderBy: { paidAt: "asc" } },
      },
    });
    const paid = sum(invoice.payments.map((p) => dec(p.amount.toFixed(2)).minus(p.amountRefunded.toFixed(2))));
    const credited = sum(invoice.creditNotes.map((c) => c.taxInclusiveTotal.toFixed(2)));
    const payable = dec(invoice.taxInclusiveTotal.toFixed(2)).minus(credited);
    const outstanding = payable.minus(paid);
    const fullyPaid = payable.greaterThan(0) && !outstanding.greaterThan(0);

    let status: InvoiceStatus = invoice.status;
    if (invoice.kind === "INVOICE" && (invoice.status === "ISSUED" || invoice.status === "PAID")) status = fullyPaid ? "PAID" : "ISSUED";
    const last = invoice.payments.filter((p) => dec(p.amount.toFixed(2)).greaterThan(p.amountRefunded.toFixed(2))).at(-1);
    await tx.invoice.update({
      where: { id: invoiceId },
      data: {
        status,
        paidAmount: formatAmount(paid),
        amountDue: formatAmount(outstanding.greaterThan(0) ? outstanding : 0),
        paidAt: status === "PAID" ? (last?.paidAt ?? null) : null,
        paymentMethod: status === "PAID" ? (last?.method ?? null) : null,
      },
    });
    const settlement: Settlement = {
      status,
      paidAmount: formatAmount(paid),
      outstanding: formatAmount(outstanding.greaterThan(0) ? outstanding : 0),
      becamePaid: invoice.status !== "PAID" && status === "PAID",
      reversed: invoice.status === "PAID" && status !== "PAID",
    };
    if (settlement.becamePaid || settlement.reversed) logger.info({ invoiceId, ...settlement }, settlement.becamePaid ? "invoice paid" : "invoice payment reversed");
    return settlement;
  });
}

/** A line in the invoice's history. */
export async function recordInvoiceEvent(db: Db, e: { shopId: string; invoiceId: string; type: string; message: string; data?: Record<string, string | number | boolean | null> }): Promise<void> {
  await db.invoiceEvent.create({ data: { shopId: e.shopId, invoiceId: e.invoiceId, type: e.type, message: e.message, ...(e.data ? { data: e.data } : {}) } });
}
