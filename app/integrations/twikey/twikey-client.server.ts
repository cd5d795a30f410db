import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "~/errors/app-error";
import { guardedFetch, outboundPolicy } from "~/integrations/outbound/outbound-guard.server";

/**
 * Twikey's creditor API (no maintained Node SDK exists): login with the API key, the session token
 * cached for 23 h and renewed on 401 / `ApiError: err_no_login`; invites, mandate PDF, collections
 * with an Idempotency-Key sent to the bank with POST /creditor/collect, and the mandate and
 * transaction feeds read from a persisted position (X-RESUME-AFTER → X-LAST). Twikey's types stay
 * in this folder. Every path, method and parameter here is checked against Twikey's OpenAPI
 * description (../shared/contracts/twikey/swagger.yml) by twikey-openapi.test.ts.
 */
export const TWIKEY_PRODUCTION = "https://api.twikey.com/creditor";
export const TWIKEY_SANDBOX = "https://api.beta.twikey.com/creditor";

export interface TwikeyMandateEvent {
  /**
   * CxlRsn → cancelled; AmdmntRsn → updated, or suspended / resumed when its reason says so; else new
   * (the SDKs' order: twikey-api-go document.go DocumentFeed, twikey-api-php DocumentGateway::feed).
   */
  kind: "new" | "updated" | "suspended" | "resumed" | "cancelled";
  mndtId: string;
  scheme: string | null;
  debtorName: string | null;
  email: string | null;
  iban: string | null;
  bic: string | null;
  customerNumber: string | null;
  cancelReason: string | null;
  amendmentReason: string | null;
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
  /** Adds a transaction to a mandate. Twikey only queues it: nothing reaches the bank before collect(). */
  createTransaction(input: { mndtId: string; amount: string; message: string; ref: string; idempotencyKey: string }): Promise<{ id: string }>;
  /**
   * POST /creditor/collect: Twikey puts the billable transactions of a contract template (only those
   * of `mndtIds` when given) in a collection file and sends it to the creditor's bank.
   */
  collect(input: { template: string; collectionDate: string; mndtIds?: string[] }): Promise<{ id: string | null }>;
  mandatePdf(mndtId: string): Promise<Buffer>;
  /** Logs in afresh: throws TwikeyAuthError when Twikey refuses the API key. */
  checkLogin(): Promise<void>;
  /** The mandate's state now (X-STATE) and whether it can be collected (X-COLLECTABLE). */
  mandateDetail(mndtId: string): Promise<{ state: string | null; collectable: boolean }>;
  cancelMandate(mndtId: string, reason: string): Promise<void>;
  createPaymentLink(input: { template: string; title: string; remittance: string; amount: string; ref: string; redirectUrl?: string | null; email?: string | null; name?: string | null; language: string; idempotencyKey: string }): Promise<{ id: string; url: string }>;
}

const tokens = new Map<string, { token: string; expires: number }>();

/**
 * A contract template goes as `ct` (swagger: "Contract template to use", type integer) when it is
 * Twikey's numeric id, else as `tc`, its template code — as twikey-api-go transaction.go
 * TransactionCollect does (`if _, err := strconv.Atoi(template); err == nil { params.Add("ct", …) }
 * else { params.Add("tc", …) }`; twikey-api-node models/Document.ts `ct?: number; tc?: string`).
 */
export function templateParam(template: string): { ct: string } | { tc: string } {
  return /^\d+$/.test(template) ? { ct: template } : { tc: template };
}
const TOKEN_LIFETIME_MS = 23 * 3600 * 1000;

export class TwikeyError extends AppError {}

/**
 * Twikey refused the API key at login. Swagger (`/creditor` post, response 200): "the http status is
 * ** always ** 200, however for returning error codes ... 2 additional response headers were added
 * "ApiError" and "ApiErrorCode"" — so a refused key is an HTTP 200 without a token. (The SDKs read it
 * the same way: twikey-api-go session.go `resp.Header["Apierror"]`, twikey-api-php Twikey.php
 * `getHeader("Apierror")` in refreshTokenIfRequired.)
 */
export class TwikeyAuthError extends TwikeyError {
  override name = "TwikeyAuthError";
}

