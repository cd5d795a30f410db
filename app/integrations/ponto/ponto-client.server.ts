import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import { guardedFetch, outboundPolicy } from "~/integrations/outbound/outbound-guard.server";

/**
 * Ponto Connect (Isabel Group / Ibanity), the account-information API Facto reads bank transactions from
 * (docs/decisions/027-ponto.md). There is no official Node SDK; this client follows the contract as Ibanity's
 * own SDKs implement it (ibanity-ruby lib/ibanity/api/ponto_connect/*.rb, ibanity-dotnet src/Client) and the
 * OpenAPI description behind the `pontoconnect_rs` crate:
 *  - every call goes over mutual TLS: the client certificate Ibanity issued is presented (ibanity-ruby
 *    client.rb `certificate:`/`key:`/`key_passphrase:`/`ssl_ca_file:`), through Facto's outbound guard;
 *  - OAuth2 authorization code with PKCE (S256): the merchant is sent to Ponto's authorization page; the code is
 *    exchanged at `/ponto-connect/oauth2/token` with HTTP Basic client_id:client_secret
 *    (ibanity-ruby ponto_connect/token.rb) plus the `code_verifier`; refresh with grant_type=refresh_token;
 *    revocation at `/ponto-connect/oauth2/revoke` with `token=`;
 *  - JSON:API resources: GET /ponto-connect/accounts, POST /ponto-connect/synchronizations (resourceType
 *    `account`, subtype `accountTransactions`: "used to synchronize the settled transactions",
 *    pontoconnect_rs CreateSynchronizationRequest.md), GET /ponto-connect/synchronizations/{id} (status "changes
 *    from pending to running to success or error", SynchronizationAttributes.md), GET
 *    /ponto-connect/accounts/{accountId}/transactions (TransactionApi.md), paginated by `links.next`
 *    (`page[limit]`, `page[after]`);
 *  - webhook signing keys: GET /webhooks/keys (ibanity-ruby webhooks/key.rb, ibanity-dotnet Jwt/JwksService.cs).
 * Ponto's shapes stay in this folder: callers get plain objects.
 */

export interface PontoConfig {
  apiBaseUrl: string;
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
  applicationId: string | null;
  tls: { cert?: Buffer; key?: Buffer; passphrase?: string; ca?: Buffer };
}

let cachedConfig: PontoConfig | null | undefined;

/** Ponto's settings from the environment, or null when Ponto is not configured (no client id). */
export function pontoConfig(): PontoConfig | null {
  if (cachedConfig !== undefined) return cachedConfig;
  const e = env();
  if (!e.PONTO_CLIENT_ID || !e.PONTO_CLIENT_SECRET) return (cachedConfig = null);
  cachedConfig = {
    apiBaseUrl: e.PONTO_API_BASE_URL.replace(/\/+$/, ""),
    authorizeUrl: e.PONTO_AUTHORIZE_URL,
    clientId: e.PONTO_CLIENT_ID,
    clientSecret: e.PONTO_CLIENT_SECRET,
    applicationId: e.PONTO_APPLICATION_ID ?? null,
    tls: {
      ...(e.PONTO_CERT_PATH ? { cert: readFileSync(e.PONTO_CERT_PATH) } : {}),
      ...(e.PONTO_KEY_PATH ? { key: readFileSync(e.PONTO_KEY_PATH) } : {}),
      ...(e.PONTO_KEY_PASSPHRASE ? { passphrase: e.PONTO_KEY_PASSPHRASE } : {}),
      ...(e.PONTO_CA_PATH ? { ca: readFileSync(e.PONTO_CA_PATH) } : {}),
    },
  };
  return cachedConfig;
}

/** PKCE (RFC 7636): a 43-character verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/**
 * Why a call failed, as Facto acts on it: CONSENT (the merchant must connect again: refresh token refused,
 * authorization revoked or expired), UNAUTHORIZED (the access token is no longer good: refresh and retry),
 * TEMPORARY (Ponto or the network: retry later), REJECTED (anything else Ponto refused).
 */
export type PontoFailure = "CONSENT" | "UNAUTHORIZED" | "TEMPORARY" | "REJECTED";

export class PontoError extends AppError {
  override name = "PontoError";
  readonly failure: PontoFailure;
  constructor(failure: PontoFailure, message: string, cause?: unknown) {
    super(failure === "TEMPORARY" ? "UPSTREAM_UNAVAILABLE" : "UPSTREAM_REJECTED", message, { cause, details: { failure } });
    this.failure = failure;
  }
}

export interface PontoTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

export interface PontoAccountInfo {
  id: string;
  iban: string;
  currency: string;
  description: string;
}

