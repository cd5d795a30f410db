import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedFetch } from "~/integrations/outbound/outbound-guard.server";
import { twikeyClient, twikeyExitSignature, type TwikeyClient } from "~/integrations/twikey/twikey-client.server";
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

  it("sends the shopper to the exit URL with Twikey's placeholders filled in and nothing appended", async () => {
    twikey.configure({ exitUrl: "https://shop.example/return?mandateNumber={{mandateNumber}}&status={{status}}&s={{s}}" });
    try {
      const invite = await client.invite({ template: "CORE-1", language: "nl", email: "x@example.be", customerNumber: "c-exit", sendInvite: false });
      const signed = await fetch(invite.url!, { method: "POST", body: new URLSearchParams({ iban: "BE68539007547034" }), redirect: "manual" });
      expect(signed.status).toBe(303);
      const exit = new URL(signed.headers.get("location")!);
      expect([...exit.searchParams.keys()]).toEqual(["mandateNumber", "status", "s"]);
      expect(exit.searchParams.get("mandateNumber")).toBe(invite.mndtId);
      expect(exit.searchParams.get("status")).toBe("ok");
      expect(exit.searchParams.get("s")).toBe(twikeyExitSignature(twikey.config.websiteKey, invite.mndtId, "ok"));
      // A URL without placeholders gets nothing: Twikey appends nothing.
      twikey.configure({ exitUrl: "https://shop.example/return" });
      const bare = await client.invite({ template: "CORE-1", language: "nl", email: "y@example.be", customerNumber: "c-exit-2", sendInvite: false });
      const location = (await fetch(bare.url!, { method: "POST", body: new URLSearchParams({ iban: "BE68539007547034" }), redirect: "manual" })).headers.get("location");
      expect(location).toBe("https://shop.example/return");
    } finally {
      twikey.configure({ exitUrl: null });
    }
  });

  it("only queues a transaction: the bank answers after a collect call (or with automatic sending)", async () => {
    const invite = await client.invite({ template: "CORE-Q", language: "nl", email: "q@example.be", customerNumber: "c-q", sendInvite: false });
    await fetch(invite.url!, { method: "POST", body: new URLSearchParams({ iban: "BE68539007547034" }) });
    const { id } = await client.createTransaction({ mndtId: invite.mndtId, amount: "20.00", message: "INV-Q", ref: "INV-Q", idempotencyKey: "q-1" });
    await expect(twikey.settle(Number(id), "PAID")).rejects.toThrow(/never sent to the bank/);
    expect(await client.collect({ template: "OTHER", collectionDate: "2026-12-01", mndtIds: [invite.mndtId] })).toEqual({ id: expect.any(String) });
    expect(twikey.transactions.get(Number(id))!.collection).toBeNull(); // another template's collection does not take it
    const sent = await client.collect({ template: "CORE-Q", collectionDate: "2026-12-01", mndtIds: [invite.mndtId] });
    expect(twikey.collections.find((c) => c.msgId === sent.id)?.transactions).toEqual([Number(id)]);
    await twikey.settle(Number(id), "PAID");
    twikey.configure({ autoSend: true });
    try {
      const auto = await client.createTransaction({ mndtId: invite.mndtId, amount: "21.00", message: "INV-R", ref: "INV-R", idempotencyKey: "q-2" });
      expect(twikey.transactions.get(Number(auto.id))!.collection).not.toBeNull();
    } finally {
      twikey.configure({ autoSend: false });
    }
  });

  it("reports a refused debit first as a non-final ERROR (Twikey retries), then as final", async () => {
    const invite = await client.invite({ template: "CORE-E", language: "nl", email: "e@example.be", customerNumber: "c-e", sendInvite: false });
    await fetch(invite.url!, { method: "POST", body: new URLSearchParams({ iban: "BE68539007547034" }) });
    const position = (await client.transactionFeed(null)).last;
    const { id } = await client.createTransaction({ mndtId: invite.mndtId, amount: "3.00", message: "INV-E", ref: "INV-E", idempotencyKey: "e-1" });
    await client.collect({ template: "CORE-E", collectionDate: "2026-12-01", mndtIds: [invite.mndtId] });
    await twikey.settle(Number(id), "ERROR", { code: "MS03", message: "No reason specified" }, { final: false });
    const first = await client.transactionFeed(position);
    expect(first.events).toEqual([expect.objectContaining({ id, state: "ERROR", final: false, bankError: "MS03" })]);
    await twikey.settle(Number(id), "ERROR", { code: "AC04", message: "Closed account number" });
    expect((await client.transactionFeed(first.last)).events).toEqual([expect.objectContaining({ id, state: "ERROR", final: true, bankError: "AC04" })]);
  });

  it("puts a suspension in the mandate feed as an amendment, and ends an unsigned invitation with an Invite webhook", async () => {
    const calls: string[] = [];
    const { createServer } = await import("node:http");
    const hook = createServer((req, res) => {
      calls.push(req.url ?? "");
      res.end();
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    twikey.configure({ webhookUrl: `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook` });
    try {
      const invite = await client.invite({ template: "CORE-S", language: "nl", email: "s@example.be", customerNumber: "c-s", sendInvite: false });
      await fetch(invite.url!, { method: "POST", body: new URLSearchParams({ iban: "BE68539007547034" }) });
      const position = (await client.mandateFeed(null)).last;
      await twikey.suspend(invite.mndtId);
      expect((await client.mandateFeed(position)).events).toEqual([expect.objectContaining({ kind: "suspended", mndtId: invite.mndtId, customerNumber: "c-s" })]);
      const unsigned = await client.invite({ template: "CORE-S", language: "nl", email: "u@example.be", customerNumber: "c-u", sendInvite: true });
      await twikey.endInvitation(unsigned.mndtId, "expired");
      expect(calls.at(-1)).toBe(`/hook?type=contract&mandateNumber=${unsigned.mndtId}&event=Invite&reason=expired`);
    } finally {
      twikey.configure({ webhookUrl: null });
      await new Promise((r) => hook.close(r));
    }
  });
});
