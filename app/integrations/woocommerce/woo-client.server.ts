import WooCommerceRestApiModule from "@woocommerce/woocommerce-rest-api";
import { AppError } from "~/errors/app-error";
import { guardedAxiosConfig, OutboundRefusedError, outboundPolicy, type OutboundPolicy } from "~/integrations/outbound/outbound-guard.server";

/**
 * WooCommerce's REST API v3 through its official client: Basic auth over https, OAuth 1.0a
 * (HMAC-SHA256) over http — which Facto only allows for a store on this machine (tests, the demo).
 * Some hosts (Apache with PHP as CGI/FastCGI) drop the Authorization header before PHP sees it;
 * WooCommerce then sees no key at all. For those stores the key goes in the query string
 * (`?consumer_key=&consumer_secret=`, which WooCommerce accepts over https only:
 * WC_REST_Authentication::perform_basic_authentication reads $_GET when PHP_AUTH_USER is empty).
 * Errors become AppErrors with WooCommerce's own code and message; a refused key is permanent, an
 * unreachable store or a 5xx is retried.
 * Every request goes through the outbound guard (app/integrations/outbound): the store's address is
 * typed by whoever signs up, so private, link-local, loopback… addresses are refused, redirects are
 * checked hop by hop, answers are cut at a size and time limit. Messages keep WooCommerce's own code
 * and short message only from a JSON REST answer — never a foreign HTML body.
 */
// The package's "main" is a Babel-compiled CommonJS file: under Node's ESM loader its default import
// is the exports object (class under .default); bundlers and tsx hand over the class itself.
const WooCommerceRestApi = ((WooCommerceRestApiModule as unknown as { default?: typeof WooCommerceRestApiModule }).default ?? WooCommerceRestApiModule) as typeof WooCommerceRestApiModule;

export interface WooResponse<T> {
  data: T;
  headers: Record<string, string>;
}

export interface WooClient {
  get<T>(path: string, params?: Record<string, string | number>): Promise<WooResponse<T>>;
  post<T>(path: string, body: unknown): Promise<WooResponse<T>>;
  put<T>(path: string, body: unknown): Promise<WooResponse<T>>;
  delete<T>(path: string, params?: Record<string, string | number | boolean>): Promise<WooResponse<T>>;
}

export class WooApiError extends AppError {
  readonly status: number | null;
  readonly wooCode: string | null;
  constructor(code: "UPSTREAM_REJECTED" | "UPSTREAM_UNAVAILABLE" | "THROTTLED", message: string, status: number | null, wooCode: string | null, cause: unknown) {
    super(code, message, { cause, details: { status, wooCode } });
    this.status = status;
    this.wooCode = wooCode;
  }
}

export function isLoopbackUrl(url: URL): boolean {
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

export interface WooConnectionKey {
  storeUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** Send the key as query parameters (https only): the host strips the Authorization header. */
  authInQuery?: boolean;
}

export function wooClient(connection: WooConnectionKey, options: { timeoutMs?: number; policy?: Partial<OutboundPolicy> } = {}): WooClient {
  const axiosConfig = guardedAxiosConfig(outboundPolicy({ timeoutMs: options.timeoutMs ?? 15_000, ...options.policy }));
  const api = new WooCommerceRestApi({
    url: connection.storeUrl,
    consumerKey: connection.consumerKey,
    consumerSecret: connection.consumerSecret,
    version: "wc/v3",
    timeout: options.timeoutMs ?? 15_000,
    ...(connection.authInQuery && connection.storeUrl.startsWith("https:") ? { queryStringAuth: true } : {}),
    axiosConfig,
  });
  const call = async <T>(method: "get" | "post" | "put" | "delete", path: string, arg?: unknown): Promise<WooResponse<T>> => {
    try {
      const response = await (method === "get" || method === "delete" ? api[method](path, arg ?? {}) : api[method](path, arg));
      return { data: response.data as T, headers: Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])) };
    } catch (error) {
      throw toWooError(error, `${method.toUpperCase()} ${path}`);
    }
  };
  return {
    get: (path, params) => call("get", path, params),
    post: (path, body) => call("post", path, body),
    put: (path, body) => call("put", path, body),
    delete: (path, params) => call("delete", path, params),
  };
}

function refusalIn(error: unknown): OutboundRefusedError | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundRefusedError) return e;
  }
  return null;
}

/**
 * WooCommerce's own error (`{"code":"woocommerce_rest_…","message":"…"}` from its REST API), or
 * nothing: a body that is not that JSON (an HTML error page, a proxy's answer) is never repeated.
 */
export function wooErrorBody(data: unknown): { code: string; message: string } | null {
  if (!data || typeof data !== "object" || Array.isArray(data)) return null;
  const { code, message } = data as { code?: unknown; message?: unknown };
  if (typeof code !== "string" || !/^[a-z0-9_.-]{1,80}$/i.test(code) || typeof message !== "string") return null;
  const clean = message.replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim();
  return { code, message: clean.length > 200 ? `${clean.slice(0, 199)}…` : clean };
}

function toWooError(error: unknown, what: string): WooApiError {
  const refused = refusalIn(error);
  if (refused) return new WooApiError("UPSTREAM_REJECTED", refused.message, null, "outbound_refused", refused);
  const e = error as { response?: { status?: number; data?: unknown }; code?: string; message?: string };
  const status = e.response?.status ?? null;
  const body = wooErrorBody(e.response?.data);
  const wooCode = body?.code ?? null;
  const message = body?.message ?? (status === null ? networkMessage(e) : `HTTP ${status}`);
  if (status === null) return new WooApiError("UPSTREAM_UNAVAILABLE", `The store could not be reached (${what}): ${message}`, null, e.code ?? null, error);
  if (status === 429) return new WooApiError("THROTTLED", `The store asks to slow down (${what})`, status, wooCode, error);
  if (status >= 500) return new WooApiError("UPSTREAM_UNAVAILABLE", `The store answered ${status} (${what}): ${message}`, status, wooCode, error);
  return new WooApiError("UPSTREAM_REJECTED", `The store refused ${what} (${status}${wooCode ? ` ${wooCode}` : ""}): ${message}`, status, wooCode, error);
}

/** A network failure in words of our own (the error code), never text the other side chose. */
function networkMessage(e: { code?: string; message?: string }): string {
  if (e.code === "ECONNABORTED" || e.code === "ETIMEDOUT") return "no answer in time";
  if (e.code === "ERR_BAD_RESPONSE" && /maxContentLength/.test(e.message ?? "")) return "the answer was too large";
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return "the name does not resolve";
  if (e.code === "ECONNREFUSED") return "the connection was refused";
  if (e.code === "ECONNRESET") return "the connection was reset";
  if (e.code && /^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO)/.test(e.code)) return `its TLS certificate is not valid (${e.code})`;
  return e.code ?? "network error";
}
