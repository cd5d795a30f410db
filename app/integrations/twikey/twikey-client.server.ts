import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "~/errors/app-error";
import { guardedFetch, outboundPolicy } from "~/integrations/outbound/outbound-guard.server";

/**
 * Twikey's creditor API (no maintained Node SDK exists): login with the API key, the session token
 * cached for 23 h and renewed on 401 / `ApiError: err_no_login`; invites, mandate PDF, collections
 * with an Idempotency-Key, and the mandate and transaction feeds read from a persisted position
 * (X-RESUME-AFTER → X-LAST). Twikey's types stay in this folder.
 */
export const TWIKEY_PRODUCTION = "https://api.twikey.com/creditor";
export const TWIKEY_SANDBOX = "https://api.beta.twikey.com/creditor";

export interface TwikeyMandateEvent {
  kind: "new" | "updated" | "cancelled";
  mndtId: string;
  scheme: string | null;
  debtorName: string | null;
  email: string | null;
  iban: string | null;
  bic: string | null;
  customerNumber: string | null;
  cancelReason: string | null;
  at: string | null;
}

export interface TwikeyTransactionEvent {
  id: string;
  mndtId: string | null;
  ref: string | null;
  amount: string | null;
  state: string;
  final: boolean;
  bookedAt: string | null;
  bankError: string | null;
  bankMessage: string | null;
}

export interface TwikeyClient {
  invite(input: { template: string; language: string; email?: string | null; name?: string | null; companyName?: string | null; vatNumber?: string | null; customerNumber: string; sendInvite: boolean }): Promise<{ url: string | null; key: string | null; mndtId: string }>;
  mandateFeed(position: string | null): Promise<{ events: TwikeyMandateEvent[]; last: string | null }>;
  transactionFeed(position: string | null): Promise<{ events: TwikeyTransactionEvent[]; last: string | null }>;
  createTransaction(input: { mndtId: string; amount: string; message: string; ref: string; idempotencyKey: string }): Promise<{ id: string }>;
  mandatePdf(mndtId: string): Promise<Buffer>;
  /** The mandate's state now (X-STATE) and whether it can be collected (X-COLLECTABLE). */
  mandateDetail(mndtId: string): Promise<{ state: string | null; collectable: boolean }>;
  cancelMandate(mndtId: string, reason: string): Promise<void>;
  createPaymentLink(input: { template: string; title: string; remittance: string; amount: string; ref: string; redirectUrl?: string | null; email?: string | null; name?: string | null; language: string; idempotencyKey: string }): Promise<{ id: string; url: string }>;
}

const tokens = new Map<string, { token: string; expires: number }>();
const TOKEN_LIFETIME_MS = 23 * 3600 * 1000;

export class TwikeyError extends AppError {}

