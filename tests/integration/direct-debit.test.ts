import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assertValidUbl } from "../support/official-validation";
import { createPrisma, type Db } from "~/db.server";
import { twikeyClient, twikeyWebhookSignature, type TwikeyClient } from "~/integrations/twikey/twikey-client.server";
import { AppError } from "~/errors/app-error";
import { collectInvoice, readTwikeyFeeds, sendUnsentCollections, startMandate, twikeyForShop } from "~/services/direct-debit.server";
import { checkTwikeyApiKey, testTwikeyExitUrl, twikeySetupUrls } from "~/services/twikey-setup.server";
import { encryptSecret } from "~/utils/encryption.server";
import type { CapturedEmailJson } from "../fakes/fake-smtp";
import { startFakeTwikey, type FakeTwikey } from "../fakes/fake-twikey";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { launchChromium } from "../support/browser";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * Direct debit with Twikey, end to end over real HTTP: the shopper signs a mandate after checkout
 * (the checkout extension's API, Twikey's signing page in Chromium, the signed exit URL) → the
 * mandate is active (feed read on Twikey's signed webhook) and told to Shopify → the next order's
 * invoice is collected automatically → PAID in the transaction feed → invoice paid → Shopify order
 * marked paid. The ERROR path, forged signatures and "never twice" are shown too.
 */
const stack = inject("stack");
const SHOP = "direct-debit.myshopify.com";
const CUSTOMER = "6940095545623";
let db: Db;
let twikey: FakeTwikey;
let browser: Browser;
let shopId: string;

const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
async function placeOrder(orderId: number, customer?: { id: number; email: string }) {
  const order = {
    ...fixture,
    id: orderId,
    admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
    financial_status: "pending",
    ...(customer ? { email: customer.email, customer: { ...fixture.customer, id: customer.id, email: customer.email, admin_graphql_api_id: `gid://shopify/Customer/${customer.id}` } } : {}),
  };
  expect((await sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: SHOP, body: JSON.stringify(order), secret: stack.shopifyApiSecret })).status).toBe(200);
  await waitFor(async () => (await db.document.count({ where: { invoice: { shopId, channelOrderId: String(orderId) }, format: "PDF" } })) > 0, 30_000, `the invoice of order ${orderId}`);
  return db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: String(orderId), kind: "INVOICE" } });
}

// The extension runs in the shopper's browser (Shopify's library answers 410 to bots such as "node").
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

/** A checkout UI extension's session token, as Shopify signs it (HS256 with the app's secret). */
function checkoutToken(sub: string | null) {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: `https://${SHOP}`, dest: `https://${SHOP}`, aud: stack.shopifyApiKey, ...(sub ? { sub } : {}), exp: now + 300, nbf: now - 5, iat: now, jti: `jti-${now}-${Math.random()}` })}`;
  return `${body}.${createHmac("sha256", stack.shopifyApiSecret).update(body).digest("base64url")}`;
}
const askExtensionApi = (intent: "status" | "start", orderId: string, token = checkoutToken(`gid://shopify/Customer/${CUSTOMER}`)) =>
  fetch(`${stack.appUrl}/api/checkout/direct-debit`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Origin: "https://extensions.shopifycdn.com", "User-Agent": BROWSER }, body: JSON.stringify({ intent, orderId }) });
const shopifyState = async () => (await fetch(`${stack.fakeShopifyUrl}/_state/${SHOP}`)).json() as Promise<{ paidOrders: string[]; tags: Record<string, string[]>; metafields: Record<string, Record<string, { value: string }>> }>;

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 4);
  ({ shopId } = await seedShopifyShop(db, { domain: SHOP }));
  twikey = await startFakeTwikey();
  // The URLs exactly as the settings page tells the merchant to paste them into Twikey.
  const urls = twikeySetupUrls(stack.appUrl, shopId);
  expect(urls.exitUrl).toBe(`${stack.appUrl}/mandates/return/${shopId}?mandateNumber={{mandateNumber}}&status={{status}}&s={{s}}`);
  twikey.configure({ webhookUrl: urls.callbackUrl, exitUrl: urls.exitUrl });
  await db.shop.update({
    where: { id: shopId },
    data: { twikeyApiKey: encryptSecret(twikey.config.apiKey), twikeyWebsiteKey: encryptSecret(twikey.config.websiteKey), twikeyBaseUrl: twikey.baseUrl, twikeyTemplateCore: "CORE-1", twikeyAutoCollect: true },
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await twikey?.close();
  await db?.$disconnect();
});

