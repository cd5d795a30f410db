/**
 * Security headers by kind of page (docs/decisions/019-outbound-guard-and-accounts.md):
 *  - every response: X-Content-Type-Options nosniff, a Referrer-Policy, HSTS in production;
 *  - embedded pages (/app, /auth: inside Shopify's admin): only `frame-ancestors` for Shopify's admin
 *    (App Bridge and Shopify's scripts run there; a tighter policy belongs to Shopify's own review);
 *  - public pages (payment page, mandate return, the WooCommerce admin /woo, the home page): a full
 *    Content-Security-Policy — scripts only from Facto with this response's nonce, no plugins, no
 *    framing by anyone;
 *  - the invoice preview PDF: may be framed by Facto's own pages, also inside Shopify's admin.
 * Express sets the per-response headers (app/web-server.ts); the documents' CSP is set where Remix
 * renders them (app/entry.server.tsx) because it carries the nonce of the inline scripts.
 */

export type PageKind = "embedded" | "public" | "preview";

export const SHOPIFY_FRAME_ANCESTORS = "https://admin.shopify.com https://*.myshopify.com";

export function pageKind(pathname: string): PageKind {
  if (/^\/(app|auth)(\/|$)/.test(pathname)) return "embedded";
  if (/^\/documents\/preview\//.test(pathname)) return "preview";
  return "public";
}

/** Headers for every response of the web process. */
export function responseSecurityHeaders(pathname: string, options: { production: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    "X-Content-Type-Options": "nosniff",
    // The payment page's and mandate return's URLs carry a secret token: never sent onwards.
    "Referrer-Policy": /^\/(pay|mandates)\//.test(pathname) ? "no-referrer" : "strict-origin-when-cross-origin",
  };
  if (options.production) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  if (pageKind(pathname) === "preview") headers["Content-Security-Policy"] = `frame-ancestors 'self' ${SHOPIFY_FRAME_ANCESTORS}`;
  return headers;
}

/** The Content-Security-Policy of an HTML document rendered by Remix. */
export function documentCsp(pathname: string, nonce: string): string {
  if (pageKind(pathname) === "embedded") return `frame-ancestors ${SHOPIFY_FRAME_ANCESTORS}`;
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Polaris and the pages set style attributes (the accent colour).
    "style-src 'self' 'unsafe-inline' https://cdn.shopify.com",
    "font-src 'self' https://cdn.shopify.com",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Whether cookies are marked Secure: always, except for an http app on this machine (the tests and
 * the offline demo). A production app reached over plain http thus gets no working session at all.
 */
export function cookieSecure(appUrl: string): boolean {
  const url = new URL(appUrl);
  return url.protocol === "https:" || !/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname);
}
