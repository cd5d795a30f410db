import { createMollieClient, type MollieClient } from "@mollie/api-client";
import { z } from "zod";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";

/**
 * Mollie through its official client, with the merchant's own API key. Mollie's types stay here:
 * callers get a MolliePayment. The client pins Mollie's CA bundle, so the fake Mollie (HTTPS with a
 * self-signed certificate) is only reachable when the process runs with NODE_TLS_REJECT_UNAUTHORIZED=0,
 * which the tests and the offline demo set for their own processes (docs/decisions/006).
 */
export type MolliePaymentStatus = "open" | "canceled" | "pending" | "authorized" | "expired" | "failed" | "paid";

export interface MolliePayment {
  id: string;
  status: MolliePaymentStatus;
  amount: { currency: string; value: string };
  amountRefunded: string;
  /** Mollie's total charged back ("Only available when the total charged back amount is not zero"): "0.00" otherwise. */
  amountChargedBack: string;
  method: string | null;
  paidAt: Date | null;
  checkoutUrl: string | null;
  metadata: unknown;
  failureReason: string | null;
}

/** A refund of a payment, as GET /v2/payments/{id}/refunds lists it (also refunds made in Mollie's dashboard). */
export interface MollieRefund {
  id: string;
  amount: string;
  currency: string;
  /** queued, pending, processing, refunded, failed or canceled (Mollie's RefundStatus). */
  status: string;
  description: string | null;
  createdAt: Date;
}

/** A chargeback of a payment, as GET /v2/payments/{id}/chargebacks lists it. */
export interface MollieChargeback {
  id: string;
  amount: string;
  currency: string;
  /** The bank's reason ("AC04: Account closed"); Mollie gives one for SEPA Direct Debit only. */
  reason: string | null;
  createdAt: Date;
  /** Set when the chargeback was reversed (the money is back with the merchant). */
  reversedAt: Date | null;
}

export interface CreateMolliePayment {
  amount: { currency: string; value: string };
  description: string;
  redirectUrl: string;
  cancelUrl?: string;
  webhookUrl: string;
  locale: string;
  metadata: Record<string, string>;
  /** Sent as Idempotency-Key: a retried create returns the same payment. */
  idempotencyKey: string;
}

export interface MollieGateway {
  createPayment(input: CreateMolliePayment): Promise<MolliePayment>;
  getPayment(id: string): Promise<MolliePayment>;
  /** Every refund of a payment (all pages). */
  listRefunds(paymentId: string): Promise<MollieRefund[]>;
  /** Every chargeback of a payment (all pages). */
  listChargebacks(paymentId: string): Promise<MollieChargeback[]>;
}

const MOLLIE_API_KEY = /^(test|live)_[A-Za-z0-9]{30,}$/;

export function isMollieApiKey(value: string): boolean {
  return MOLLIE_API_KEY.test(value);
}

const PaymentResponse = z.object({
  id: z.string(),
  status: z.enum(["open", "canceled", "pending", "authorized", "expired", "failed", "paid"]),
  amount: z.object({ currency: z.string(), value: z.string() }),
  amountRefunded: z.object({ value: z.string() }).nullish(),
  amountChargedBack: z.object({ value: z.string() }).nullish(),
  method: z.string().nullish(),
  paidAt: z.string().nullish(),
  metadata: z.unknown().optional(),
  details: z.object({ failureReason: z.string().nullish() }).passthrough().nullish(),
  _links: z.object({ checkout: z.object({ href: z.string() }).nullish() }).passthrough().nullish(),
});

function toPayment(raw: unknown): MolliePayment {
  const p = PaymentResponse.parse(raw);
  return {
    id: p.id,
    status: p.status,
    amount: p.amount,
    amountRefunded: p.amountRefunded?.value ?? "0.00",
    amountChargedBack: p.amountChargedBack?.value ?? "0.00",
    method: p.method ?? null,
    paidAt: p.paidAt ? new Date(p.paidAt) : null,
    checkoutUrl: p._links?.checkout?.href ?? null,
    metadata: p.metadata ?? null,
    failureReason: p.details?.failureReason ?? null,
  };
}

const Amount = z.object({ currency: z.string(), value: z.string().regex(/^-?\d+\.\d{2}$/) });
const RefundResponse = z.object({
  id: z.string().regex(/^re_/),
  amount: Amount,
  status: z.string(),
  description: z.string().nullish(),
  createdAt: z.string(),
});
const ChargebackResponse = z.object({
  id: z.string().regex(/^chb_/),
  amount: Amount,
  createdAt: z.string(),
  reason: z.object({ code: z.string().nullish(), description: z.string().nullish() }).nullish(),
  reversedAt: z.string().nullish(),
});

