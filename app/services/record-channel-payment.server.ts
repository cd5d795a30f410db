import type { Db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { logger } from "~/logger.server";
import { channelPaymentEvent, channelPaymentExternalId } from "~/models/channel-payment.server";
import { recordInvoiceEvent, settleInvoicePayments, type Settlement } from "./settle-invoice-payments.server";

const GATEWAY_NAMES: Record<string, string> = {
  shopify_payments: "Shopify Payments",
  bogus: "Test gateway",
  manual: "Manual",
  paypal: "PayPal",
  mollie: "Mollie",
};

/** "shopify_payments" → "Shopify Payments"; unknown gateways keep a readable form of their name. */
export function paymentMethodLabel(gateways: string[]): string {
  const names = gateways.map((g) => GATEWAY_NAMES[g] ?? g.replace(/[_-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()));
  return names.join(", ") || "Online";
}

/** The fields of an invoice recordChannelPayment reads (its caller loads them). */
export const CHANNEL_PAYMENT_SELECT = { id: true, kind: true, status: true, shopId: true, amountDue: true, currency: true } as const satisfies Prisma.InvoiceSelect;
export type ChannelPaymentTarget = Prisma.InvoiceGetPayload<{ select: typeof CHANNEL_PAYMENT_SELECT }>;

/**
 * The shop says the order is paid in full (its own checkout): a CHANNEL payment line for the
 * outstanding amount, once per invoice (later deliveries find it and change nothing), and the
 * invoice becomes PAID with the date and method. Returns the settlement when a line was recorded
 * (null when there was nothing to record).
 */
export async function recordChannelPayment(db: Db, invoice: ChannelPaymentTarget, payment: { paidAt: Date; method: string }): Promise<Settlement | null> {
  const invoiceId = invoice.id;
  if (invoice.kind !== "INVOICE" || invoice.status !== "ISSUED" || !invoice.amountDue.greaterThan(0)) return null;
  const externalId = channelPaymentExternalId(invoiceId);
  const created = await db.payment.createMany({
    data: [{ shopId: invoice.shopId, invoiceId, provider: "CHANNEL", externalId, status: "PAID", amount: invoice.amountDue, currency: invoice.currency, method: payment.method, paidAt: payment.paidAt }],
    skipDuplicates: true,
  });
  if (!created.count) return null;
  const settled = await settleInvoicePayments(db, invoiceId);
  await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId, ...channelPaymentEvent(payment.method, invoice.amountDue.toFixed(2)) });
  if (settled.becamePaid) logger.info({ invoiceId, method: payment.method }, "invoice paid through the shop");
  return settled;
}
