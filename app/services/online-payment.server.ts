import type { Db } from "~/db.server";
import { dec, formatAmount } from "~/domain/money/money";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import type { PaymentStatus } from "~/generated/prisma/enums";
import { mollieGateway, mollieLocale, type MollieGateway, type MolliePayment } from "~/integrations/mollie/mollie-client.server";
import { logger } from "~/logger.server";
import { decryptSecret } from "~/utils/encryption.server";
import { recordInvoiceEvent, settleInvoicePayments, type Settlement } from "./settle-invoice-payments.server";

/** What happens after a payment changed an invoice: the store learns it is paid, the customer is thanked. */
export interface PaymentEffects {
  /** Marks the store order paid (Shopify orderMarkAsPaid); a job, retried. */
  enqueueOrderPaid: (invoiceId: string) => Promise<void>;
  /** Queues the thank-you e-mail when the shop wants one. */
  enqueueThankYou: (invoiceId: string) => Promise<void>;
}

/** A shop's Mollie connection, or null when the merchant has not configured online payment. */
export async function mollieForShop(db: Db, shopId: string): Promise<MollieGateway | null> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { mollieApiKey: true } });
  return shop.mollieApiKey ? mollieGateway(decryptSecret(shop.mollieApiKey)) : null;
}

/** An open attempt younger than this is reused when the shopper clicks "Pay online" again. */
const REUSE_OPEN_ATTEMPT_MS = 10 * 60_000;

export type OnlinePaymentBlock = "paid" | "credited" | "not-an-invoice" | "no-provider" | "above-maximum" | "nothing-due";

/** Why "Pay online" is not offered for an invoice, or null when it is. */
export function onlinePaymentBlock(i: { kind: string; status: string; amountDue: string; currency: string }, shop: { mollieApiKey: string | null; payOnlineMaxAmount: string | null }): OnlinePaymentBlock | null {
  if (i.kind !== "INVOICE") return "not-an-invoice";
  if (i.status === "PAID") return "paid";
  if (i.status === "CREDITED" || i.status === "CANCELLED") return "credited";
  if (!dec(i.amountDue).greaterThan(0)) return "nothing-due";
  if (!shop.mollieApiKey) return "no-provider";
  if (shop.payOnlineMaxAmount !== null && dec(i.amountDue).greaterThan(shop.payOnlineMaxAmount)) return "above-maximum";
  return null;
}

/**
 * "Pay online" on the payment page: a payment line (our id is Mollie's idempotency key, so a retried
 * create cannot make two payments), then the Mollie payment for what is still due. Returns the
 * checkout URL to send the shopper to.
 */
export async function startOnlinePayment(db: Db, token: string, gatewayFor: (shopId: string) => Promise<MollieGateway | null> = (id) => mollieForShop(db, id)): Promise<{ checkoutUrl: string; paymentId: string }> {
  const invoice = await db.invoice.findUnique({
    where: { publicToken: token },
    select: {
      id: true,
      shopId: true,
      kind: true,
      status: true,
      amountDue: true,
      currency: true,
      language: true,
      formattedNumber: true,
      shop: { select: { name: true, legalName: true, mollieApiKey: true, payOnlineMaxAmount: true } },
    },
  });
  if (!invoice) throw new AppError("NOT_FOUND", "This payment link is not valid");
  const block = onlinePaymentBlock(
    { ...invoice, amountDue: invoice.amountDue.toFixed(2) },
    { mollieApiKey: invoice.shop.mollieApiKey, payOnlineMaxAmount: invoice.shop.payOnlineMaxAmount?.toFixed(2) ?? null },
  );
  if (block) throw new AppError("BAD_REQUEST", `Online payment is not available for this invoice (${block})`, { details: { block } });
  const amount = formatAmount(invoice.amountDue.toFixed(2));

  const recent = await db.payment.findFirst({
    where: { invoiceId: invoice.id, provider: "MOLLIE", status: "OPEN", amount, checkoutUrl: { not: null }, createdAt: { gt: new Date(Date.now() - REUSE_OPEN_ATTEMPT_MS) } },
    orderBy: { createdAt: "desc" },
  });
  if (recent?.checkoutUrl) return { checkoutUrl: recent.checkoutUrl, paymentId: recent.id };

  const gateway = await gatewayFor(invoice.shopId);
  if (!gateway) throw new AppError("BAD_REQUEST", "Online payment is not available for this invoice (no-provider)");
  const attempt = await db.payment.create({
    data: { shopId: invoice.shopId, invoiceId: invoice.id, provider: "MOLLIE", status: "OPEN", amount, currency: invoice.currency },
  });
  const appUrl = env().SHOPIFY_APP_URL.replace(/\/$/, "");
  const returnUrl = `${appUrl}/pay/${token}?attempt=${attempt.id}`;
  try {
    const payment = await gateway.createPayment({
      amount: { currency: invoice.currency, value: amount },
      description: `${invoice.shop.legalName ?? invoice.shop.name ?? "Invoice"} ${invoice.formattedNumber}`.slice(0, 255),
      redirectUrl: returnUrl,
      cancelUrl: returnUrl,
      webhookUrl: `${appUrl}/webhooks/mollie/${invoice.shopId}`,
      locale: mollieLocale(invoice.language),
      metadata: { invoiceId: invoice.id, paymentId: attempt.id },
      idempotencyKey: attempt.id,
    });
    if (!payment.checkoutUrl) throw new AppError("UPSTREAM_REJECTED", `Mollie returned payment ${payment.id} without a checkout URL`);
    await db.payment.update({ where: { id: attempt.id }, data: { externalId: payment.id, checkoutUrl: payment.checkoutUrl, status: paymentStatus(payment.status) } });
    await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId: invoice.id, type: "payment.started", message: `Online payment started (${payment.id})`, data: { amount, payment: payment.id } });
    return { checkoutUrl: payment.checkoutUrl, paymentId: attempt.id };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await db.payment.update({ where: { id: attempt.id }, data: { status: "FAILED", failureReason: reason.slice(0, 500) } });
    await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId: invoice.id, type: "payment.error", message: `Online payment could not be started: ${reason}`.slice(0, 500) });
    logger.warn({ err: error, invoiceId: invoice.id }, "Mollie payment could not be created");
    throw new AppError("UPSTREAM_UNAVAILABLE", "Online payment is unavailable right now. Please try again in a moment or pay by bank transfer.", { cause: error });
  }
}

