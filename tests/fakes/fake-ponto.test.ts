import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapPontoTransaction } from "~/integrations/ponto/map-ponto-transaction";
import { createPontoClient, pkcePair, PontoError, type PontoClient, type PontoConfig } from "~/integrations/ponto/ponto-client.server";
import { keyFromJwk, verifyPontoSignature } from "~/integrations/ponto/ponto-webhook-signature";
import { guardedFetch } from "~/integrations/outbound/outbound-guard.server";
import { startFakePonto, type FakePonto } from "./fake-ponto";

/**
 * Facto's Ponto client against the fake Ponto, and the fake's own contract: mutual TLS required, PKCE (S256)
 * verified, single-use rotating refresh tokens, JSON:API pagination, RS512-signed webhooks with a SHA-512 digest.
 */
let fake: FakePonto;
let config: PontoConfig;
let client: PontoClient;
const REDIRECT = "http://127.0.0.1:9/ponto/callback";
const control = async (p: string, body?: unknown) => (await fetch(`${fake.controlUrl}${p}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) })).json();

async function authorize(c: PontoClient): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const answer = await fetch(c.authorizeUrl({ state: "st4te", codeChallenge: challenge, redirectUri: REDIRECT }), { redirect: "manual" });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get("location")!);
  expect(back.searchParams.get("state")).toBe("st4te");
  return { code: back.searchParams.get("code")!, verifier };
}

beforeAll(async () => {
  fake = await startFakePonto();
  config = {
    apiBaseUrl: fake.apiUrl,
    authorizeUrl: fake.authorizeUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    applicationId: fake.applicationId,
    tls: { cert: readFileSync(fake.certs.clientCertPath), key: readFileSync(fake.certs.clientKeyPath), ca: readFileSync(fake.certs.caPath) },
  };
  client = createPontoClient(config, guardedFetch({ allowLoopback: true, tls: config.tls }));
}, 60_000);
afterAll(async () => fake?.close());

describe("fake Ponto", () => {
  it("refuses a client without a certificate at the TLS handshake", async () => {
    const attempt = new Promise<number>((resolve, reject) => {
      const req = https.request(`${fake.apiUrl}/ponto-connect/accounts`, { ca: fake.certs.ca }, (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.end();
    });
    await expect(attempt).rejects.toThrow(/certificate|socket hang up|ECONNRESET|alert/i);
    // …and Facto's client without its certificate gets a Ponto error, not an answer
    const bare = createPontoClient({ ...config, tls: { ca: config.tls.ca! } }, guardedFetch({ allowLoopback: true, tls: { ca: config.tls.ca! } }));
    await expect(bare.listAccounts("x")).rejects.toBeInstanceOf(PontoError);
  });

  it("exchanges a code only with the PKCE verifier of its challenge, once", async () => {
    await control("/_control/next-consent", { accounts: [{ reference: "BE68539007547034", description: "Current" }, { reference: "BE71096123456769", currency: "EUR", description: "Savings" }] });
    const { code, verifier } = await authorize(client);
    await expect(client.exchangeCode({ code, codeVerifier: pkcePair().verifier, redirectUri: REDIRECT })).rejects.toMatchObject({ failure: "CONSENT" });
    const tokens = await client.exchangeCode({ code, codeVerifier: verifier, redirectUri: REDIRECT });
    expect(tokens.accessToken).toMatch(/^ponto_at_/);
    await expect(client.exchangeCode({ code, codeVerifier: verifier, redirectUri: REDIRECT })).rejects.toMatchObject({ failure: "CONSENT" });
    const accounts = await client.listAccounts(tokens.accessToken);
    expect(accounts.map((a) => a.iban).sort()).toEqual(["BE68539007547034", "BE71096123456769"]);
    await expect(client.listAccounts("not-a-token")).rejects.toMatchObject({ failure: "UNAUTHORIZED" });
  });

  it("rotates refresh tokens: each works once", async () => {
    const { code, verifier } = await authorize(client);
    const first = await client.exchangeCode({ code, codeVerifier: verifier, redirectUri: REDIRECT });
    const second = await client.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(client.refresh(first.refreshToken)).rejects.toMatchObject({ failure: "CONSENT" });
    expect((await client.listAccounts(second.accessToken)).length).toBeGreaterThan(0);
  });

  it("shows transactions after a synchronization, newest first, page by page, amounts exact", async () => {
    await control("/_control/next-consent", { accounts: [{ reference: "BE43068999999501", description: "Paged" }] });
    const { code, verifier } = await authorize(client);
    const { accessToken } = await client.exchangeCode({ code, codeVerifier: verifier, redirectUri: REDIRECT });
    const [account] = await client.listAccounts(accessToken);
    for (let i = 1; i <= 150; i++) await control(`/_control/accounts/${account!.id}/transactions`, { amount: `${i}.10`, date: "2026-11-27", remittanceInformation: `n${i}` });
    expect((await client.listTransactions(accessToken, account!.id)).transactions).toHaveLength(0);
    let sync = await client.createSynchronization(accessToken, account!.id);
    expect(sync.status).toBe("pending");
    while (sync.status !== "success") sync = await client.getSynchronization(accessToken, sync.id);
    const first = await client.listTransactions(accessToken, account!.id);
    expect(first.transactions).toHaveLength(100);
    expect(first.next).toContain("page[after]=");
    const second = await client.listTransactions(accessToken, account!.id, first.next!);
    expect(second.transactions).toHaveLength(50);
    expect(second.next).toBeNull();
    const newest = mapPontoTransaction(first.transactions[0]!.id, first.transactions[0]!.attributes, account!);
    expect(newest).toMatchObject({ amount: "150.10", bookingDate: "2026-11-27", communication: "n150", accountNumber: "BE43068999999501", direction: "CREDIT" });
  });

  describe("webhooks", () => {
    let receiver: Server;
    let url = "";
    const received: Array<{ body: Buffer; signature: string | null }> = [];
    beforeAll(async () => {
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          received.push({ body: Buffer.concat(chunks), signature: (req.headers.signature as string | undefined) ?? null });
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

    const verifyLast = async () => {
      const keys = await client.webhookKeys();
      const last = received.at(-1)!;
      return verifyPontoSignature(last.body, last.signature, { keyFor: async (kid) => { const k = keys.find((x) => x.kid === kid); return k ? keyFromJwk(k) : null; }, now: new Date(), issuer: fake.apiUrl, audience: fake.applicationId });
    };

    it("are signed as RS512 JWTs over the body's SHA-512, verifiable with the published keys", async () => {
      await control("/_control/webhook", { accountId: "BE68539007547034", url });
      const claims = await verifyLast();
      expect(claims.aud).toBe(fake.applicationId);
      expect(JSON.parse(received.at(-1)!.body.toString()).data.type).toBe("pontoConnect.account.transactionsCreated");
      expect(JSON.parse(Buffer.from(received.at(-1)!.signature!.split(".")[0]!, "base64url").toString())).toMatchObject({ alg: "RS512" });
    });

    it.each([
      ["key", /does not verify/],
      ["digest", /digest/],
      ["expired", /expired/],
      ["none", /missing/],
    ])("a forgery (%s) does not verify", async (forge, why) => {
      await control("/_control/webhook", { accountId: "BE68539007547034", url, forge });
      await expect(verifyLast()).rejects.toThrow(why);
    });
  });
});