export interface PontoSynchronization {
  id: string;
  status: "pending" | "running" | "success" | "error";
  errors: Array<{ code: string; detail: string }>;
}

const TokenAnswer = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1), expires_in: z.coerce.number().int().positive(), token_type: z.string().optional() });
const Links = z.object({ next: z.string().nullish() }).loose().optional();
const AccountList = z.object({
  data: z.array(z.object({ id: z.string().min(1), type: z.literal("account"), attributes: z.object({ reference: z.string().min(1), currency: z.string().length(3), description: z.string().nullish(), referenceType: z.string().nullish() }).loose() })),
  links: Links,
});
const SynchronizationOne = z.object({
  data: z.object({ id: z.string().min(1), type: z.literal("synchronization"), attributes: z.object({ status: z.enum(["pending", "running", "success", "error"]), errors: z.array(z.object({ code: z.string().default("error"), detail: z.string().default("") }).loose()).default([]) }).loose() }),
});
const TransactionList = z.object({ data: z.array(z.object({ id: z.string().min(1), type: z.literal("transaction"), attributes: z.record(z.string(), z.unknown()) })), links: Links });
export const PontoJwks = z.object({ keys: z.array(z.object({ kid: z.string(), kty: z.literal("RSA"), n: z.string(), e: z.string(), alg: z.string().optional(), use: z.string().optional(), status: z.string().optional() }).loose()) });
export type PontoJwk = z.infer<typeof PontoJwks>["keys"][number];

const JSON_API = "application/vnd.api+json";

export interface PontoClient {
  authorizeUrl(input: { state: string; codeChallenge: string; redirectUri: string }): string;
  exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<PontoTokens>;
  refresh(refreshToken: string): Promise<PontoTokens>;
  revoke(refreshToken: string): Promise<void>;
  listAccounts(accessToken: string): Promise<PontoAccountInfo[]>;
  createSynchronization(accessToken: string, accountId: string, customerIpAddress?: string): Promise<PontoSynchronization>;
  getSynchronization(accessToken: string, id: string): Promise<PontoSynchronization>;
  /** One page of an account's transactions (newest first), with the URL of the next page. The amounts keep their exact decimal text. */
  listTransactions(accessToken: string, accountId: string, pageUrl?: string): Promise<{ transactions: Array<{ id: string; attributes: Record<string, unknown> }>; next: string | null }>;
  webhookKeys(): Promise<PontoJwk[]>;
}