export function twikeyClient(options: { baseUrl: string; apiKey: string; timeoutMs?: number; fetchImpl?: typeof fetch }): TwikeyClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  // A tenant's URL is typed by the merchant: every call goes through the outbound guard.
  const doFetch = options.fetchImpl ?? guardedFetch(outboundPolicy({ timeoutMs: options.timeoutMs ?? 15_000 }));
  const cacheKey = `${base}|${options.apiKey}`;

  async function login(): Promise<string> {
    const response = await send(`${base}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ apiToken: options.apiKey }).toString() });
    const header = response.headers.get("authorization");
    const body = (await response.json().catch(() => ({}))) as { Authorization?: string };
    const token = header ?? body.Authorization;
    if (!response.ok || !token) throw await failure(response, "login", body);
    tokens.set(cacheKey, { token, expires: Date.now() + TOKEN_LIFETIME_MS });
    return token;
  }

  async function send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
    } catch (error) {
      throw new TwikeyError("UPSTREAM_UNAVAILABLE", `Twikey could not be reached: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async function failure(response: Response, what: string, body?: unknown): Promise<TwikeyError> {
    const parsed = (body ?? (await response.json().catch(() => null))) as { code?: string; message?: string } | null;
    const code = parsed?.code ?? response.headers.get("apierrorcode") ?? response.headers.get("apierror") ?? `HTTP ${response.status}`;
    const message = `Twikey refused ${what} (${code})${parsed?.message ? `: ${parsed.message}` : ""}`;
    if (response.status === 429 || response.status >= 500) return new TwikeyError("UPSTREAM_UNAVAILABLE", message, { details: { code } });
    return new TwikeyError("UPSTREAM_REJECTED", message, { details: { code } });
  }

  /** An authenticated call; a 401 or err_no_login logs in again once. */
  async function call(path: string, init: RequestInit & { what: string }, retried = false): Promise<Response> {
    const cached = tokens.get(cacheKey);
    const token = cached && cached.expires > Date.now() ? cached.token : await login();
    const response = await send(`${base}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: token } });
    const noLogin = response.status === 401 || response.headers.get("apierror") === "err_no_login";
    if (noLogin && !retried) {
      tokens.delete(cacheKey);
      return call(path, init, true);
    }
    if (!response.ok) throw await failure(response, init.what);
    return response;
  }

  const form = (values: Record<string, string | null | undefined>) =>
    new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")).toString();

  return {
    async invite(input) {
      const [firstname, ...rest] = (input.name ?? "").trim().split(/\s+/);
      const response = await call("/invite", {
        what: "the mandate invitation",
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: form({ ct: input.template, l: input.language, email: input.email, firstname, lastname: rest.join(" "), companyName: input.companyName, vatno: input.vatNumber, customerNumber: input.customerNumber, sendInvite: input.sendInvite ? "true" : "false" }),
      });
      const body = (await response.json()) as { url?: string; key?: string; mndtId?: string };
      if (!body.mndtId) throw new TwikeyError("UPSTREAM_REJECTED", "Twikey answered the invitation without a mandate id");
      return { url: body.url ?? null, key: body.key ?? null, mndtId: body.mndtId };
    },
    async mandateFeed(position) {
      const response = await call("/mandate?include=id&include=mandate&chunkSize=100", { what: "the mandate feed", method: "GET", headers: position ? { "X-RESUME-AFTER": position } : {} });
      const body = (await response.json()) as { Messages?: MandateMessage[] };
      return { events: (body.Messages ?? []).map(toMandateEvent), last: response.headers.get("x-last") };
    },
    async transactionFeed(position) {
      const response = await call("/transaction?chunkSize=100", { what: "the transaction feed", method: "GET", headers: position ? { "X-RESUME-AFTER": position } : {} });
      const body = (await response.json()) as { Entries?: TransactionEntry[] };
      return { events: (body.Entries ?? []).map(toTransactionEvent), last: response.headers.get("x-last") };
    },
    async createTransaction(input) {
      const response = await call("/transaction", {
        what: "the collection",
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": input.idempotencyKey },
        body: form({ mndtId: input.mndtId, amount: input.amount, message: input.message.slice(0, 140), ref: input.ref }),
      });
      const body = (await response.json()) as { Entries?: { id: number | string }[] };
      const id = body.Entries?.[0]?.id;
      if (id === undefined) throw new TwikeyError("UPSTREAM_REJECTED", "Twikey answered the collection without a transaction id");
      return { id: String(id) };
    },
    async mandateDetail(mndtId) {
      const response = await call(`/mandate/detail?mndtId=${encodeURIComponent(mndtId)}`, { what: "the mandate detail", method: "GET" });
      await response.arrayBuffer();
      return { state: response.headers.get("x-state"), collectable: response.headers.get("x-collectable") === "true" };
    },
    async cancelMandate(mndtId, reason) {
      const response = await call(`/mandate?mndtId=${encodeURIComponent(mndtId)}&rsn=${encodeURIComponent(reason)}`, { what: "the mandate cancellation", method: "DELETE" });
      await response.arrayBuffer();
    },
    async createPaymentLink(input) {
      const response = await call("/payment/link", {
        what: "the payment link",
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": input.idempotencyKey },
        body: form({ ct: input.template, title: input.title, remittance: input.remittance, amount: input.amount, ref: input.ref, redirectUrl: input.redirectUrl, email: input.email, name: input.name, l: input.language }),
      });
      const body = (await response.json()) as { id?: number | string; url?: string };
      if (body.id === undefined || !body.url) throw new TwikeyError("UPSTREAM_REJECTED", "Twikey answered the payment link without an id or URL");
      return { id: String(body.id), url: body.url };
    },
    async mandatePdf(mndtId) {
      const response = await call(`/mandate/pdf?mndtId=${encodeURIComponent(mndtId)}`, { what: "the mandate PDF", method: "GET" });
      return Buffer.from(await response.arrayBuffer());
    },
  };
}

interface MandateMessage {
  Mndt?: {
    MndtId?: string;
    LclInstrm?: string;
    Dbtr?: { Nm?: string; CtctDtls?: { EmailAdr?: string } };
    DbtrAcct?: string;
    DbtrAgt?: { FinInstnId?: { BICFI?: string } };
    SplmtryData?: { Key?: string; Value?: string }[];
  };
  OrgnlMndtId?: string;
  EvtTime?: string;
  AmdmntRsn?: { Rsn?: string };
  CxlRsn?: { Rsn?: string };
}

function toMandateEvent(m: MandateMessage): TwikeyMandateEvent {
  const mandate = m.Mndt ?? {};
  const supplementary = new Map((mandate.SplmtryData ?? []).map((d) => [d.Key ?? "", d.Value ?? ""]));
  return {
    kind: m.CxlRsn ? "cancelled" : m.AmdmntRsn ? "updated" : "new",
    mndtId: mandate.MndtId ?? m.OrgnlMndtId ?? "",
    scheme: mandate.LclInstrm ?? null,
    debtorName: mandate.Dbtr?.Nm ?? null,
    email: mandate.Dbtr?.CtctDtls?.EmailAdr ?? null,
    iban: mandate.DbtrAcct ?? null,
    bic: mandate.DbtrAgt?.FinInstnId?.BICFI ?? null,
    customerNumber: supplementary.get("CustomerNumber") ?? supplementary.get("customerNumber") ?? null,
    cancelReason: m.CxlRsn?.Rsn ?? null,
    at: m.EvtTime ?? null,
  };
}

interface TransactionEntry {
  id?: number | string;
  mndtId?: string;
  ref?: string;
  amount?: number | string;
  state?: string;
  final?: boolean;
  bkdate?: string;
  bkerror?: string;
  bkmsg?: string;
}

function toTransactionEvent(t: TransactionEntry): TwikeyTransactionEvent {
  return {
    id: String(t.id ?? ""),
    mndtId: t.mndtId ?? null,
    ref: t.ref ?? null,
    amount: t.amount === undefined ? null : Number(t.amount).toFixed(2),
    state: (t.state ?? "").toUpperCase(),
    final: Boolean(t.final),
    bookedAt: t.bkdate ?? null,
    bankError: t.bkerror ?? null,
    bankMessage: t.bkmsg ?? null,
  };
}

const hmacHex = (key: string, message: string) => createHmac("sha256", key).update(message).digest("hex").toUpperCase();

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toUpperCase());
  const y = Buffer.from(b.toUpperCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Twikey's webhook signature: uppercase hex HMAC-SHA256 with the API key over the URL-decoded query string. */
export function twikeyWebhookSignature(rawQuery: string, apiKey: string): string {
  return hmacHex(apiKey, decodeURIComponent(rawQuery.replace(/^\?/, "").replace(/\+/g, " ")));
}

export function verifyTwikeyWebhook(rawQuery: string, apiKey: string, signature: string | null): boolean {
  if (!signature || !/^[0-9A-Fa-f]{64}$/.test(signature)) return false;
  return equalHex(twikeyWebhookSignature(rawQuery, apiKey), signature);
}

/** The exit URL's signature after signing: HMAC-SHA256 with the website key over "mndtId/status[/token]". */
export function twikeyExitSignature(websiteKey: string, mndtId: string, status: string, token?: string | null): string {
  return hmacHex(websiteKey, [mndtId, status, ...(token ? [token] : [])].join("/"));
}

export function verifyTwikeyExit(websiteKey: string, mndtId: string, status: string, signature: string | null, token?: string | null): boolean {
  if (!signature || !/^[0-9A-Fa-f]{64}$/.test(signature)) return false;
  return equalHex(twikeyExitSignature(websiteKey, mndtId, status, token), signature);
}
