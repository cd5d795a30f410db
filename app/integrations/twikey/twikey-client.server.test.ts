import { describe, expect, it } from "vitest";
import { twikeyExitSignature, twikeyWebhookSignature, verifyTwikeyExit, verifyTwikeyWebhook } from "./twikey-client.server";

describe("Twikey signatures", () => {
  it("matches Twikey's published webhook test vector", () => {
    expect(twikeyWebhookSignature("abc=123&name=abc", "1234")).toBe("55261CBC12BF62000DE1371412EF78C874DBC46F513B078FB9FF8643B2FD4FC2");
    expect(verifyTwikeyWebhook("abc=123&name=abc", "1234", "55261cbc12bf62000de1371412ef78c874dbc46f513b078fb9ff8643b2fd4fc2")).toBe(true);
  });

  it("signs the URL-decoded query string and refuses anything else", () => {
    const sig = twikeyWebhookSignature("type=contract&mandateNumber=MNDT%2F1&event=Sign", "key");
    expect(sig).toBe(twikeyWebhookSignature("type=contract&mandateNumber=MNDT/1&event=Sign", "key"));
    expect(verifyTwikeyWebhook("type=contract&mandateNumber=MNDT2&event=Sign", "key", sig)).toBe(false);
    expect(verifyTwikeyWebhook("abc=123&name=abc", "1234", null)).toBe(false);
    expect(verifyTwikeyWebhook("abc=123&name=abc", "1234", "55261CBC")).toBe(false);
  });

  it("verifies the exit URL with the website key", () => {
    const sig = twikeyExitSignature("website-key", "MNDT123", "ok");
    expect(verifyTwikeyExit("website-key", "MNDT123", "ok", sig)).toBe(true);
    expect(verifyTwikeyExit("website-key", "MNDT123", "ok", twikeyExitSignature("other", "MNDT123", "ok"))).toBe(false);
    expect(verifyTwikeyExit("website-key", "MNDT123", "fail", sig)).toBe(false);
  });
});
