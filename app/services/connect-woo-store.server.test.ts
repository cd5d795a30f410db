import { afterEach, describe, expect, it } from "vitest";
import { normalizeStoreUrl } from "./connect-woo-store.server";

/** The connect form refuses addresses the outbound guard would refuse, with a sentence for the owner. */
describe("normalizeStoreUrl", () => {
  const saved = process.env.OUTBOUND_ALLOW_LOOPBACK;
  afterEach(() => {
    if (saved === undefined) delete process.env.OUTBOUND_ALLOW_LOOPBACK;
    else process.env.OUTBOUND_ALLOW_LOOPBACK = saved;
  });

  it("keeps a public https address without trailing slash", () => {
    delete process.env.OUTBOUND_ALLOW_LOOPBACK;
    expect(normalizeStoreUrl(" https://shop.example.be/ ")).toEqual({ url: "https://shop.example.be" });
    expect(normalizeStoreUrl("https://shop.example.be/winkel/")).toEqual({ url: "https://shop.example.be/winkel" });
  });

  it("refuses private, link-local and loopback addresses, and http, by default", () => {
    delete process.env.OUTBOUND_ALLOW_LOOPBACK;
    expect(normalizeStoreUrl("https://10.0.0.5")).toEqual({ error: expect.stringMatching(/public address: it points into a private network/) });
    expect(normalizeStoreUrl("https://169.254.169.254")).toEqual({ error: expect.stringMatching(/link-local/) });
    expect(normalizeStoreUrl("https://[::ffff:127.0.0.1]:8443")).toEqual({ error: expect.stringMatching(/server itself/) });
    expect(normalizeStoreUrl("http://127.0.0.1:8080")).toEqual({ error: expect.stringMatching(/https:\/\//) });
    expect(normalizeStoreUrl("http://shop.example.be")).toEqual({ error: expect.stringMatching(/https:\/\//) });
  });

  it("accepts a store on this machine only under the test/demo setting", () => {
    process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
    expect(normalizeStoreUrl("http://127.0.0.1:8080")).toEqual({ url: "http://127.0.0.1:8080" });
    expect(normalizeStoreUrl("https://127.0.0.1:8443")).toEqual({ url: "https://127.0.0.1:8443" });
    expect(normalizeStoreUrl("https://192.168.1.20")).toEqual({ error: expect.stringMatching(/private network/) });
  });
});
