import type { Db } from "~/db.server";
import { logger } from "~/logger.server";

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

/**
 * The shop says the order is paid in full (its own checkout): the invoice becomes PAID, its amount
 * due zero, with the date and method — once; later deliveries change nothing.
 */
export async function recordChannelPayment(db: Db, invoiceId: string, payment: { paidAt: Date; method: string }): Promise<boolean> {
  const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { kind: true, taxInclusiveTotal: true } });
  if (invoice.kind !== "INVOICE") return false;
  const { count } = await db.invoice.updateMany({
    where: { id: invoiceId, status: "ISSUED" },
    data: { status: "PAID", paidAmount: invoice.taxInclusiveTotal, amountDue: 0, paidAt: payment.paidAt, paymentMethod: payment.method },
  });
  if (count) logger.info({ invoiceId, method: payment.method }, "invoice paid through the shop");
  return count > 0;
}
