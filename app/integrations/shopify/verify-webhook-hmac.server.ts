import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Shopify signs each webhook with base64(HMAC-SHA256(raw body, app secret)) in
 * X-Shopify-Hmac-Sha256. Compared in constant time, length first.
 */
export function verifyShopifyHmac(rawBody: Buffer, headerValue: string | null, secret: string): boolean {
  if (!headerValue) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(headerValue, "base64");
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}
