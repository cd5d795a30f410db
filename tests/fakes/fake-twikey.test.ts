import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedFetch } from "~/integrations/outbound/outbound-guard.server";
import { twikeyClient, type TwikeyClient } from "~/integrations/twikey/twikey-client.server";
import { startFakeTwikey, type FakeTwikey } from "./fake-twikey";

/** Facto's Twikey client against the fake: login and re-login, invitations, feeds, detail, cancel, links. */
let twikey: FakeTwikey;
let client: TwikeyClient;
beforeAll(async () => {
  twikey = await startFakeTwikey();
  client = twikeyClient({ baseUrl: twikey.baseUrl, apiKey: twikey.config.apiKey, fetchImpl: guardedFetch({ allowLoopback: true }) });
});
afterAll(async () => twikey.close());

describe("the Twikey client", () => {
  it("logs in once, invites, and reads a signed mandate from the feed with its position", async () => {
    const invite = await client.invite({ template: "CORE-1", language: "nl", email: "els@example.be", name: "Els Vermeulen", customerNumber: "c-1", sendInvite: false });
    expect(invite.mndtId).toMatch(/^MNDT\d+$/);
    expect((await client.mandateFeed(null)).events).toEqual([]);
    const signed = await fetch(invite.url!, { method: "POST", body: new URLSearchParams({ iban: "BE68 5390 0754 7034", name: "Els Vermeulen" }), redirect: "manual" });
    expect(signed.status).toBe(200);
    const feed = await client.mandateFeed(null);
    expect(feed.events).toEqual([expect.objectContaining({ kind: "new", mndtId: invite.mndtId, iban: "BE68539007547034", customerNumber: "c-1", debtorName: "Els Vermeulen" })]);
    expect((await client.mandateFeed(feed.last)).events).toEqual([]);
    expect(await client.mandateDetail(invite.mndtId)).toEqual({ state: "signed", collectable: true });
    expect(twikey.logins).toBe(1);
  });

  it("logs in again when Twikey forgot the session (401 err_no_login)", async () => {
    const before = twikey.logins;
    const other = twikeyClient({ baseUrl: twikey.baseUrl, apiKey: twikey.config.apiKey, fetchImpl: guardedFetch({ allowLoopback: true }) });
    await other.mandateFeed(null);
    expect(twikey.logins).toBe(before); // the token is cached per API key and base URL
    twikey.forgetSessions();
    expect((await client.mandateFeed(null)).events.length).toBeGreaterThan(0);
    expect(twikey.logins).toBe(before + 1); // one new login, then the call went through
  });

  it("cancels a mandate (it appears as cancelled in the feed) and creates payment links idempotently", async () => {
    const invite = await client.invite({ template: "CORE-1", language: "fr", customerNumber: "c-2", sendInvite: false });
    await fetch(invite.url!, { method: "POST", body: new URLSearchParams({ iban: "BE71096123456769" }) });
    const position = (await client.mandateFeed(null)).last;
    await client.cancelMandate(invite.mndtId, "MD01");
    expect((await client.mandateFeed(position)).events).toEqual([expect.objectContaining({ kind: "cancelled", mndtId: invite.mndtId, cancelReason: "MD01" })]);
    const link = await client.createPaymentLink({ template: "CORE-1", title: "INV-0001", remittance: "+++000/0000/00101+++", amount: "12.10", ref: "INV-0001", language: "nl", idempotencyKey: "k-1" });
    expect(await client.createPaymentLink({ template: "CORE-1", title: "INV-0001", remittance: "+++000/0000/00101+++", amount: "12.10", ref: "INV-0001", language: "nl", idempotencyKey: "k-1" })).toEqual(link);
    await expect(client.createTransaction({ mndtId: invite.mndtId, amount: "10.00", message: "x", ref: "r", idempotencyKey: "t-1" })).rejects.toThrow(/err_no_contract/);
  });

  it("refuses a wrong API key with Twikey's error code", async () => {
    const wrong = twikeyClient({ baseUrl: twikey.baseUrl, apiKey: "wrong-key", fetchImpl: guardedFetch({ allowLoopback: true }) });
    await expect(wrong.mandateFeed(null)).rejects.toThrow(/err_invalid_apitoken/);
  });
});