function toRefund(raw: unknown): MollieRefund {
  const r = RefundResponse.parse(raw);
  return { id: r.id, amount: r.amount.value, currency: r.amount.currency, status: r.status, description: r.description ?? null, createdAt: new Date(r.createdAt) };
}

function toChargeback(raw: unknown): MollieChargeback {
  const c = ChargebackResponse.parse(raw);
  const reason = [c.reason?.code, c.reason?.description].filter(Boolean).join(": ");
  return { id: c.id, amount: c.amount.value, currency: c.amount.currency, reason: reason || null, createdAt: new Date(c.createdAt), reversedAt: c.reversedAt ? new Date(c.reversedAt) : null };
}

/** Mollie's errors as AppErrors: a refused request is permanent, an unreachable or failing Mollie is retried. */
function toAppError(error: unknown): AppError {
  const status = typeof error === "object" && error !== null && "statusCode" in error ? Number((error as { statusCode?: number }).statusCode) : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  if (status === 401) return new AppError("UPSTREAM_REJECTED", "Mollie refused the API key (401): check the key in Facto's payment settings", { cause: error });
  if (status === 429) return new AppError("THROTTLED", "Mollie rate limit reached; retrying later", { cause: error });
  if (status && status >= 400 && status < 500) return new AppError("UPSTREAM_REJECTED", `Mollie refused the request (${status}): ${detail}`, { cause: error, details: { status } });
  return new AppError("UPSTREAM_UNAVAILABLE", `Mollie is unavailable${status ? ` (${status})` : ""}: ${detail}`, { cause: error });
}

export function mollieGateway(apiKey: string, apiEndpoint: string = env().MOLLIE_API_BASE_URL): MollieGateway {
  if (!isMollieApiKey(apiKey)) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "The Mollie API key must start with test_ or live_");
  const client: MollieClient = createMollieClient({ apiKey, apiEndpoint });
  return {
    async createPayment(input) {
      try {
        const payment = await client.payments.create({
          amount: input.amount,
          description: input.description,
          redirectUrl: input.redirectUrl,
          ...(input.cancelUrl ? { cancelUrl: input.cancelUrl } : {}),
          webhookUrl: input.webhookUrl,
          // Mollie's locale type is a closed union of its supported locales; ours come from mollieLocale().
          locale: input.locale as never,
          metadata: input.metadata,
          idempotencyKey: input.idempotencyKey,
        });
        return toPayment(payment);
      } catch (error) {
        throw error instanceof z.ZodError ? new AppError("UPSTREAM_REJECTED", `unexpected Mollie response: ${error.message}`) : toAppError(error);
      }
    },
    async getPayment(id) {
      try {
        return toPayment(await client.payments.get(id));
      } catch (error) {
        throw error instanceof z.ZodError ? new AppError("UPSTREAM_REJECTED", `unexpected Mollie response: ${error.message}`) : toAppError(error);
      }
    },
    async listRefunds(paymentId) {
      try {
        const refunds: MollieRefund[] = [];
        // iterate() follows _links.next over every page (Mollie pages lists by 50 by default).
        for await (const refund of client.paymentRefunds.iterate({ paymentId })) refunds.push(toRefund(refund));
        return refunds;
      } catch (error) {
        throw error instanceof z.ZodError ? new AppError("UPSTREAM_REJECTED", `unexpected Mollie refunds response: ${error.message}`) : toAppError(error);
      }
    },
    async listChargebacks(paymentId) {
      try {
        const chargebacks: MollieChargeback[] = [];
        for await (const chargeback of client.paymentChargebacks.iterate({ paymentId })) chargebacks.push(toChargeback(chargeback));
        return chargebacks;
      } catch (error) {
        throw error instanceof z.ZodError ? new AppError("UPSTREAM_REJECTED", `unexpected Mollie chargebacks response: ${error.message}`) : toAppError(error);
      }
    },
  };
}

/** Mollie checkout locale for an invoice language (Belgian variants for nl and fr). */
export function mollieLocale(language: string): string {
  return { nl: "nl_BE", fr: "fr_BE", de: "de_DE", en: "en_GB" }[language] ?? "en_GB";
}