export function twikeyClient(options: { baseUrl: string; apiKey: string; timeoutMs?: number; fetchImpl?: typeof fetch }): TwikeyClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  // A tenant's URL is typed by the merchant: every call goes through the outbound guard.
  const doFetch = options.fetchImpl ?? guardedFetch(outboundPolicy({ timeoutMs: options.timeoutMs ?? 15_000 }));
  const cacheKey = `${base}|${options.apiKey}`;

  async function login(): Promise<string> {
    const response = await send(`${base}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ apiToken: options.apiKey }).toString() });
    const header = response.headers.get("authorization");
    const body = (await response.json().catch(() => ({}))) as { Authorization?: string; code?: string; message?: string };
    const apiError = response.headers.get("apierror") ?? response.headers.get("apierrorcode");
    const token = apiError ? null : (header ?? body.Authorization);
    if (response.status === 429 || response.status >= 500) throw await failure(response, "the login", body);
    if (!token) {
      // HTTP 200 + ApiError (Twikey's way), or any answer without a session token: the key is refused.
      const code = apiError ?? body.code ?? `HTTP ${response.status}`;
      const detail = body.message && body.message !== code ? ` (${body.message})` : "";
      throw new TwikeyAuthError("UPSTREAM_REJECTED", `Twikey refused the API key: ${code}${detail}`, { details: { code } });
    }
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
    // Swagger: "error code can be found in ApiError response header, translated value can be found in the body".
    const code = response.headers.get("apierror") ?? response.headers.get("apierrorcode") ?? parsed?.code ?? `HTTP ${response.status}`;
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
    if (!response.ok || response.headers.get("apierror")) throw await failure(response, init.what);
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
        body: form({ ...templateParam(input.template), l: input.language, email: input.email, firstname, lastname: rest.join(" "), companyName: input.companyName, vatno: input.vatNumber, customerNumber: input.customerNumber, sendInvite: input.sendInvite ? "true" : "false" }),
      });
      const body = (await response.json()) as { url?: string; key?: string; mndtId?: string };
      if (!body.mndtId) throw new TwikeyError("UPSTREAM_REJECTED", "Twikey answered the invitation without a mandate id");
      return { url: body.url ?? null, key: body.key ?? null, mndtId: body.mndtId };
    },
    async mandateFeed(position) {
      const response = await call("/mandate?chunkSize=100", { what: "the mandate feed", method: "GET", headers: position ? { "X-RESUME-AFTER": position } : {} });
      const body = (await response.json()) as { Messages?: MandateMessage[] };
      return { events: (body.Messages ?? []).map(toMandateEvent), last: response.headers.get("x-last") };
    },
    async transactionFeed(position) {
      const response = await call("/transaction", { what: "the transaction feed", method: "GET", headers: position ? { "X-RESUME-AFTER": position } : {} });
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
    async collect(input) {
      const body = new URLSearchParams({ ...templateParam(input.template), colltndt: input.collectionDate });
      // swagger /creditor/collect: mndtId is an array sent as repeated fields (collectionFormat: multi).
      for (const id of input.mndtIds ?? []) body.append("mndtId", id);
      const response = await call("/collect", { what: "the collection's sending to the bank", method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: body.toString() });
      // swagger: `{"msgId": "123"}`; twikey-api-go transaction.go CollectResponse reads `rcurMsgId`.
      const answer = (await response.json().catch(() => ({}))) as { msgId?: string | number; rcurMsgId?: string | number };
      const id = answer.rcurMsgId ?? answer.msgId;
      return { id: id === undefined || id === null || id === "" ? null : String(id) };
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
        // swagger /creditor/payment/link: `message` (required) is what the customer reads.
        body: form({ ...templateParam(input.template), message: input.title, remittance: input.remittance, amount: input.amount, ref: input.ref, redirectUrl: input.redirectUrl, email: input.email, name: input.name, l: input.language }),
      });
      const body = (await response.json()) as { id?: number | string; url?: string };
      if (body.id === undefined || !body.url) throw new TwikeyError("UPSTREAM_REJECTED", "Twikey answered the payment link without an id or URL");
      return { id: String(body.id), url: body.url };
    },
    async checkLogin() {
      tokens.delete(cacheKey);
      await login();
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
    Dbtr?: { Nm?: string; CtctDtls?: { EmailAdr?: string; Othr?: string } };
    DbtrAcct?: string;
    DbtrAgt?: { FinInstnId?: { BICFI?: string } };
    SplmtryData?: { Key?: string; Value?: string }[];
  };
  OrgnlMndtId?: string;
  EvtTime?: string;
  AmdmntRsn?: { Rsn?: string };
  CxlRsn?: { Rsn?: string };
}

/**
 * An amendment whose reason says the mandate was suspended (Twikey's "passive" state: twikey-api-go
 * document.go UpdateRequest.State "active or passive (activated or suspend mandate)") or resumed.
 */
const SUSPENDED_REASON = /suspen|passive|inactiv/i;
const RESUMED_REASON = /resum|reactivat|^active$|unsuspend/i;

function toMandateEvent(m: MandateMessage): TwikeyMandateEvent {
  const mandate = m.Mndt ?? {};
  const amendment = m.AmdmntRsn ? (m.AmdmntRsn.Rsn ?? "") : null;
  const kind: TwikeyMandateEvent["kind"] = m.CxlRsn ? "cancelled" : amendment === null ? "new" : RESUMED_REASON.test(amendment) ? "resumed" : SUSPENDED_REASON.test(amendment) ? "suspended" : "updated";
  return {
    kind,
    mndtId: mandate.MndtId ?? m.OrgnlMndtId ?? "",
    scheme: mandate.LclInstrm ?? null,
    debtorName: mandate.Dbtr?.Nm ?? null,
    email: mandate.Dbtr?.CtctDtls?.EmailAdr ?? null,
    iban: mandate.DbtrAcct ?? null,
    bic: mandate.DbtrAgt?.FinInstnId?.BICFI ?? null,
    // The customer number is the debtor's "other" contact detail: twikey-api-python
    // model/document_response.py `self.customer_number = ctct.get("Othr")` (ctct = Dbtr.CtctDtls);
    // twikey-api-go document.go `type CtctDtls struct { EmailAdr; MobNb; Othr }`.
    customerNumber: mandate.Dbtr?.CtctDtls?.Othr ?? null,
    cancelReason: m.CxlRsn?.Rsn ?? null,
    amendmentReason: amendment,
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

/**
 * The exit URL ("thank-you page" of a contract template). Twikey appends nothing: it fills the
 * placeholders the merchant writes in the URL. Twikey's support article "How to define a thank-you
 * page" (support.twikey.com/…/profiles/thankyou/exiturl.html), contract variables:
 *   {0} or {{mandateNumber}} — mandate number;
 *   {1} or {{status}} — ok (signed), cancel, fail, pending (awaiting bank validation), print;
 *   {3} or {{s}} — signature over mandate and status, separated by a slash (hex encoded);
 *   {4} or {{token}} — only present if passed in the incoming URL.
 * "You cannot mix both formats in the same URL." Facto asks for the nominal format.
 */
export const TWIKEY_EXIT_PLACEHOLDERS = { mandateNumber: "{{mandateNumber}}", status: "{{status}}", s: "{{s}}" } as const;

/** The exit URL the merchant pastes into Twikey, placeholders written exactly as Twikey expects. */
export function twikeyExitUrlTemplate(returnUrl: string): string {
  return `${returnUrl}?mandateNumber=${TWIKEY_EXIT_PLACEHOLDERS.mandateNumber}&status=${TWIKEY_EXIT_PLACEHOLDERS.status}&s=${TWIKEY_EXIT_PLACEHOLDERS.s}`;
}

/** A value Twikey did not fill in (the placeholder itself came back): the exit URL is set up wrong. */
const UNFILLED = /^\{\{?\s*\w+\s*\}?\}$|^\{\d\}$/;

/**
 * What Twikey filled into the exit URL. `mandateNumber` is the name Facto's template uses; `mndtId`
 * is read too for exit URLs pasted before (they worked only with Twikey's {0} positional variables
 * written by hand). `unfilled` says a placeholder came back as written.
 */
export function readTwikeyExit(params: URLSearchParams): { mndtId: string; status: string; signature: string | null; token: string | null; unfilled: boolean } {
  const mndtId = params.get("mandateNumber") ?? params.get("mndtId") ?? "";
  const status = params.get("status") ?? "";
  const signature = params.get("s");
  const token = params.get("token");
  const unfilled = [mndtId, status, signature ?? "", token ?? ""].some((v) => UNFILLED.test(v.trim()));
  return { mndtId, status, signature, token, unfilled };
}

/** The exit URL's signature after signing: HMAC-SHA256 with the website key over "mndtId/status[/token]". */
export function twikeyExitSignature(websiteKey: string, mndtId: string, status: string, token?: string | null): string {
  return hmacHex(websiteKey, [mndtId, status, ...(token ? [token] : [])].join("/"));
}

export function verifyTwikeyExit(websiteKey: string, mndtId: string, status: string, signature: string | null, token?: string | null): boolean {
  if (!signature || !/^[0-9A-Fa-f]{64}$/.test(signature)) return false;
  return equalHex(twikeyExitSignature(websiteKey, mndtId, status, token), signature);
}

/** Mandate numbers of the settings page's "test this URL": never a real mandate, nothing is read or changed. */
export const TWIKEY_EXIT_TEST_PREFIX = "FACTO-TEST-";

/**
 * Fills the exit URL template as Twikey does after a signature (support article "How to define a
 * thank-you page": the variables are replaced, nothing is appended), signing "mandate/status" with
 * the website key like Twikey's {{s}}. Used by the settings page's "test this URL".
 */
export function fillTwikeyExitUrl(template: string, values: { mandateNumber: string; status: string; websiteKey: string }): string {
  const s = twikeyExitSignature(values.websiteKey, values.mandateNumber, values.status);
  const fill: Record<string, string> = { mandateNumber: values.mandateNumber, status: values.status, s, "0": values.mandateNumber, "1": values.status, "3": s };
  return template.replace(/\{\{(\w+)\}\}|\{(\d)\}/g, (whole, name?: string, index?: string) => {
    const value = fill[name ?? index ?? ""];
    return value === undefined ? whole : encodeURIComponent(value);
  });
}