describe("direct debit with Twikey", () => {
  it("lets the shopper sign a mandate after checkout; the mandate becomes active and Shopify knows", async () => {
    const first = await placeOrder(8810001);
    const status = await askExtensionApi("status", "gid://shopify/Order/8810001");
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ offer: true });
    const unsigned = await fetch(`${stack.appUrl}/api/checkout/direct-debit`, { method: "POST", headers: { "Content-Type": "application/json", "User-Agent": BROWSER }, body: "{}" });
    expect(unsigned.status).toBe(401);

    const start = await (await askExtensionApi("start", "gid://shopify/Order/8810001")).json();
    expect(start.url).toMatch(new RegExp(`^${twikey.url}/sign/`));
    const page = await browser.newPage();
    await page.goto(start.url);
    await page.getByRole("button", { name: "Sign mandate" }).click();
    // Twikey filled the placeholders of the pasted exit URL; Facto verified {{s}} before answering.
    await page.waitForURL(new RegExp(`/mandates/return/${shopId}\\?mandateNumber=MNDT00001&status=ok&s=[0-9A-F]{64}$`));
    expect(await page.getByRole("status").textContent()).toContain("Uw domiciliëringsmandaat is ondertekend");
    await page.close();

    await waitFor(async () => (await db.mandate.findFirst({ where: { shopId, status: "SIGNED" } })) !== null, 30_000, "the signed mandate");
    const mandate = await db.mandate.findFirstOrThrow({ where: { shopId }, include: { customer: true } });
    expect(mandate).toMatchObject({ mndtId: "MNDT00001", iban: "BE68539007547034", bic: "GKCCBEBB", scheme: "CORE" });
    expect(mandate.customer?.externalId).toBe(CUSTOMER);
    expect(mandate.customer?.paymentMethod).toBe("DIRECT_DEBIT");
    expect(Buffer.from(mandate.pdf!).toString("latin1")).toContain("%PDF-1.4");
    await waitFor(async () => (await shopifyState()).tags[`gid://shopify/Customer/${CUSTOMER}`]?.includes("Facto direct debit") ?? false, 30_000, "the customer tagged in Shopify");
    expect(JSON.parse((await shopifyState()).metafields[`gid://shopify/Customer/${CUSTOMER}`]!["facto.sepa_mandate"]!.value)).toMatchObject({ mandateId: "MNDT00001", status: "signed" });
    // The first order's invoice was not part of the deal: it stays open for a transfer.
    expect((await db.invoice.findUniqueOrThrow({ where: { id: first.id } })).status).toBe("ISSUED");
    // No offer any more.
    expect(await (await askExtensionApi("status", "gid://shopify/Order/8810001")).json()).toEqual({ offer: false, reason: "active", mandateId: "MNDT00001" });
  }, 90_000);

  it("collects the next order's invoice automatically; PAID in the feed makes it paid and the order paid in Shopify", async () => {
    const invoice = await placeOrder(8810002);
    await waitFor(async () => Boolean((await db.payment.findFirst({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } }))?.externalId), 30_000, "the collection");
    const line = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } });
    expect(line).toMatchObject({ status: "PENDING", mandateReference: "MNDT00001", collectionFor: invoice.id });
    const transaction = twikey.transactions.get(Number(line.externalId))!;
    expect(transaction).toMatchObject({ mndtId: "MNDT00001", amount: invoice.amountDue.toFixed(2), ref: invoice.formattedNumber });
    // POST /transaction only queued it: Facto executed the collection (POST /collect) for the mandate's template.
    await waitFor(async () => Boolean((await db.payment.findUniqueOrThrow({ where: { id: line.id } })).sentToBankAt), 30_000, "the collection sent to the bank");
    const collection = twikey.collections.find((c) => c.transactions.includes(transaction.id));
    expect(collection).toMatchObject({ template: "CORE-1", mndtIds: ["MNDT00001"], date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(transaction.collection).toBe(collection!.msgId);
    // The documents say it is paid by direct debit, not by transfer.
    const ubl = (await db.document.findFirstOrThrow({ where: { invoiceId: invoice.id, format: "UBL" } })).content;
    expect(Buffer.from(ubl).toString("utf8")).toContain('<cbc:PaymentMeansCode name="SEPA direct debit">59</cbc:PaymentMeansCode>');
    await assertValidUbl(Buffer.from(ubl).toString("utf8"), `${invoice.formattedNumber} (direct debit)`);
    const html = await (await fetch(`${stack.appUrl}/pay/${invoice.publicToken}`)).text();
    expect(html).toContain("via domiciliëring geïnd (mandaat MNDT00001)");
    expect(html).not.toContain("Online betalen");

    await twikey.settle(transaction.id, "PAID");
    await waitFor(async () => (await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status === "PAID", 30_000, "the invoice paid");
    expect((await db.payment.findUniqueOrThrow({ where: { id: line.id } })).status).toBe("PAID");
    await waitFor(async () => (await shopifyState()).paidOrders.includes("gid://shopify/Order/8810002"), 30_000, "the Shopify order marked paid");
    expect(twikey.webhookCalls.every((c) => c.status === 200)).toBe(true);
  }, 90_000);

  it("takes a refused collection (ERROR, AC04) back to unpaid with the bank's reason and tells the merchant", async () => {
    const invoice = await placeOrder(8810003);
    // The bank answers a collection Twikey sent (after Facto's collect call), not a queued transaction.
    await waitFor(async () => Boolean((await db.payment.findFirst({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } }))?.sentToBankAt), 30_000, "the collection sent");
    const line = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } });
    await twikey.settle(Number(line.externalId), "ERROR", { code: "AC04", message: "Closed account number" });
    await waitFor(async () => (await db.payment.findUniqueOrThrow({ where: { id: line.id } })).status === "FAILED", 30_000, "the failed collection");
    const after = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { payments: true, events: true } });
    expect(after.status).toBe("ISSUED");
    expect(after.payments[0]).toMatchObject({ failureReason: "AC04: Closed account number", collectionFor: null });
    expect(after.events.find((e) => e.type === "collection.failed")?.message).toContain("AC04");
    await waitFor(
      async () => ((await (await fetch(`${stack.fakeSmtpInboxUrl}/messages`)).json()) as CapturedEmailJson[]).some((m) => m.to.includes("facturen@atelier-lumiere.example") && m.subject === `Facto: Direct debit of ${invoice.formattedNumber} failed (AC04)`),
      30_000,
      "the merchant's notice",
    );
    expect((await shopifyState()).paidOrders).not.toContain("gid://shopify/Order/8810003");
  }, 90_000);

  it("never collects one invoice twice, whatever asks at the same time", async () => {
    const invoice = await placeOrder(8810004);
    const results = await Promise.all(Array.from({ length: 5 }, () => collectInvoice(db, invoice.id).catch((e: Error) => ({ status: e.message }))));
    await waitFor(async () => Boolean((await db.payment.findFirst({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } }))?.externalId), 30_000, "the collection");
    expect(results.filter((r) => r.status === "collecting").length).toBeLessThanOrEqual(1);
    expect([...twikey.transactions.values()].filter((t) => t.ref === invoice.formattedNumber)).toHaveLength(1);
    expect(await db.payment.count({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } })).toBe(1);
  }, 60_000);

  it("a collection request left half-way is someone else's while fresh, and taken over once, by one caller, when stale", async () => {
    const invoice = await placeOrder(8810014);
    await waitFor(async () => Boolean((await db.payment.findFirst({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } }))?.externalId), 30_000, "the collection");
    // As a job that stopped after making its line and before recording Twikey's answer leaves it:
    const line = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } });
    await db.payment.update({ where: { id: line.id }, data: { externalId: null, sentToBankAt: null } });
    const fresh = await Promise.all(Array.from({ length: 3 }, () => collectInvoice(db, invoice.id).catch((e: unknown) => e)));
    expect(fresh.every((e) => e instanceof AppError && e.code === "IN_PROGRESS" && e.retryable)).toBe(true);
    await db.$executeRaw`UPDATE "Payment" SET "updatedAt" = now() - interval '2 minutes' WHERE "id" = ${line.id}::uuid`;
    const stale = await Promise.all(Array.from({ length: 3 }, () => collectInvoice(db, invoice.id).catch((e: unknown) => e)));
    expect(stale.filter((r) => (r as { status?: string }).status === "collecting")).toHaveLength(1);
    // the others found it claimed (IN_PROGRESS) or already done (already-collecting)
    expect(stale.filter((e) => (e instanceof AppError && e.code === "IN_PROGRESS") || (e as { status?: string }).status === "already-collecting")).toHaveLength(2);
    // Twikey's idempotency key (the line's id) gave the same transaction back: still one
    expect((await db.payment.findUniqueOrThrow({ where: { id: line.id } })).externalId).toBe(line.externalId);
    expect([...twikey.transactions.values()].filter((t) => t.ref === invoice.formattedNumber)).toHaveLength(1);
  }, 60_000);

  it("lets a customer choose direct debit on the payment page: the mandate is signed and this invoice collected, with notice", async () => {
    const invoice = await placeOrder(8810005, { id: 7000000000001, email: "jan.peeters@example.be" });
    const findMail = async () => ((await (await fetch(`${stack.fakeSmtpInboxUrl}/messages`)).json()) as CapturedEmailJson[]).find((m) => m.to.includes("jan.peeters@example.be") && m.subject === `Atelier Lumière BV: factuur ${invoice.formattedNumber}`);
    await waitFor(async () => Boolean(await findMail()), 30_000, "the invoice e-mail");
    const invoiceMail = await findMail();
    expect(invoiceMail?.text).toContain("Onderteken een domiciliëringsmandaat op de betaalpagina");
    const page = await browser.newPage();
    await page.goto(`${stack.appUrl}/pay/${invoice.publicToken}`);
    await page.getByRole("button", { name: "Betalen via domiciliëring — mandaat ondertekenen" }).click();
    await page.waitForURL(new RegExp(`^${twikey.url}/sign/`));
    await page.getByRole("button", { name: "Sign mandate" }).click();
    await page.waitForURL(/\/mandates\/return\//);
    await page.close();
    await waitFor(async () => Boolean((await db.payment.findFirst({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } }))?.externalId), 30_000, "the collection of the invoice");
    const mandate = await db.mandate.findFirstOrThrow({ where: { shopId, customer: { externalId: "7000000000001" } } });
    expect(mandate.status).toBe("SIGNED");
    await waitFor(
      async () => ((await (await fetch(`${stack.fakeSmtpInboxUrl}/messages`)).json()) as CapturedEmailJson[]).some((m) => m.to.includes("jan.peeters@example.be") && m.subject === `Atelier Lumière BV: factuur ${invoice.formattedNumber} wordt via domiciliëring geïnd`),
      30_000,
      "the pre-notification",
    );
    const html = await (await fetch(`${stack.appUrl}/pay/${invoice.publicToken}`)).text();
    expect(html).toContain(`mandaat ${mandate.mndtId}`);
  }, 90_000);

  it("invites a customer from their record: invited, then signed when they sign Twikey's e-mail", async () => {
    const invoice = await placeOrder(8810006, { id: 7000000000002, email: "an.claes@example.be" });
    const started = await startMandate(db, shopId, invoice.customerId!, { sendInvite: true });
    expect(started.alreadyActive).toBe(false);
    expect((await db.mandate.findFirstOrThrow({ where: { shopId, mndtId: started.mandateId } })).status).toBe("INVITED");
    await fetch(started.url!, { method: "POST", body: new URLSearchParams({ iban: "BE71096123456769" }), redirect: "manual" });
    await waitFor(async () => (await db.mandate.findFirstOrThrow({ where: { shopId, mndtId: started.mandateId } })).status === "SIGNED", 30_000, "the invited mandate signed");
  }, 60_000);

  it("refuses a webhook with a forged X-Signature (401) and stores nothing", async () => {
    const before = await db.webhookEvent.count({ where: { shopId, provider: "TWIKEY" } });
    const query = "type=contract&mandateNumber=MNDT00001&event=Cancel";
    const forged = await fetch(`${stack.appUrl}/webhooks/twikey/${shopId}?${query}`, { headers: { "X-Signature": twikeyWebhookSignature(query, "not-the-api-key") } });
    expect(forged.status).toBe(401);
    const missing = await fetch(`${stack.appUrl}/webhooks/twikey/${shopId}?${query}`);
    expect(missing.status).toBe(401);
    expect(await db.webhookEvent.count({ where: { shopId, provider: "TWIKEY" } })).toBe(before);
    const genuine = await fetch(`${stack.appUrl}/webhooks/twikey/${shopId}?${query}`, { headers: { "X-Signature": twikeyWebhookSignature(query, twikey.config.apiKey) } });
    expect(genuine.status).toBe(200);
  });

  it("keeps an invoice claimed on a non-final ERROR (Twikey retries) and frees it only on the final one", async () => {
    const invoice = await placeOrder(8810007);
    await waitFor(async () => Boolean((await db.payment.findFirst({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } }))?.sentToBankAt), 30_000, "the collection sent");
    const line = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } });
    await twikey.settle(Number(line.externalId), "ERROR", { code: "MS03", message: "No reason specified" }, { final: false });
    await waitFor(async () => (await db.invoiceEvent.count({ where: { invoiceId: invoice.id, type: "collection.retrying" } })) > 0, 30_000, "the retry noted");
    expect(await db.payment.findUniqueOrThrow({ where: { id: line.id } })).toMatchObject({ status: "PENDING", collectionFor: invoice.id, failureReason: "MS03: No reason specified" });
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("ISSUED");
    // Nothing can start a second debit while Twikey still retries.
    expect(await collectInvoice(db, invoice.id)).toMatchObject({ status: "already-collecting", transactionId: line.externalId });
    expect([...twikey.transactions.values()].filter((t) => t.ref === invoice.formattedNumber)).toHaveLength(1);
    await twikey.settle(Number(line.externalId), "ERROR", { code: "AC04", message: "Closed account number" });
    await waitFor(async () => (await db.payment.findUniqueOrThrow({ where: { id: line.id } })).status === "FAILED", 30_000, "the final failure");
    expect(await db.payment.findUniqueOrThrow({ where: { id: line.id } })).toMatchObject({ collectionFor: null, failureReason: "AC04: Closed account number" });
  }, 90_000);

  it("links a mandate signed in Twikey's own form to the customer by Mndt.Dbtr.CtctDtls.Othr", async () => {
    const invoice = await placeOrder(8810008, { id: 7000000000003, email: "lies.maes@example.be" });
    // Twikey's form, not Facto's invitation: Facto learns of the mandate from the feed only.
    const other = twikeyClient({ baseUrl: twikey.baseUrl, apiKey: twikey.config.apiKey });
    const invite = await other.invite({ template: "CORE-1", language: "nl", email: "lies.maes@example.be", name: "Lies Maes", customerNumber: invoice.customerId!, sendInvite: false });
    expect(await db.mandate.count({ where: { shopId, mndtId: invite.mndtId } })).toBe(0);
    await fetch(invite.url!, { method: "POST", body: new URLSearchParams({ iban: "BE71096123456769" }) });
    await waitFor(async () => (await db.mandate.findFirst({ where: { shopId, mndtId: invite.mndtId } }))?.status === "SIGNED", 30_000, "the mandate from the feed");
    expect((await db.mandate.findFirstOrThrow({ where: { shopId, mndtId: invite.mndtId } })).customerId).toBe(invoice.customerId);
  }, 60_000);

  it("ends an unsigned mandate on Twikey's Invite webhook with reason expired or removed, never a signed one", async () => {
    const invoice = await placeOrder(8810009, { id: 7000000000004, email: "tom.peeters@example.be" });
    const started = await startMandate(db, shopId, invoice.customerId!, { sendInvite: true });
    await twikey.endInvitation(started.mandateId, "expired");
    await waitFor(async () => (await db.mandate.findFirstOrThrow({ where: { shopId, mndtId: started.mandateId } })).status === "CANCELLED", 30_000, "the invitation ended");
    expect(await db.mandate.findFirstOrThrow({ where: { shopId, mndtId: started.mandateId } })).toMatchObject({ cancelReason: "invitation expired in Twikey", inviteUrl: null });
    // The same webhook about a signed mandate changes nothing.
    const query = "type=contract&mandateNumber=MNDT00001&event=Invite&reason=removed";
    expect((await fetch(`${stack.appUrl}/webhooks/twikey/${shopId}?${query}`, { headers: { "X-Signature": twikeyWebhookSignature(query, twikey.config.apiKey) } })).status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.count({ where: { shopId, provider: "TWIKEY", status: { in: ["RECEIVED"] } } })) === 0, 30_000, "the webhook processed");
    expect((await db.mandate.findFirstOrThrow({ where: { shopId, mndtId: "MNDT00001" } })).status).toBe("SIGNED");
  }, 60_000);

  it("reads one shop's feeds with one reader at a time, and a trigger during a read makes it read again", async () => {
    const real = (await twikeyForShop(db, shopId))!;
    let inFlight = 0;
    let most = 0;
    let rounds = 0;
    const slow = <T,>(call: () => Promise<T>) => async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      rounds++;
      await new Promise((r) => setTimeout(r, 150));
      try {
        return await call();
      } finally {
        inFlight--;
      }
    };
    const watched: TwikeyClient = { ...real, mandateFeed: (p) => slow(() => real.mandateFeed(p))(), transactionFeed: (p) => slow(() => real.transactionFeed(p))() };
    const deps = { effects: { enqueueOrderPaid: async () => {}, enqueueThankYou: async () => {}, notifyMerchant: async () => {}, enqueueStoreStatus: async () => {} }, syncMandateToStore: async () => {}, enqueueCollection: async () => {}, notifyMerchant: async () => {} };
    // The worker reads this shop's feeds too (webhooks, the schedule): start when it is not reading.
    await waitFor(async () => (await db.shop.findUniqueOrThrow({ where: { id: shopId } })).twikeyFeedLease === null, 30_000, "no reader at work");
    const results = await Promise.all(Array.from({ length: 5 }, () => readTwikeyFeeds(db, shopId, watched, deps)));
    expect(most).toBe(1);
    expect(results.filter((r) => !r.deferred)).toHaveLength(1);
    expect(rounds).toBeGreaterThanOrEqual(4); // both feeds, then both again for the triggers that came meanwhile
    expect(await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { twikeyFeedLease: true, twikeyFeedRerun: true } })).toEqual({ twikeyFeedLease: null, twikeyFeedRerun: false });
  }, 60_000);

  it("shows the exact URLs to paste, tests the exit URL over HTTP, and refuses a wrong API key in Twikey's words", async () => {
    expect(await testTwikeyExitUrl(db, shopId, stack.appUrl)).toMatchObject({ ok: true, url: expect.stringMatching(new RegExp(`^${stack.appUrl}/mandates/return/${shopId}\\?mandateNumber=FACTO-TEST-\\d+&status=ok&s=[0-9A-F]{64}$`)) });
    expect(await testTwikeyExitUrl(db, shopId, "http://127.0.0.1:9")).toMatchObject({ ok: false, message: expect.stringContaining("could not be opened") });
    // An exit URL whose placeholders Twikey did not fill is named as such, not a mere "invalid link".
    const unfilled = await fetch(`${stack.appUrl}/mandates/return/${shopId}?mandateNumber={{mandateNumber}}&status={{status}}&s={{s}}`);
    expect(unfilled.status).toBe(400);
    expect(await unfilled.text()).toContain("a placeholder was not filled in");
    // The bare URL Facto used to show (Twikey appends nothing to it): no error page for the shopper.
    const bare = await fetch(`${stack.appUrl}/mandates/return/${shopId}`);
    expect(bare.status).toBe(200);
    expect(await bare.text()).toContain("Als u het mandaat ondertekend hebt, is het binnen enkele minuten actief.");
    // A forged signature still gets nothing.
    expect((await fetch(`${stack.appUrl}/mandates/return/${shopId}?mandateNumber=MNDT00001&status=ok&s=${"A".repeat(64)}`)).status).toBe(400);
    // The test mandate number reads and changes nothing.
    expect(await db.mandate.count({ where: { shopId, mndtId: { startsWith: "FACTO-TEST-" } } })).toBe(0);
    expect(await checkTwikeyApiKey(twikey.baseUrl, "not-the-key")).toEqual({ error: "Twikey refused the API key: err_invalid_apitoken (Invalid API token)", warning: null });
    expect(await checkTwikeyApiKey(twikey.baseUrl, twikey.config.apiKey)).toEqual({ error: null, warning: null });
  }, 60_000);

  it("sends a collection Twikey queued but never sent (the job stopped in between) — never a pain.008 line", async () => {
    const invoice = await placeOrder(8810011, { id: 7000000000005, email: "mira.janssens@example.be" });
    const other = twikeyClient({ baseUrl: twikey.baseUrl, apiKey: twikey.config.apiKey });
    const invite = await other.invite({ template: "CORE-1", language: "nl", email: "mira.janssens@example.be", customerNumber: invoice.customerId!, sendInvite: false });
    await fetch(invite.url!, { method: "POST", body: new URLSearchParams({ iban: "BE71096123456769" }) });
    await waitFor(async () => (await db.mandate.findFirst({ where: { shopId, mndtId: invite.mndtId } }))?.status === "SIGNED", 30_000, "the mandate");
    const real = (await twikeyForShop(db, shopId))!;
    const broken: TwikeyClient = { ...real, collect: async () => Promise.reject(new AppError("UPSTREAM_REJECTED", "Twikey refused the collection (err_test)")) };
    expect(await collectInvoice(db, invoice.id, broken)).toMatchObject({ status: "collecting" });
    const line = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } });
    expect(line).toMatchObject({ status: "PENDING", collectionFor: invoice.id, sentToBankAt: null });
    expect(twikey.transactions.get(Number(line.externalId))!.collection).toBeNull();
    expect((await db.invoiceEvent.findFirstOrThrow({ where: { invoiceId: invoice.id, type: "collection.unsent" } })).message).toContain("err_test");
    // A pain.008 line of the merchant's own bank, as old and unsent-looking: not Twikey's business.
    const paper = await db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: "8810009", kind: "INVOICE" } });
    const own = await db.payment.create({ data: { shopId, invoiceId: paper.id, provider: "DIRECT_DEBIT", status: "PENDING", amount: paper.amountDue, currency: "EUR", mandateReference: "OWN-BANK-0001", externalId: "pain008:MSG-1:X", createdAt: new Date(Date.now() - 3_600_000) } });
    await db.payment.update({ where: { id: line.id }, data: { createdAt: new Date(Date.now() - 3_600_000) } });
    const before = twikey.collections.length;
    await sendUnsentCollections(db, shopId, real);
    await waitFor(async () => Boolean((await db.payment.findUniqueOrThrow({ where: { id: line.id } })).sentToBankAt), 30_000, "the collection sent");
    expect(twikey.transactions.get(Number(line.externalId))!.collection).not.toBeNull();
    expect(twikey.collections.slice(before).flatMap((c) => c.mndtIds)).not.toContain("OWN-BANK-0001");
    expect((await db.payment.findUniqueOrThrow({ where: { id: own.id } })).sentToBankAt).toBeNull();
  }, 60_000);

  it("suspends a mandate on an amendment with a suspension reason: not signed, not collected", async () => {
    await twikey.suspend("MNDT00001");
    await waitFor(async () => (await db.mandate.findFirstOrThrow({ where: { shopId, mndtId: "MNDT00001" } })).status === "SUSPENDED", 30_000, "the mandate suspended");
    const mandate = await db.mandate.findFirstOrThrow({ where: { shopId, mndtId: "MNDT00001" }, include: { customer: true } });
    expect(mandate.customer?.paymentMethod).toBeNull();
    const invoice = await placeOrder(8810010);
    expect(await collectInvoice(db, invoice.id)).toEqual({ status: "skipped", reason: "the customer has no signed mandate" });
    expect(await db.payment.count({ where: { invoiceId: invoice.id, provider: "DIRECT_DEBIT" } })).toBe(0);
  }, 60_000);
});
