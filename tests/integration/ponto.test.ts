import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { importBankStatement } from "~/services/bank-statements.server";
import { pontoDeps, syncPonto } from "~/services/ponto.server";
import { startFakeWooCommerce, type FakeWooCommerce } from "../fakes/fake-woocommerce";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { launchChromium } from "../support/browser";
import { buildCoda } from "../support/coda-builder";
import { seedShopifyShop } from "../support/seed-shop";
import { adminIdToken, embeddedQuery } from "../support/shopify-admin-token";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";
import { allowSignUpsFromThisMachine, signUpAndConnectWooStore } from "../support/woo-account";

/**
 * Ponto Connect end to end (issue #20, decision 027), through the web and worker processes against the fake Ponto
 * (mutual TLS, PKCE, JSON:API, signed webhooks): the merchant connects Ponto from the Bank settings page (PKCE) and
 * chooses the accounts → "Sync now" → a transfer with an open invoice's structured communication pays it → the
 * Shopify order is marked paid; Ponto's webhook → its new transactions are read → paid; forged webhooks are refused
 * and stored nowhere; a client without certificate is refused by the fake; an expired access token is refreshed
 * (rotation); lost consent shows "reconnect"; the WooCommerce admin has the same page.
 */
const stack = inject("stack");
const SHOP = "ponto-feed.myshopify.com";
const SHOP_IBAN = "BE21001234567803";
const SAVINGS_IBAN = "BE35310123456737";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const ORDERS = [9840001, 9840002, 9840003];
let db: Db;
let browser: Browser;
let page: Page;
let shopId: string;
const token = () => adminIdToken({ shop: SHOP, apiKey: stack.shopifyApiKey, apiSecret: stack.shopifyApiSecret });
const url = (p: string) => `${stack.appUrl}${p}${p.includes("?") ? "&" : "?"}${embeddedQuery(SHOP, token())}`;
const control = async (p: string, body?: unknown) => {
  const answer = await fetch(`${stack.fakePonto.controlUrl}${p}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  return answer.json() as Promise<Record<string, unknown>>;
};
const fakeStats = async () => (await control("/_control/state")).stats as Record<string, number>;
const invoiceOf = (orderId: number) => db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: String(orderId), kind: "INVOICE" } });
const paidInShopify = async (orderId: number) => ((await (await fetch(`${stack.fakeShopifyUrl}/_state/${SHOP}`)).json()) as { paidOrders: string[] }).paidOrders.includes(`gid://shopify/Order/${orderId}`);
const pontoAccountId = async (iban: string) => (await db.pontoAccount.findFirstOrThrow({ where: { shopId, iban } })).pontoAccountId;
const text = () => page.locator("body").innerText();

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  await allowSignUpsFromThisMachine(db);
  ({ shopId } = await seedShopifyShop(db, { domain: SHOP }));
  await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "NONE", iban: SHOP_IBAN } });
  const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
  for (const id of ORDERS) {
    const order = { ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${id}`, financial_status: "pending" };
    await sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: SHOP, body: JSON.stringify(order), secret: stack.shopifyApiSecret });
  }
  await waitFor(async () => (await db.invoice.count({ where: { shopId, kind: "INVOICE", status: "ISSUED" } })) === ORDERS.length, 60_000, "the invoices");
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, userAgent: BROWSER_UA });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
});

describe("Ponto Connect in the Shopify admin", () => {
  it("the fake Ponto refuses a client without a certificate", async () => {
    const attempt = new Promise<number>((resolve, reject) => {
      const req = https.request(`${stack.fakePonto.apiUrl}/ponto-connect/accounts`, { ca: readFileSync(stack.fakePonto.caPath) }, (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.end();
    });
    await expect(attempt).rejects.toThrow();
    // with the client certificate Facto is configured with, the same request reaches Ponto (and is asked for a token)
    const withCert = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${stack.fakePonto.apiUrl}/ponto-connect/accounts`, { ca: readFileSync(stack.fakePonto.caPath), cert: readFileSync(stack.fakePonto.clientCertPath), key: readFileSync(stack.fakePonto.clientKeyPath) }, (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.end();
    });
    expect(withCert).toBe(401);
  });

  it("connects with PKCE from the Bank settings page; the shop's IBAN is followed, the merchant adds another account", async () => {
    await control("/_control/next-consent", { accounts: [{ reference: SHOP_IBAN, description: "Zichtrekening" }, { reference: SAVINGS_IBAN, description: "Spaarrekening" }] });
    await page.goto(url("/app/bank-settings"));
    await expect.poll(text).toContain("Not connected");
    expect(await text()).toContain("BE21 0012 3456 7803");
    const before = await fakeStats();
    // The browser goes to Ponto's authorization page, which sends it back to /ponto/callback; that one sends the
    // merchant back into Shopify admin (a host this test cannot reach: the redirect itself is checked).
    const [callback] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${stack.appUrl}/ponto/callback?`), { timeout: 20_000 }),
      page.waitForEvent("requestfailed", { predicate: (r) => r.url().startsWith(`https://${SHOP}/`), timeout: 20_000 }),
      page.getByRole("button", { name: "Connect Ponto" }).click(),
    ]);
    expect(callback.status()).toBe(302);
    // Nothing is exchanged at the callback: the code goes on, in the merchant's browser, to the shop's own admin
    const handedOn = new URL(callback.headers()["location"]!);
    expect(`${handedOn.origin}${handedOn.pathname}`).toBe(`https://${SHOP}/admin/apps/${stack.shopifyApiKey}/app/bank-settings`);
    expect(handedOn.searchParams.get("ponto_code")).toBeTruthy();
    expect(callback.request().redirectedFrom()?.url()).toMatch(new RegExp(`^${stack.fakePonto.authorizeUrl.replace(/[.?]/g, "\\$&")}\\?.*code_challenge_method=S256`));
    expect((await fakeStats()).codeExchanges).toBe(before.codeExchanges);
    // that page ends on the browser's error page for the unreachable Shopify host: go on in a fresh one, as
    // Shopify admin would, opening the embedded page with the same query
    await page.close();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, userAgent: BROWSER_UA });
    await page.goto(url(`/app/bank-settings${handedOn.search}`));
    await expect.poll(text).toContain("Ponto is connected");
    const after = await fakeStats();
    expect(after.authorizations).toBe(before.authorizations! + 1);
    expect(after.codeExchanges).toBe(before.codeExchanges! + 1);

    const connection = await db.pontoConnection.findUniqueOrThrow({ where: { shopId } });
    expect(connection).toMatchObject({ status: "ACTIVE", oauthState: null, pkceVerifier: null });
    // tokens are stored encrypted (AES-256-GCM), never as issued
    expect(connection.accessToken).toMatch(/^v1\./);
    expect(connection.refreshToken).toMatch(/^v1\./);
    expect(`${connection.accessToken}${connection.refreshToken}`).not.toContain("ponto_");

    await page.goto(url("/app/bank-settings"));
    await expect.poll(text).toContain("Connected since");
    expect(await page.getByLabel(/BE21 0012 3456 7803/).isChecked()).toBe(true);
    expect(await page.getByLabel(/BE35 3101 2345 6737/).isChecked()).toBe(false);
    await page.getByLabel(/BE35 3101 2345 6737/).check();
    await page.getByRole("button", { name: "Save accounts" }).click();
    await expect.poll(text).toContain("Accounts saved");
    expect((await db.pontoAccount.findMany({ where: { shopId, followed: true } })).map((a) => a.iban).sort()).toEqual([SHOP_IBAN, SAVINGS_IBAN]);
  });

  it("bad input at the Ponto endpoints gets a 4xx and stores nothing", async () => {
    const before = await db.webhookEvent.count();
    const forged = `${Buffer.from('{"alg":"RS512","kid":"forged"}').toString("base64url")}.e30.c2ln`;
    const statuses: string[] = [];
    for (const body of ["", "{", "[]", "null", '{"data":{}}', "id=1", "💥".repeat(500), '{"data":{"type":"pontoConnect.account.transactionsCreated","id":"x"}}']) {
      for (const headers of [{}, { signature: forged }, { signature: "not.a.jwt!" }, { signature: "a".repeat(5000) }] as Array<Record<string, string>>) {
        const answer = await fetch(`${stack.appUrl}/webhooks/ponto`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
        statuses.push(`${answer.status}`);
      }
    }
    expect(new Set(statuses)).toEqual(new Set(["401"]));
    for (const q of ["", "state=not-a-state&code=x", "code=1&state=%00", `state=${"a".repeat(40)}&code=1`, "error=access_denied", `state=${"b".repeat(5000)}`]) {
      const answer = await fetch(`${stack.appUrl}/ponto/callback?${q}`, { redirect: "manual" });
      expect(answer.status, q.slice(0, 30)).toBe(400);
    }
    expect((await fetch(`${stack.appUrl}/webhooks/ponto`)).status).toBeGreaterThanOrEqual(400);
    expect(await db.webhookEvent.count()).toBe(before);
  });

  it("“Sync now”: a transfer with the invoice's structured communication pays it and the Shopify order is marked paid", async () => {
    const a = await invoiceOf(ORDERS[0]!);
    await control(`/_control/accounts/${await pontoAccountId(SHOP_IBAN)}/transactions`, { amount: a.amountDue.toFixed(2), date: "2026-11-27", remittanceInformation: a.paymentReference!.replace(/\D/g, ""), remittanceInformationType: "structured", counterpartName: "Jan Peeters", counterpartReference: "BE71096123456769" });
    await control(`/_control/accounts/${await pontoAccountId(SAVINGS_IBAN)}/transactions`, { amount: "-12.50", date: "2026-11-27", remittanceInformation: "Bankkosten", counterpartName: "Bank" });
    const syncsBefore = (await fakeStats()).synchronizations!;
    await page.goto(url("/app/bank-settings"));
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect.poll(text).toMatch(/Synchronisation started|already running/);
    await waitFor(async () => (await db.invoice.findUniqueOrThrow({ where: { id: a.id } })).status === "PAID", 30_000, "the invoice paid from Ponto");
    expect((await fakeStats()).synchronizations).toBe(syncsBefore + 2);
    const bt = await db.bankTransaction.findFirstOrThrow({ where: { shopId, invoiceId: a.id } });
    expect(bt).toMatchObject({ source: "PONTO", status: "MATCHED", matchReason: "EXACT", accountNumber: SHOP_IBAN, counterpartyName: "Jan Peeters", counterpartyAccount: "BE71096123456769" });
    expect(bt.bankReference).toMatch(/^ponto:[0-9a-f-]{36}$/);
    expect(bt.bookingDate.toISOString().slice(0, 10)).toBe("2026-11-27");
    const payment = await db.payment.findFirstOrThrow({ where: { invoiceId: a.id, status: "PAID" } });
    expect(payment).toMatchObject({ provider: "BANK_TRANSFER", externalId: `bank:${bt.id}`, method: "Bank transfer (Jan Peeters, BE71 0961 2345 6769)" });
    await waitFor(() => paidInShopify(ORDERS[0]!), 30_000, "the Shopify order marked paid");
    // the bank costs on the savings account wait on the Unmatched list
    expect(await db.bankTransaction.findFirstOrThrow({ where: { shopId, accountNumber: SAVINGS_IBAN } })).toMatchObject({ source: "PONTO", status: "UNMATCHED", matchReason: "DEBIT" });
    await waitFor(async () => (await db.pontoConnection.findUniqueOrThrow({ where: { shopId } })).lastSyncState === "SUCCESS", 10_000, "the sync recorded");
    await page.goto(url("/app/bank-settings"));
    await expect.poll(text).toContain("(success)");
  });

  it("a transaction is imported once, whether Ponto shows it again or a statement file brings it too", async () => {
    const a = await invoiceOf(ORDERS[0]!);
    const counts = async () => ({ transactions: await db.bankTransaction.count({ where: { shopId, source: "PONTO" } }), payments: await db.payment.count({ where: { invoiceId: a.id } }) });
    const before = await counts();
    const syncsBefore = (await fakeStats()).synchronizations!;
    await page.goto(url("/app/bank-settings"));
    await page.getByRole("button", { name: "Sync now" }).click();
    await waitFor(async () => (await fakeStats()).synchronizations! >= syncsBefore + 2 && (await db.pontoConnection.findUniqueOrThrow({ where: { shopId } })).lastSyncState === "SUCCESS", 30_000, "a second sync");
    expect(await counts()).toEqual(before);
    // the bank's CODA file of the same day carries the same transfer under the bank's own reference
    const coda = buildCoda([{ iban: SHOP_IBAN, statementNumber: 12, openingBalance: "0", date: "2026-11-27", movements: [{ amount: (await db.bankTransaction.findFirstOrThrow({ where: { shopId, invoiceId: a.id, source: "PONTO" } })).amount.toFixed(2), date: "2026-11-27", ogmDigits: a.paymentReference!.replace(/\D/g, ""), counterpartyIban: "BE71096123456769", counterpartyName: "Jan Peeters" }] }]);
    const summary = await importBankStatement(db, shopId, coda, { enqueueOrderPaid: async () => {}, enqueueThankYou: async () => {}, notifyMerchant: async () => {}, enqueueStoreStatus: async () => {} });
    expect(summary).toMatchObject({ paid: 0, unmatched: 1 });
    expect((await counts()).payments).toBe(before.payments);
    // listed for the merchant, never booked a second time (the invoice is paid: its reference is no open invoice's)
    const fromFile = await db.bankTransaction.findFirstOrThrow({ where: { shopId, source: "CODA" } });
    expect(fromFile).toMatchObject({ status: "UNMATCHED", paymentId: null });
    expect(["UNKNOWN_REFERENCE", "BOOKED_FROM_OTHER_FILE"]).toContain(fromFile.matchReason);
  });

  it("Ponto's signed transactionsCreated webhook is stored in the inbox and its transactions are read → paid", async () => {
    const b = await invoiceOf(ORDERS[1]!);
    const accountId = await pontoAccountId(SHOP_IBAN);
    await control(`/_control/accounts/${accountId}/transactions`, { amount: b.amountDue.toFixed(2), date: "2026-11-28", remittanceInformation: b.paymentReference!, remittanceInformationType: "structured", counterpartName: "Marie Dubois", counterpartReference: "BE71096123456769" });
    const sent = await control("/_control/webhook", { accountId, url: `${stack.appUrl}/webhooks/ponto` });
    expect(sent).toMatchObject({ status: 200, created: 1 });
    const event = await db.webhookEvent.findFirstOrThrow({ where: { provider: "PONTO", deliveryId: `ponto:${sent.eventId}:${shopId}` } });
    expect(event.topic).toBe("pontoConnect.account.transactionsCreated");
    await waitFor(async () => (await db.invoice.findUniqueOrThrow({ where: { id: b.id } })).status === "PAID", 30_000, "the invoice paid from the webhook");
    await waitFor(async () => (await db.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).status === "PROCESSED", 10_000, "the inbox row processed");
    await waitFor(() => paidInShopify(ORDERS[1]!), 30_000, "the Shopify order marked paid");
  });

  it.each(["key", "digest", "expired", "none"])("a forged webhook (%s) is refused and stored nowhere", async (forge) => {
    const before = await db.webhookEvent.count({ where: { provider: "PONTO" } });
    const sent = await control("/_control/webhook", { accountId: await pontoAccountId(SHOP_IBAN), url: `${stack.appUrl}/webhooks/ponto`, forge });
    expect(sent.status).toBe(401);
    expect(await db.webhookEvent.count({ where: { provider: "PONTO" } })).toBe(before);
  });

  it("an expired access token is refreshed, and the refresh token rotates", async () => {
    const c = await invoiceOf(ORDERS[2]!);
    const stored = await db.pontoConnection.findUniqueOrThrow({ where: { shopId } });
    const refreshesBefore = (await fakeStats()).refreshes!;
    await control("/_control/expire-access-tokens", {});
    await control(`/_control/accounts/${await pontoAccountId(SHOP_IBAN)}/transactions`, { amount: c.amountDue.toFixed(2), date: "2026-11-28", remittanceInformation: c.paymentReference!, remittanceInformationType: "structured", counterpartName: "Piet de Vries" });
    await page.goto(url("/app/bank-settings"));
    await page.getByRole("button", { name: "Sync now" }).click();
    await waitFor(async () => (await db.invoice.findUniqueOrThrow({ where: { id: c.id } })).status === "PAID", 30_000, "the invoice paid after a token refresh");
    expect((await fakeStats()).refreshes).toBe(refreshesBefore + 1);
    const now = await db.pontoConnection.findUniqueOrThrow({ where: { shopId } });
    expect(now.refreshToken).not.toBe(stored.refreshToken);
    expect(now.status).toBe("ACTIVE");
  });

  it("two syncs that find the access token expired spend the refresh token once", async () => {
    const deps = pontoDeps();
    expect(deps).not.toBeNull();
    const refreshesBefore = (await fakeStats()).refreshes!;
    await control("/_control/expire-access-tokens", {});
    const effects = { enqueueOrderPaid: async () => {}, enqueueThankYou: async () => {}, notifyMerchant: async () => {}, enqueueStoreStatus: async () => {} };
    const results = await Promise.all([syncPonto(db, shopId, deps!, effects), syncPonto(db, shopId, deps!, effects), syncPonto(db, shopId, deps!, effects)]);
    expect(results.every((r) => r.accounts === 2)).toBe(true);
    expect((await fakeStats()).refreshes).toBe(refreshesBefore + 1);
    expect((await db.pontoConnection.findUniqueOrThrow({ where: { shopId } })).status).toBe("ACTIVE");
  });

  it("lost consent: the page says to reconnect Ponto", async () => {
    await control("/_control/revoke-consent", { accountReference: SHOP_IBAN });
    await control("/_control/expire-access-tokens", {});
    await page.goto(url("/app/bank-settings"));
    await page.getByRole("button", { name: "Sync now" }).click();
    await waitFor(async () => (await db.pontoConnection.findUniqueOrThrow({ where: { shopId } })).status === "REAUTHORIZATION_REQUIRED", 30_000, "the connection marked for reconnection");
    await page.goto(url("/app/bank-settings"));
    await expect.poll(text).toContain("Ponto's access to your bank has expired");
    expect(await page.getByRole("button", { name: "Reconnect Ponto" }).isVisible()).toBe(true);
    expect(await text()).toContain("reconnect Ponto");
  });
});

