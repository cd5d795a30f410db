import type { Db } from "~/db.server";
import { netOf, settlePayments } from "~/domain/invoice/settle-payments";
import { Prisma } from "~/generated/prisma/client";
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
  /** The paid date and method written on the invoice (null unless PAID). */
  paidAt: Date | null;
  paymentMethod: string | null;
}

/** The invoice's fields a settlement writes, as it writes them (a copy of the row kept in step: decision 030). */
export function settledFields(s: Settlement) {
  return { status: s.status, paidAmount: new Prisma.Decimal(s.paidAmount), amountDue: new Prisma.Decimal(s.outstanding), paidAt: s.paidAt, paymentMethod: s.paymentMethod };
}

/**
 * Recomputes an invoice's payment state from its payment lines: paid amount = Σ (amount − refunded
 * − charged back) of the PAID lines; PAID when that covers the total minus its credit notes. The invoice row is
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
        payments: { where: { status: "PAID" }, select: { amount: true, amountRefunded: true, amountChargedBack: true, paidAt: true, method: true, provider: true }, orderBy: { paidAt: "asc" } },
      },
    });
    const settled = settlePayments(invoice, invoice.payments, invoice.creditNotes);
    const { status, paidAt, paymentMethod } = settled;
    await tx.invoice.update({ where: { id: invoiceId }, data: { status, paidAmount: settled.paidAmount, amountDue: settled.outstanding, paidAt, paymentMethod } });
    const settlement: Settlement = {
      ...settled,
      becamePaid: invoice.status !== "PAID" && status === "PAID",
      reversed: invoice.status === "PAID" && status !== "PAID",
    };
    if (settlement.becamePaid || settlement.reversed) logger.info({ invoiceId, ...settlement }, settlement.becamePaid ? "invoice paid" : "invoice payment reversed");
    return settlement;
  });
}

export { netOf };

/** A line in the invoice's history. */
export async function recordInvoiceEvent(db: Db, e: { shopId: string; invoiceId: string; type: string; message: string; data?: Record<string, string | number | boolean | null> }): Promise<void> {
  await db.invoiceEvent.create({ data: { shopId: e.shopId, invoiceId: e.invoiceId, type: e.type, message: e.message, ...(e.data ? { data: e.data } : {}) } });
}
