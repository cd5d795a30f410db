import { describe, expect, it } from "vitest";
import { cookieSecure, documentCsp, pageKind, responseSecurityHeaders } from "./security-headers.server";

describe("security headers by kind of page", () => {
  it("sorts the pages", () => {
    expect(pageKind("/app")).toBe("embedded");
    expect(pageKind("/app/invoices/1")).toBe("embedded");
    expect(pageKind("/auth/login")).toBe("embedded");
    expect(pageKind("/application")).toBe("public");
    expect(pageKind("/pay/abc")).toBe("public");
    expect(pageKind("/mandates/return/shop")).toBe("public");
    expect(pageKind("/woo/stores/1")).toBe("public");
    expect(pageKind("/documents/preview/1")).toBe("preview");
  });
  it("embedded pages may be framed by Shopify's admin only", () => {
    expect(documentCsp("/app", "n")).toBe("frame-ancestors https://admin.shopify.com https://*.myshopify.com");
  });
  it("public pages get a full policy with the nonce and no framing", () => {
    const csp = documentCsp("/pay/tok", "abc123");
    expect(csp).toContain("script-src 'self' 'nonce-abc123'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
  it("every response: nosniff, a referrer policy (none on token pages), HSTS in production", () => {
    expect(responseSecurityHeaders("/woo", { production: true })).toEqual({
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    });
    expect(responseSecurityHeaders("/pay/tok", { production: false })).toEqual({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" });
    expect(responseSecurityHeaders("/documents/preview/1", { production: false })["Content-Security-Policy"]).toBe("frame-ancestors 'self' https://admin.shopify.com https://*.myshopify.com");
  });
});

describe("cookieSecure", () => {
  it("is Secure on https and on any non-local host, not on the local http demo", () => {
    expect(cookieSecure("https://facto.example")).toBe(true);
    expect(cookieSecure("http://facto.example")).toBe(true);
    expect(cookieSecure("http://127.0.0.1:3000")).toBe(false);
    expect(cookieSecure("http://localhost:3000")).toBe(false);
  });
});
