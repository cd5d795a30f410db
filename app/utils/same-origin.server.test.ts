import { describe, expect, it } from "vitest";
import { requestSite } from "./same-origin.server";

describe("the one same-origin rule", () => {
  const host = "facto.example.com";
  it("an Origin on this host (any scheme: behind a TLS proxy the process sees http) or on SHOPIFY_APP_URL's host is the same site", () => {
    expect(requestSite({ origin: "https://facto.example.com", secFetchSite: null, host })).toBe("same");
    expect(requestSite({ origin: "http://facto.example.com", secFetchSite: "cross-site", host })).toBe("same");
    expect(requestSite({ origin: "https://app.facto.example", secFetchSite: null, host: "10.0.0.5:3000" }, "https://app.facto.example")).toBe("same");
  });
  it("another Origin, a malformed one or a cross-site fetch is cross-site", () => {
    expect(requestSite({ origin: "https://evil.example", secFetchSite: "same-origin", host })).toBe("cross");
    expect(requestSite({ origin: "null", secFetchSite: null, host })).toBe("cross");
    expect(requestSite({ origin: null, secFetchSite: "cross-site", host })).toBe("cross");
    expect(requestSite({ origin: null, secFetchSite: "same-site", host })).toBe("cross");
  });
  it("without Origin: Sec-Fetch-Site same-origin is the same site; without either it is unknown (not a browser)", () => {
    expect(requestSite({ origin: null, secFetchSite: "same-origin", host })).toBe("same");
    expect(requestSite({ origin: undefined, secFetchSite: undefined, host })).toBe("unknown");
  });
});