export function paymentStatus(status: MolliePayment["status"]): PaymentStatus {
  return status.toUpperCase() as PaymentStatus;
}

const STATUS_TEXT: Record<PaymentStatus, string> = {
  OPEN: "open",
  PENDING: "pending",
  AUTHORIZED: "authorized",
  PAID: "paid",
  FAILED: "failed",
  CANCELED: "canceled",
  EXPIRED: "expired",
};

/**
 * Mollie says something happened to a payment (webhook, or the shopper came back): fetch it — the
 * webhook's id is only a hint, the fetched state is the truth — and bring the payment line, the
 * invoice and the store in line with it. Idempotent: fetching the same state twice changes nothing.
 */
export async function syncMolliePayment(db: Db, shopId: string, molliePaymentId: string, effects: PaymentEffects, gatewayFor: (shopId: string) => Promise<MollieGateway | null> = (id) => mollieForShop(db, id)): Promise<{ status: string; invoiceId?: string; settlement?: Settlement }> {
  const gateway = await gatewayFor(shopId);
  if (!gateway) return { status: "ignored: the shop has no Mollie key" };
  const payment = await gateway.getPayment(molliePaymentId);
  const metadata = (payment.metadata ?? {}) as { invoiceId?: string; paymentId?: string };
  let line = await db.payment.findFirst({ where: { shopId, provider: "MOLLIE", externalId: payment.id } });
  if (!line && metadata.paymentId) line = await db.payment.findFirst({ where: { id: metadata.paymentId, shopId, provider: "MOLLIE" } });
  if (!line) return { status: `ignored: payment ${payment.id} is not one of this shop's invoices` };

  const status = paymentStatus(payment.status);
  const refunded = formatAmount(payment.amountRefunded);
  const changed = line.status !== status || line.amountRefunded.toFixed(2) !== refunded || line.externalId !== payment.id;
  if (changed) {
    await db.payment.update({
      where: { id: line.id },
      data: {
        externalId: payment.id,
        status,
        amountRefunded: refunded,
        method: payment.method,
        paidAt: payment.paidAt,
        failureReason: payment.failureReason,
      },
    });
    const money = `${line.currency} ${line.amount.toFixed(2)}`;
    const message =
      status === "PAID"
        ? dec(refunded).greaterThan(0)
          ? `Online payment ${payment.id}: ${line.currency} ${refunded} refunded`
          : `Paid online: ${money} (${payment.method ?? "Mollie"})`
        : `Online payment ${payment.id} ${STATUS_TEXT[status]}${payment.failureReason ? ` (${payment.failureReason})` : ""}: not paid`;
    await recordInvoiceEvent(db, { shopId, invoiceId: line.invoiceId, type: `payment.${status.toLowerCase()}`, message, data: { payment: payment.id, amount: line.amount.toFixed(2), refunded } });
  }
  const settlement = await settleWithEffects(db, line.invoiceId, effects);
  return { status: STATUS_TEXT[status], invoiceId: line.invoiceId, settlement };
}

/**
 * Settles the invoice from its payment lines and, when this call is the one that saw it become paid
 * (the row lock makes that exactly one caller), sets off the store write-back and the thank-you.
 */
export async function settleWithEffects(db: Db, invoiceId: string, effects: PaymentEffects): Promise<Settlement> {
  const settlement = await settleInvoicePayments(db, invoiceId);
  if (settlement.becamePaid) {
    await effects.enqueueOrderPaid(invoiceId);
    await effects.enqueueThankYou(invoiceId);
  }
  if (settlement.reversed) {
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { shopId: true, currency: true } });
    await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId, type: "payment.reversed", message: `The payment was refunded: ${invoice.currency} ${settlement.outstanding} is open again` });
  }
  return settlement;
}
