import { describe, expect, it } from "vitest";
import { fillTwikeyExitUrl, readTwikeyExit, TwikeyAuthError, twikeyClient, twikeyExitSignature, twikeyExitUrlTemplate, twikeyWebhookSignature, verifyTwikeyExit, verifyTwikeyWebhook } from "./twikey-client.server";

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

describe("Twikey's exit URL", () => {
  it("is pasted with Twikey's nominal placeholders and read back once Twikey filled them", () => {
    const template = twikeyExitUrlTemplate("https://facto.example/mandates/return/shop-1");
    expect(template).toBe("https://facto.example/mandates/return/shop-1?mandateNumber={{mandateNumber}}&status={{status}}&s={{s}}");
    const filled = fillTwikeyExitUrl(template, { mandateNumber: "MNDT/7", status: "ok", websiteKey: "wk" });
    expect(filled).toBe(`https://facto.example/mandates/return/shop-1?mandateNumber=MNDT%2F7&status=ok&s=${twikeyExitSignature("wk", "MNDT/7", "ok")}`);
    const read = readTwikeyExit(new URL(filled).searchParams);
    expect(read).toEqual({ mndtId: "MNDT/7", status: "ok", signature: twikeyExitSignature("wk", "MNDT/7", "ok"), token: null, unfilled: false });
    expect(verifyTwikeyExit("wk", read.mndtId, read.status, read.signature, read.token)).toBe(true);
  });

  it("fills Twikey's positional variables {0} {1} {3} the same way", () => {
    const filled = fillTwikeyExitUrl("https://x.example/r?mandateNumber={0}&status={1}&s={3}", { mandateNumber: "M1", status: "fail", websiteKey: "wk" });
    expect(readTwikeyExit(new URL(filled).searchParams)).toMatchObject({ mndtId: "M1", status: "fail", signature: twikeyExitSignature("wk", "M1", "fail") });
  });

  it("notices a placeholder Twikey did not fill (the exit URL is set up wrong) and still reads an old mndtId URL", () => {
    expect(readTwikeyExit(new URLSearchParams("mandateNumber={{mandateNumber}}&status={{status}}&s={{s}}")).unfilled).toBe(true);
    expect(readTwikeyExit(new URLSearchParams("mandateNumber=%7B0%7D&status=ok&s=AB")).unfilled).toBe(true);
    expect(readTwikeyExit(new URLSearchParams("mndtId=M2&status=ok&s=AB"))).toMatchObject({ mndtId: "M2", unfilled: false });
  });
});

describe("the Twikey client reading Twikey's answers", () => {
  const feed = (messages: unknown[]) => async () => new Response(JSON.stringify({ GrpHdr: { CreDtTm: "2026-11-29T10:00:00Z" }, Messages: messages }), { status: 200, headers: { "X-LAST": "7" } });
  const fakeFetch = (answer: () => Promise<Response>): typeof fetch => async (input) => (String(input).endsWith("/creditor") ? new Response("{}", { status: 200, headers: { Authorization: "tok" } }) : answer());

  it("takes the customer number from Mndt.Dbtr.CtctDtls.Othr, not from SplmtryData", async () => {
    const client = twikeyClient({ baseUrl: "https://t1.example/creditor", apiKey: "k1", fetchImpl: fakeFetch(feed([{ Mndt: { MndtId: "M1", Dbtr: { Nm: "Els", CtctDtls: { EmailAdr: "els@example.be", Othr: "cust-1" } }, SplmtryData: [{ Key: "CustomerNumber", Value: "wrong" }] }, EvtTime: "2026-11-29T10:00:00Z" }])) });
    const { events, last } = await client.mandateFeed(null);
    expect(last).toBe("7");
    expect(events[0]).toMatchObject({ kind: "new", mndtId: "M1", customerNumber: "cust-1", email: "els@example.be" });
  });

  it("tells a suspension and a resumption from a plain amendment, and a cancel from all of them", async () => {
    const mndt = { MndtId: "M2", Dbtr: { Nm: "Jan" } };
    const client = twikeyClient({
      baseUrl: "https://t2.example/creditor",
      apiKey: "k2",
      fetchImpl: fakeFetch(feed([
        { Mndt: mndt, AmdmntRsn: { Rsn: "Suspended" }, OrgnlMndtId: "M2" },
        { Mndt: mndt, AmdmntRsn: { Rsn: "_T50" }, OrgnlMndtId: "M2" },
        { Mndt: mndt, AmdmntRsn: { Rsn: "Resumed" }, OrgnlMndtId: "M2" },
        { Mndt: mndt, AmdmntRsn: { Rsn: "mandate suspended after 36 months of inactivity" }, OrgnlMndtId: "M2" },
        { OrgnlMndtId: "M2", CxlRsn: { Rsn: "MD01" } },
      ])),
    });
    const { events } = await client.mandateFeed(null);
    expect(events.map((e) => [e.kind, e.amendmentReason])).toEqual([["suspended", "Suspended"], ["updated", "_T50"], ["resumed", "Resumed"], ["suspended", "mandate suspended after 36 months of inactivity"], ["cancelled", null]]);
    expect(events[4]).toMatchObject({ mndtId: "M2", cancelReason: "MD01" });
  });

  it("turns a login answered HTTP 200 with ApiError headers into a typed, non-retryable auth error", async () => {
    const refused: typeof fetch = async () => new Response(JSON.stringify({ code: "err_invalid_apitoken", message: "Invalid API token" }), { status: 200, headers: { ApiError: "err_invalid_apitoken", ApiErrorCode: "err_invalid_apitoken" } });
    const error = await twikeyClient({ baseUrl: "https://t3.example/creditor", apiKey: "bad", fetchImpl: refused }).mandateFeed(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwikeyAuthError);
    expect(error).toMatchObject({ message: "Twikey refused the API key: err_invalid_apitoken (Invalid API token)", retryable: false, code: "UPSTREAM_REJECTED" });
    // Without any body either: still the refusal, never a crash on a missing token.
    const bare: typeof fetch = async () => new Response("", { status: 200, headers: { ApiError: "err_invalid_apitoken" } });
    await expect(twikeyClient({ baseUrl: "https://t4.example/creditor", apiKey: "bad", fetchImpl: bare }).checkLogin()).rejects.toThrow("Twikey refused the API key: err_invalid_apitoken");
    // Twikey down is not a refusal: retryable.
    const down: typeof fetch = async () => new Response("", { status: 503 });
    await expect(twikeyClient({ baseUrl: "https://t5.example/creditor", apiKey: "k", fetchImpl: down }).checkLogin()).rejects.toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
  });

  it("sends a collection with ct, colltndt and each mandate as a repeated mndtId, and reads the collection id", async () => {
    const seen: string[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      if (String(input).endsWith("/creditor")) return new Response("{}", { status: 200, headers: { Authorization: "tok" } });
      seen.push(`${init?.method} ${String(input)} ${String(init?.body)}`);
      return new Response(JSON.stringify({ msgId: "123" }), { status: 200 });
    };
    expect(await twikeyClient({ baseUrl: "https://t6.example/creditor", apiKey: "k6", fetchImpl }).collect({ template: "42", collectionDate: "2026-12-01", mndtIds: ["M1", "M2"] })).toEqual({ id: "123" });
    expect(seen).toEqual(["POST https://t6.example/creditor/collect ct=42&colltndt=2026-12-01&mndtId=M1&mndtId=M2"]);
  });
});