describe("Bank settings in the WooCommerce admin", () => {
  let woo: FakeWooCommerce;
  let owner: Page;
  afterAll(async () => woo?.close());

  it("shows the IBAN used for matching and connects Ponto back to the store's page", async () => {
    woo = await startFakeWooCommerce();
    owner = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const wooShopId = await signUpAndConnectWooStore(owner, stack, { email: "owner@ponto-feed.example", password: "ponto-feed-2026-pw" }, woo);
    await db.shop.update({ where: { id: wooShopId }, data: { iban: SAVINGS_IBAN } });

    await owner.goto(`${stack.appUrl}/woo/stores/${wooShopId}/bank-settings`);
    await expect.poll(() => owner.locator("body").innerText()).toContain("IBANs used for matching");
    expect(await owner.locator("body").innerText()).toContain("BE35 3101 2345 6737");
    await control("/_control/next-consent", { accounts: [{ reference: SAVINGS_IBAN, description: "Webshop" }] });
    await owner.getByRole("button", { name: "Connect Ponto" }).click();
    await owner.waitForURL(new RegExp(`/woo/stores/${wooShopId}/bank-settings\\?ponto_state=`), { timeout: 20_000 });
    await expect.poll(() => owner.locator("body").innerText()).toContain("Ponto is connected");
    expect(await owner.getByLabel(/BE35 3101 2345 6737/).isChecked()).toBe(true);
    expect(await db.pontoConnection.findUniqueOrThrow({ where: { shopId: wooShopId } })).toMatchObject({ status: "ACTIVE" });

    // An authorization link finished in another browser (not the store owner's) attaches nothing to the store.
    let authorizeUrl = "";
    await owner.route(`${stack.fakePonto.controlUrl}/oauth2/auth**`, (route) => {
      authorizeUrl = route.request().url();
      return route.abort();
    });
    await owner.getByRole("button", { name: "Disconnect Ponto" }).click();
    await expect.poll(() => owner.locator("body").innerText()).toContain("Ponto disconnected");
    await owner.getByRole("button", { name: "Connect Ponto" }).click();
    await expect.poll(() => authorizeUrl, { timeout: 20_000 }).not.toBe("");
    // The route stays: a navigation of the owner's page still on its way to Ponto (the page opens the
    // authorization URL from an effect, and under load a second one arrives late) must not finish the
    // authorization itself in the owner's browser before the checks below.
    expect(authorizeUrl).toContain("code_challenge_method=S256");
    const atPonto = await fetch(authorizeUrl, { redirect: "manual" });
    const callbackUrl = atPonto.headers.get("location")!;
    const handedOn = await fetch(callbackUrl, { redirect: "manual" });
    expect(handedOn.status).toBe(302);
    const storePage = new URL(handedOn.headers.get("location")!, stack.appUrl);
    expect(storePage.pathname).toBe(`/woo/stores/${wooShopId}/bank-settings`);
    const stranger = await fetch(storePage, { redirect: "manual" });
    expect(stranger.status).toBe(302);
    expect(stranger.headers.get("location")).toContain("/woo/login");
    expect((await db.pontoConnection.findUniqueOrThrow({ where: { shopId: wooShopId } })).oauthState).not.toBeNull();
    // the merchant of another shop (the Shopify shop's embedded admin) cannot finish it either: nothing attached
    await page.goto(url(`/app/bank-settings${storePage.search}`));
    await expect.poll(text).toContain("started for another shop");
    expect((await db.pontoConnection.findUniqueOrThrow({ where: { shopId: wooShopId } })).oauthState).not.toBeNull();
    // the owner's own browser finishes it
    await owner.goto(callbackUrl);
    await owner.waitForURL(new RegExp(`/woo/stores/${wooShopId}/bank-settings\\?ponto_state=`));
    await expect.poll(() => owner.locator("body").innerText()).toContain("Ponto is connected");
    expect(await db.pontoConnection.findUniqueOrThrow({ where: { shopId: wooShopId } })).toMatchObject({ oauthState: null, status: "ACTIVE" });
  }, 90_000);
});
