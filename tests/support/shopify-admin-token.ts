import { createHmac } from "node:crypto";

/**
 * A Shopify admin session token (id_token) as App Bridge gives the embedded app: HS256 with the
 * app's secret. The embedded admin pages accept it like Shopify's, so tests can open them offline.
 */
export function adminIdToken(options: { shop: string; apiKey: string; apiSecret: string; userId?: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: `https://${options.shop}/admin`, dest: `https://${options.shop}`, aud: options.apiKey, sub: options.userId ?? "1", exp: now + 600, nbf: now - 5, iat: now, jti: `${now}-${Math.random()}`, sid: "test-session" })}`;
  return `${body}.${createHmac("sha256", options.apiSecret).update(body).digest("base64url")}`;
}

/** The query string Shopify admin opens an embedded app page with. */
export function embeddedQuery(shop: string, token: string): string {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
  return new URLSearchParams({ embedded: "1", shop, host, id_token: token }).toString();
}
