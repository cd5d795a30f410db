import { settlePayments } from "~/domain/invoice/settle-payments";
import { dec, formatAmount } from "~/domain/money/money";
import type { Prisma } from "~/generated/prisma/client";

/** The one CHANNEL payment line of an invoice paid in its store's checkout: its id at the provider (unique). */
export const channelPaymentExternalId = (invoiceId: string) => `order:${invoiceId}`;

/** The history line of a payment made in the store's checkout. */
export const channelPaymentEvent = (method: string, amount: string) => ({ type: "payment.paid", message: `Paid through the shop (${method})`, data: { amount } });

/**
 * An invoice about to be inserted whose order is paid in full in its store's checkout (decision 030):
 * its CHANNEL payment line, its history line and the fields the settlement gives it — the very rows
 * recordChannelPayment + settleInvoicePayments would write just after the insert, written with it
 * (nine statements fewer per paid order). Null when there is nothing to record (not an invoice, or
 * nothing due).
 */
export function paidAtIssue(invoice: Prisma.InvoiceCreateManyInput & { id: string }, paid: { paidAt: Date; method: string }) {
  const due = dec(invoice.amountDue.toString());
  if (invoice.kind !== "INVOICE" || !due.greaterThan(0)) return null;
  const amount = formatAmount(due);
  const zero = dec(0);
  const settled = settlePayments({ status: "ISSUED", kind: invoice.kind, taxInclusiveTotal: dec(invoice.taxInclusiveTotal.toString()) }, [{ amount: due, amountRefunded: zero, amountChargedBack: zero, paidAt: paid.paidAt, method: paid.method }], []);
  const payment: Prisma.PaymentCreateManyInput = {
    shopId: invoice.shopId,
    invoiceId: invoice.id,
    provider: "CHANNEL",
    externalId: channelPaymentExternalId(invoice.id),
    status: "PAID",
    amount,
    currency: invoice.currency,
    method: paid.method,
    paidAt: paid.paidAt,
  };
  const event: Prisma.InvoiceEventCreateManyInput = { shopId: invoice.shopId, invoiceId: invoice.id, ...channelPaymentEvent(paid.method, amount) };
  const fields = { status: settled.status, paidAmount: settled.paidAmount, amountDue: settled.outstanding, paidAt: settled.paidAt, paymentMethod: settled.paymentMethod } satisfies Partial<Prisma.InvoiceCreateManyInput>;
  return { payment, event, fields };
}