/** JSON.parse keeping the decimal text of `amount`-like numbers (Ponto sends them as JSON numbers). */
export function parsePontoJson(text: string): unknown {
  return JSON.parse(text, function reviver(_key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === "number" && context?.source && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(context.source)) return context.source;
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

export function createPontoClient(config: PontoConfig, fetchImpl: typeof fetch = guardedFetch(outboundPolicy({ tls: config.tls, timeoutMs: 30_000 }))): PontoClient {
  const api = (path: string) => `${config.apiBaseUrl}${path}`;
  const basic = `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`;

  async function send(url: string, init: RequestInit): Promise<{ status: number; text: string }> {
    let response: Response;
    try {
      response = await fetchImpl(url, init);
    } catch (error) {
      if (error instanceof AppError && error.code === "OUTBOUND_REFUSED") throw error;
      throw new PontoError("TEMPORARY", "Ponto could not be reached", error);
    }
    return { status: response.status, text: await response.text() };
  }

  async function token(form: Record<string, string>): Promise<PontoTokens> {
    const { status, text } = await send(api("/ponto-connect/oauth2/token"), {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form).toString(),
    });
    if (status >= 500 || status === 429) throw new PontoError("TEMPORARY", `Ponto's token endpoint answered ${status}`);
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* handled below */
    }
    if (status !== 200) {
      const error = z.object({ error: z.string() }).safeParse(body);
      // RFC 6749 §5.2: invalid_grant = the code or refresh token is invalid, expired or revoked.
      if (error.success && error.data.error === "invalid_grant") throw new PontoError("CONSENT", "Ponto no longer accepts this authorization: connect Ponto again");
      throw new PontoError("REJECTED", `Ponto refused the token request (${status}${error.success ? ` ${error.data.error}` : ""})`);
    }
    const parsed = TokenAnswer.safeParse(body);
    if (!parsed.success) throw new PontoError("REJECTED", "Ponto's token answer is not understood");
    return { accessToken: parsed.data.access_token, refreshToken: parsed.data.refresh_token, expiresAt: new Date(Date.now() + parsed.data.expires_in * 1000) };
  }

  async function resource<T>(url: string, accessToken: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<T> {
    const { status, text } = await send(url, { ...init, headers: { authorization: `Bearer ${accessToken}`, accept: JSON_API, ...(init.body ? { "content-type": JSON_API } : {}) } });
    if (status === 401) throw new PontoError("UNAUTHORIZED", "Ponto refused the access token");
    if (status === 403) throw new PontoError("CONSENT", "Ponto refused access to this resource: connect Ponto again");
    if (status >= 500 || status === 429) throw new PontoError("TEMPORARY", `Ponto answered ${status}`);
    if (status < 200 || status >= 300) throw new PontoError("REJECTED", `Ponto answered ${status}${errorCodes(text)}`);
    const parsed = schema.safeParse(parsePontoJson(text));
    if (!parsed.success) throw new PontoError("REJECTED", `Ponto's answer is not understood: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  const syncOf = (s: z.infer<typeof SynchronizationOne>): PontoSynchronization => ({ id: s.data.id, status: s.data.attributes.status, errors: s.data.attributes.errors.map((e) => ({ code: e.code, detail: e.detail })) });

  return {
    authorizeUrl({ state, codeChallenge, redirectUri }) {
      const url = new URL(config.authorizeUrl);
      url.search = new URLSearchParams({
        client_id: config.clientId,
        redirect_uri: redirectUri,
        response_type: "code",
        // "ai" = account information; offline_access gives the refresh token (Ponto Connect scopes).
        scope: "ai offline_access",
        state,
        code_challenge: codeChallenge,
        code_challenge_method: "S256",
      }).toString();
      return url.toString();
    },
    exchangeCode: ({ code, codeVerifier, redirectUri }) => token({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: codeVerifier, client_id: config.clientId }),
    refresh: (refreshToken) => token({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: config.clientId }),
    async revoke(refreshToken) {
      const { status } = await send(api("/ponto-connect/oauth2/revoke"), { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: refreshToken }).toString() });
      if (status >= 500) throw new PontoError("TEMPORARY", `Ponto's revoke endpoint answered ${status}`);
    },
    async listAccounts(accessToken) {
      const accounts: PontoAccountInfo[] = [];
      let url: string | null = api("/ponto-connect/accounts?page[limit]=100");
      for (let pages = 0; url && pages < 50; pages++) {
        const page: z.infer<typeof AccountList> = await resource(url, accessToken, AccountList);
        for (const a of page.data) accounts.push({ id: a.id, iban: a.attributes.reference.replace(/\s+/g, "").toUpperCase(), currency: a.attributes.currency.toUpperCase(), description: a.attributes.description ?? "" });
        url = nextUrl(page.links?.next ?? null);
      }
      return accounts;
    },
    async createSynchronization(accessToken, accountId, customerIpAddress) {
      const body = { data: { type: "synchronization", attributes: { resourceType: "account", resourceId: accountId, subtype: "accountTransactions", ...(customerIpAddress ? { customerIpAddress } : {}) } } };
      return syncOf(await resource(api("/ponto-connect/synchronizations"), accessToken, SynchronizationOne, { method: "POST", body: JSON.stringify(body) }));
    },
    getSynchronization: async (accessToken, id) => syncOf(await resource(api(`/ponto-connect/synchronizations/${encodeURIComponent(id)}`), accessToken, SynchronizationOne)),
    async listTransactions(accessToken, accountId, pageUrl) {
      const url = pageUrl ?? api(`/ponto-connect/accounts/${encodeURIComponent(accountId)}/transactions?page[limit]=100`);
      const page = await resource(url, accessToken, TransactionList);
      return { transactions: page.data.map((t) => ({ id: t.id, attributes: t.attributes })), next: nextUrl(page.links?.next ?? null) };
    },
    async webhookKeys() {
      const { status, text } = await send(api("/webhooks/keys"), { method: "GET", headers: { accept: "application/json" } });
      if (status !== 200) throw new PontoError("TEMPORARY", `Ponto's webhook keys answered ${status}`);
      return PontoJwks.parse(JSON.parse(text)).keys;
    },
  };

  /** A `links.next` is followed only on Ponto's own host (never somewhere an answer points to). */
  function nextUrl(next: string | null): string | null {
    if (!next) return null;
    const url = new URL(next, config.apiBaseUrl);
    if (url.origin !== new URL(config.apiBaseUrl).origin) throw new PontoError("REJECTED", "Ponto's next page is on another host");
    return url.toString();
  }
}

function errorCodes(text: string): string {
  try {
    const body = z.object({ errors: z.array(z.object({ code: z.string() }).loose()) }).parse(JSON.parse(text));
    return body.errors.length ? `: ${body.errors.map((e) => e.code).join(", ")}` : "";
  } catch {
    return "";
  }
}
