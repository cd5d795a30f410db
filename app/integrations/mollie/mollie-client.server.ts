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
  method: string | null;
  paidAt: Date | null;
  checkoutUrl: string | null;
  metadata: unknown;
  failureReason: string | null;
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
    method: p.method ?? null,
    paidAt: p.paidAt ? new Date(p.paidAt) : null,
    checkoutUrl: p._links?.checkout?.href ?? null,
    metadata: p.metadata ?? null,
    failureReason: p.details?.failureReason ?? null,
  };
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
  };
}

/** Mollie checkout locale for an invoice language (Belgian variants for nl and fr). */
export function mollieLocale(language: string): string {
  return { nl: "nl_BE", fr: "fr_BE", de: "de_DE", en: "en_GB" }[language] ?? "en_GB";
}
