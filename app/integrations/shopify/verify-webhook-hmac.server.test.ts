import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyShopifyHmac } from "./verify-webhook-hmac.server";

const secret = "shpss_test_secret";
const body = Buffer.from('{"id":450789469,"name":"#1001"}');
const good = createHmac("sha256", secret).update(body).digest("base64");

describe("verifyShopifyHmac", () => {
  it("accepts Shopify's base64 HMAC-SHA256 of the raw body", () => {
    expect(verifyShopifyHmac(body, good, secret)).toBe(true);
  });
  it("rejects a wrong secret, a changed body, a missing or truncated header", () => {
    expect(verifyShopifyHmac(body, good, "other")).toBe(false);
    expect(verifyShopifyHmac(Buffer.from('{"id":450789469,"name":"#1002"}'), good, secret)).toBe(false);
    expect(verifyShopifyHmac(body, null, secret)).toBe(false);
    expect(verifyShopifyHmac(body, good.slice(0, 20), secret)).toBe(false);
    expect(verifyShopifyHmac(body, "!!!not base64!!!", secret)).toBe(false);
  });
});
