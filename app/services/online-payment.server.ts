import { publicTokenHash } from "~/services/pay-token.server";
import type { Db } from "~/db.server";
import { dec, formatAmount, sum } from "~/domain/money/money";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import type { PaymentStatus } from "~/generated/prisma/enums";
import { mollieGateway, mollieLocale, type MollieChargeback, type MollieGateway, type MolliePayment, type MollieRefund } from "~/integrations/mollie/mollie-client.server";
import { logger } from "~/logger.server";
import { decryptSecret } from "~/utils/encryption.server";
import { recordInvoiceEvent, settleInvoicePayments, type Settlement } from "./settle-invoice-payments.server";

/**
 * What happens after a payment changed an invoice: the store learns it is paid, the customer is
 * thanked. Every member is required (decision 024): a caller that has no use for one passes a function
 * that says so, never nothing.
 */
export interface PaymentEffects {
  /** Marks the store order paid (Shopify orderMarkAsPaid); a job, retried. */
  enqueueOrderPaid: (invoiceId: string) => Promise<void>;
  /** Queues the thank-you e-mail when the shop wants one. */
  enqueueThankYou: (invoiceId: string) => Promise<void>;
  /** E-mails the merchant (a chargeback). When it throws the notice stays due and the next sync sends it. */
  notifyMerchant: (shopId: string, subject: string, text: string) => Promise<void>;
  /** Writes the invoice's status to the store order again (Facto's own metafield), after a reversal. */
  enqueueStoreStatus: (invoiceId: string) => Promise<void>;
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
    where: { publicTokenHash: publicTokenHash(token) },
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
 *
 * A paid payment stays `paid` after a refund or a chargeback: what changed is `amountRefunded`,
 * `amountChargedBack` and the payment's refunds and chargebacks lists. Each refund and chargeback is
 * recorded once by its Mollie id (PaymentReversal) with its line in the invoice history; the line's
 * net amount drops, the invoice is settled again (unpaid or partially paid), and for a chargeback the
 * merchant is e-mailed (docs/decisions/013).
 */
export async function syncMolliePayment(db: Db, shopId: string, molliePaymentId: string, effects: PaymentEffects, gatewayFor: (shopId: string) => Promise<MollieGateway | null> = (id) => mollieForShop(db, id)): Promise<{ status: string; invoiceId?: string; settlement?: Settlement }> {
  const gateway = await gatewayFor(shopId);
  if (!gateway) return { status: "ignored: the shop has no Mollie key" };
  const payment = await gateway.getPayment(molliePaymentId);
  const metadata = (payment.metadata ?? {}) as { invoiceId?: string; paymentId?: string };
  let line = await db.payment.findFirst({ where: { shopId, provider: "MOLLIE", externalId: payment.id } });
  if (!line && metadata.paymentId) line = await db.payment.findFirst({ where: { id: metadata.paymentId, shopId, provider: "MOLLIE" } });
  if (!line) return { status: `ignored: payment ${payment.id} is not one of this shop's invoices` };

  // The lists are read when Mollie's totals say there is something in them, or when we recorded
  // something before (a chargeback reversed later, a refund that failed).
  const known = await db.paymentReversal.findMany({ where: { paymentId: line.id }, select: { kind: true } });
  const readRefunds = dec(payment.amountRefunded).greaterThan(0) || known.some((k) => k.kind === "REFUND");
  const readChargebacks = dec(payment.amountChargedBack).greaterThan(0) || known.some((k) => k.kind === "CHARGEBACK");
  const refunds = readRefunds ? await gateway.listRefunds(payment.id) : [];
  const chargebacks = readChargebacks ? await gateway.listChargebacks(payment.id) : [];

  const status = paymentStatus(payment.status);
  const refunded = formatAmount(payment.amountRefunded);
  // A reversed chargeback gives the money back to the merchant: only the chargebacks still standing
  // count. Without a list (Mollie's total but no items yet), Mollie's total is taken as it is.
  const chargedBack = formatAmount(chargebacks.length ? sum(chargebacks.filter((c) => !c.reversedAt).map((c) => dec(c.amount).abs())) : payment.amountChargedBack);
  const statusChanged = line.status !== status || line.externalId !== payment.id;
  const refundChanged = line.amountRefunded.toFixed(2) !== refunded;
  const chargebackChanged = line.amountChargedBack.toFixed(2) !== chargedBack;
  if (statusChanged || refundChanged || chargebackChanged) {
    await db.payment.update({
      where: { id: line.id },
      data: {
        externalId: payment.id,
        status,
        amountRefunded: refunded,
        amountChargedBack: chargedBack,
        method: payment.method,
        paidAt: payment.paidAt,
        failureReason: payment.failureReason,
      },
    });
  }
  const money = `${line.currency} ${line.amount.toFixed(2)}`;
  if (statusChanged) {
    const message =
      status === "PAID"
        ? `Paid online: ${money} (${payment.method ?? "Mollie"})`
        : `Online payment ${payment.id} ${STATUS_TEXT[status]}${payment.failureReason ? ` (${payment.failureReason})` : ""}: not paid`;
    await recordInvoiceEvent(db, { shopId, invoiceId: line.invoiceId, type: `payment.${status.toLowerCase()}`, message, data: { payment: payment.id, amount: line.amount.toFixed(2), refunded } });
  }
  const reversals = { shopId, invoiceId: line.invoiceId, paymentId: line.id, molliePaymentId: payment.id };
  await recordMollieRefunds(db, reversals, refunds);
  if (refundChanged && refunds.length === 0) {
    // Mollie's total moved but its list is still empty (it lags behind): the change is in the history all the same.
    await recordInvoiceEvent(db, { shopId, invoiceId: line.invoiceId, type: "payment.refunded", message: `Online payment ${payment.id}: ${line.currency} ${refunded} refunded in total`, data: { payment: payment.id, refunded } });
  }
  const chargebackNews = await recordMollieChargebacks(db, reversals, chargebacks);
  if (chargebackChanged && !chargebackNews && !chargebacks.length) {
    await recordInvoiceEvent(db, { shopId, invoiceId: line.invoiceId, type: "payment.charged_back", message: `Online payment ${payment.id}: ${line.currency} ${chargedBack} charged back in total`, data: { payment: payment.id, chargedBack } });
  }

  const settlement = await settleWithEffects(db, line.invoiceId, effects, chargebackChanged && dec(chargedBack).greaterThan(line.amountChargedBack.toFixed(2)) ? "chargeback" : "refund");
  // A refund or chargeback moved the invoice in or out of PAID: Facto's status on the store order follows
  // (the store's own payment status is the merchant's; docs/decisions/013).
  if ((refundChanged || chargebackChanged) && (settlement.reversed || settlement.becamePaid)) await effects.enqueueStoreStatus(line.invoiceId);
  await notifyMerchantOfChargebacks(db, line.id, effects);
  return { status: STATUS_TEXT[status], invoiceId: line.invoiceId, settlement };
}

interface ReversalContext {
  shopId: string;
  invoiceId: string;
  /** Our payment line. */
  paymentId: string;
  molliePaymentId: string;
}

const REFUND_STATUS_TEXT: Record<string, string> = {
  queued: "queued (Mollie waits for balance)",
  pending: "pending",
  processing: "being processed",
  refunded: "refunded",
  failed: "failed: the money is back with the merchant",
  canceled: "canceled",
};

/** Each refund once by its id (also those made in Mollie's dashboard), and each change of its status. */
async function recordMollieRefunds(db: Db, c: ReversalContext, refunds: MollieRefund[]): Promise<void> {
  for (const r of refunds) {
    const amount = formatAmount(dec(r.amount).abs());
    const inserted = await db.paymentReversal.createMany({
      data: [{ paymentId: c.paymentId, kind: "REFUND", externalId: r.id, amount, currency: r.currency, status: r.status, reason: r.description, occurredAt: r.createdAt }],
      skipDuplicates: true,
    });
    if (inserted.count) {
      await recordInvoiceEvent(db, {
        shopId: c.shopId,
        invoiceId: c.invoiceId,
        type: "payment.refunded",
        message: `Refund ${r.id} of online payment ${c.molliePaymentId}: ${r.currency} ${amount} (${REFUND_STATUS_TEXT[r.status] ?? r.status})`,
        data: { payment: c.molliePaymentId, refund: r.id, amount, status: r.status },
      });
      continue;
    }
    const moved = await db.paymentReversal.updateMany({ where: { paymentId: c.paymentId, externalId: r.id, status: { not: r.status } }, data: { status: r.status } });
    if (moved.count) {
      await recordInvoiceEvent(db, {
        shopId: c.shopId,
        invoiceId: c.invoiceId,
        type: `payment.refund_${r.status}`,
        message: `Refund ${r.id} of online payment ${c.molliePaymentId} (${r.currency} ${amount}): ${REFUND_STATUS_TEXT[r.status] ?? r.status}`,
        data: { payment: c.molliePaymentId, refund: r.id, amount, status: r.status },
      });
    }
  }
}

/** Each chargeback once by its id, and its reversal once. Returns whether anything was new. */
async function recordMollieChargebacks(db: Db, c: ReversalContext, chargebacks: MollieChargeback[]): Promise<boolean> {
  let news = false;
  for (const cb of chargebacks) {
    const amount = formatAmount(dec(cb.amount).abs());
    const inserted = await db.paymentReversal.createMany({
      data: [{ paymentId: c.paymentId, kind: "CHARGEBACK", externalId: cb.id, amount, currency: cb.currency, reason: cb.reason, occurredAt: cb.createdAt, reversedAt: cb.reversedAt }],
      skipDuplicates: true,
    });
    if (inserted.count) {
      news = true;
      await recordInvoiceEvent(db, {
        shopId: c.shopId,
        invoiceId: c.invoiceId,
        type: "payment.charged_back",
        message: `Chargeback ${cb.id} of online payment ${c.molliePaymentId}: the customer's bank took back ${cb.currency} ${amount}${cb.reason ? ` (${cb.reason})` : ""}`,
        data: { payment: c.molliePaymentId, chargeback: cb.id, amount, reason: cb.reason },
      });
    }
    if (cb.reversedAt) {
      const reversed = await db.paymentReversal.updateMany({ where: { paymentId: c.paymentId, externalId: cb.id, reversedAt: null }, data: { reversedAt: cb.reversedAt } });
      // A chargeback first seen already reversed gets both lines: it happened, and it was undone.
      if (reversed.count || (inserted.count && cb.reversedAt)) {
        news = true;
        await recordInvoiceEvent(db, {
          shopId: c.shopId,
          invoiceId: c.invoiceId,
          type: "payment.chargeback_reversed",
          message: `Chargeback ${cb.id} of online payment ${c.molliePaymentId} was reversed: ${cb.currency} ${amount} is back with the merchant`,
          data: { payment: c.molliePaymentId, chargeback: cb.id, amount },
        });
      }
    }
  }
  return news;
}

/**
 * E-mails the merchant about each chargeback of the line not yet told, once: the row is claimed
 * before sending (so two webhooks at once send one e-mail) and released when the mail fails (so the
 * retried job sends it).
 */
async function notifyMerchantOfChargebacks(db: Db, paymentId: string, effects: PaymentEffects): Promise<void> {
  const due = await db.paymentReversal.findMany({ where: { paymentId, kind: "CHARGEBACK", merchantNotifiedAt: null }, orderBy: { occurredAt: "asc" } });
  for (const row of due) {
    const claimed = await db.paymentReversal.updateMany({ where: { id: row.id, merchantNotifiedAt: null }, data: { merchantNotifiedAt: new Date() } });
    if (!claimed.count) continue;
    try {
      const line = await db.payment.findUniqueOrThrow({
        where: { id: paymentId },
        select: { shopId: true, externalId: true, invoice: { select: { id: true, formattedNumber: true, channelOrderName: true, status: true, amountDue: true, paidAmount: true, currency: true, buyer: true } } },
      });
      const { invoice } = line;
      const buyer = (invoice.buyer as { name?: string } | null)?.name ?? "the customer";
      const order = invoice.channelOrderName ? ` (order ${invoice.channelOrderName})` : "";
      const state = row.reversedAt
        ? "The bank has since reversed it: the money is back with you and nothing needs doing."
        : invoice.status === "PAID"
          ? "The invoice is still paid in full by its other payments."
          : invoice.paidAmount.greaterThan(0)
            ? `The invoice is partially paid again: ${invoice.currency} ${invoice.amountDue.toFixed(2)} is open.`
            : `The invoice is unpaid again: ${invoice.currency} ${invoice.amountDue.toFixed(2)} is open.`;
      await effects.notifyMerchant(
        line.shopId,
        `Chargeback on invoice ${invoice.formattedNumber}`,
        [
          `${buyer}'s bank charged back ${row.currency} ${row.amount.toFixed(2)} of the online payment ${line.externalId} of invoice ${invoice.formattedNumber}${order}${row.reason ? ` — reason: ${row.reason}` : ""} (Mollie chargeback ${row.externalId}).`,
          state,
          "Facto does not change the order's payment status in your store (a store cannot mark an order unpaid); Facto's invoice status on the order follows. Contact the customer; if the sale is off, refund or cancel the order in your store and Facto issues the credit note.",
        ].join("\n"),
      );
    } catch (error) {
      await db.paymentReversal.update({ where: { id: row.id }, data: { merchantNotifiedAt: null } });
      throw error;
    }
  }
}

/**
 * Settles the invoice from its payment lines and, when this call is the one that saw it become paid
 * (the row lock makes that exactly one caller), sets off the store write-back and the thank-you.
 */
export async function settleWithEffects(db: Db, invoiceId: string, effects: PaymentEffects, cause: "refund" | "chargeback" = "refund"): Promise<Settlement> {
  const settlement = await settleInvoicePayments(db, invoiceId);
  if (settlement.becamePaid) {
    await effects.enqueueOrderPaid(invoiceId);
    await effects.enqueueThankYou(invoiceId);
  }
  if (settlement.reversed) {
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { shopId: true, currency: true } });
    const why = cause === "chargeback" ? "The payment was charged back" : "The payment was refunded";
    await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId, type: "payment.reversed", message: `${why}: ${invoice.currency} ${settlement.outstanding} is open again`, data: { cause } });
  }
  return settlement;
}
