import { createHmac, timingSafeEqual } from "node:crypto";

/** WooCommerce signs webhooks with base64(HMAC-SHA256(raw body, webhook secret)) in X-WC-Webhook-Signature. */
export function verifyWooSignature(rawBody: Buffer, headerValue: string | null, secret: string): boolean {
  if (!headerValue) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(headerValue, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
