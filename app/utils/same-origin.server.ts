/**
 * The one same-origin rule of the web process (CSRF protection of the admin pages, whose forms carry
 * no token): a state-changing request must come from Facto's own site — the browser's Origin header
 * (sent with every form post and fetch) or, failing that, Sec-Fetch-Site. A cross-site page can forge
 * neither. Origin is compared by host with the request's Host and with SHOPIFY_APP_URL (behind a TLS
 * proxy the web process does not see the scheme the browser used).
 *
 * Used by app/web-server.ts (every non-GET under /app and /woo: "cross" is refused) and by the
 * WooCommerce Polaris pages' actions (app/routes-support/woo-auth.server.ts: only "same" passes).
 */
export type RequestSite = "same" | "cross" | "unknown";

export const NOT_FROM_FACTO = "This form did not come from Facto. Reload the page and try again.";

export function requestSite(request: { origin: string | null | undefined; secFetchSite: string | null | undefined; host: string | null | undefined }, appUrl?: string): RequestSite {
  if (request.origin) {
    let host: string | null = null;
    try {
      host = new URL(request.origin).host;
    } catch {
      return "cross";
    }
    if (host === request.host) return "same";
    if (appUrl) {
      try {
        if (host === new URL(appUrl).host) return "same";
      } catch {
        // a malformed SHOPIFY_APP_URL matches nothing
      }
    }
    return "cross";
  }
  if (request.secFetchSite === "same-origin") return "same";
  return request.secFetchSite ? "cross" : "unknown";
}
