import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { payOnFakeMollieCheckout } from "../support/pay-online";
import { createPrisma, type Db } from "~/db.server";
import { encryptSecret } from "~/utils/encryption.server";
import type { CapturedEmailJson } from "../fakes/fake-smtp";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { launchChromium } from "../support/browser";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * Getting paid, end to end through real processes: a Shopify order → invoice e-mailed (fake SMTP)
 * with its PDF and a link to the payment page → the shopper opens the link in Chromium, pays with
 * the fake Mollie checkout and lands back on the page that says "Paid" → the Shopify order is marked
 * paid and a thank-you e-mail goes out. A failed attempt is recorded as unpaid; an overdue invoice
 * gets its reminder, a paid one does not.
 */
const stack = inject("stack");
const SHOP = "pay-page.myshopify.com";
const ARTIFACTS = path.join(ROOT, "test-results");
let db: Db;
let browser: Browser;
let shopId: string;

const inbox = async (): Promise<CapturedEmailJson[]> => (await fetch(`${stack.fakeSmtpInboxUrl}/messages`)).json();
/** The captured e-mail of one outbox row (other test files' shops e-mail the same fake SMTP server). */
async function mailOf(invoiceId: string, kind: "INVOICE" | "REMINDER" | "THANK_YOU"): Promise<CapturedEmailJson | undefined> {
  const rows = await db.emailMessage.findMany({ where: { invoiceId, kind, status: "SENT" }, select: { id: true } });
  const ids = rows.map((r) => `<${r.id}@facto.invalid>`);
  return (await inbox()).find((m) => m.messageId !== null && ids.includes(m.messageId));
}
const shopifyState = async () => (await fetch(`${stack.fakeShopifyUrl}/_state/${SHOP}`)).json() as Promise<{ paidOrders: string[]; metafields: Record<string, Record<string, { value: string }>> }>;
const mollieControl = async (paymentId: string, action: "chargeback" | "refund" | "webhook" | "reverse-chargeback", body: Record<string, unknown> = {}) => {
  const res = await fetch(`${stack.fakeMollieCheckoutUrl}/_control/payments/${paymentId}/${action}`, { method: "POST", body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { _controlChargebacks: string[]; _controlRefunds: string[] };
};
/** Every Mollie webhook call of the shop has been through the worker. */
const mollieWebhooksSettled = async (atLeast: number) => (await db.webhookEvent.count({ where: { shopId, provider: "MOLLIE", status: { not: "RECEIVED" } } })) >= atLeast && (await db.webhookEvent.count({ where: { shopId, provider: "MOLLIE", status: "RECEIVED" } })) === 0;
const merchantMails = async (subject: string) => (await inbox()).filter((m) => m.to.includes("facturen@atelier-lumiere.example") && m.subject === subject);

/** The shopper pays the whole invoice in the fake Mollie checkout; returns the paid payment line. */
async function payOnline(invoice: { id: string; publicToken: string | null }) {
  await payOnFakeMollieCheckout(browser, stack.appUrl, invoice.publicToken);
  await waitFor(async () => (await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status === "PAID", 30_000, "the invoice paid");
  return db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, status: "PAID" } });
}

async function placeOrder(orderId: number, overrides: Record<string, unknown> = {}) {
  const order = { ...JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8")), id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}`, financial_status: "pending", ...overrides };
  const ack = await sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: SHOP, body: JSON.stringify(order), secret: stack.shopifyApiSecret });
  expect(ack.status).toBe(200);
  await waitFor(async () => (await db.emailMessage.count({ where: { invoice: { shopId, channelOrderId: String(orderId) }, kind: "INVOICE", status: "SENT" } })) === 1, 60_000, `the invoice e-mail of order ${orderId}`);
  return db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: String(orderId), kind: "INVOICE" }, include: { documents: true } });
}

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  ({ shopId } = await seedShopifyShop(db, { domain: SHOP }));
  await db.shop.update({
    where: { id: shopId },
    data: {
      mollieApiKey: encryptSecret(`test_${"a".repeat(30)}`),
      invoiceSender: "FACTO",
      thankYouEmail: true,
      afterPaymentMessage: "Bedankt voor uw aankoop bij Atelier Lumière!",
      afterPaymentUrl: "https://atelier-lumiere.example/account",
    },
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
});

describe("the payment page", () => {
  it("e-mails the invoice with its PDF and a payment link; the shopper pays online and the page says Paid", async () => {
    const invoice = await placeOrder(7701001);
    const pdf = invoice.documents.find((d) => d.format === "PDF")!;

    // The invoice e-mail: to the customer, reply-to the merchant, the PDF attached byte for byte,
    // no UBL for a consumer, the structured communication and the payment link in the text.
    const mail = (await mailOf(invoice.id, "INVOICE"))!;
    expect(mail.to).toEqual(["els.vermeulen@example.be"]);
    expect(mail.replyTo).toContain("facturen@atelier-lumiere.example");
    expect(mail.subject).toBe(`Atelier Lumière BV: factuur ${invoice.formattedNumber}`);
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([[`${invoice.formattedNumber}.pdf`, "application/pdf"]]);
    expect(mail.attachments[0]!.sha256).toBe(createHash("sha256").update(pdf.content).digest("hex"));
    expect(mail.text).toContain(invoice.paymentReference!);
    const link = /https?:\/\/\S+\/pay\/[A-Za-z0-9_-]{32}/.exec(mail.text)?.[0];
    expect(link).toBe(`${stack.appUrl}/pay/${invoice.publicToken}`);
    expect(mail.html).toContain(`href="${link}"`);

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(link!);
    await expect.poll(() => page.getByTestId("status").textContent()).toBe("Te betalen");
    expect(await page.getByTestId("reference").textContent()).toBe(invoice.paymentReference);
    expect(await page.locator(".pay-qr-code svg").count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "payment-page-nl.png"), fullPage: true });
    await page.goto(`${link}?lang=fr`);
    expect(await page.getByTestId("status").textContent()).toBe("À payer");
    expect(await page.getByRole("button", { name: /Payer en ligne/ }).count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "payment-page-fr.png"), fullPage: true });

    // Pay: to Mollie's (fake) checkout and back.
    await page.goto(link!);
    await page.getByRole("button", { name: /Online betalen/ }).click();
    await page.waitForURL(new RegExp(`^${stack.fakeMollieCheckoutUrl}/checkout/tr_`));
    expect(await page.locator("#amount").textContent()).toBe(`EUR ${invoice.amountDue.toFixed(2)}`);
    await page.getByRole("button", { name: "Paid" }).click();
    await page.waitForURL(new RegExp(`/pay/${invoice.publicToken}\\?attempt=`));
    expect(await page.getByTestId("status").textContent()).toBe("Betaald");
    expect(await page.getByTestId("attempt").textContent()).toBe("Bedankt! Uw betaling is ontvangen.");
    expect(await page.getByTestId("after-payment").textContent()).toContain("Bedankt voor uw aankoop");
    expect(await page.getByRole("button", { name: /Online betalen/ }).count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "payment-page-paid-nl.png"), fullPage: true });
    await page.close();

    const paid = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { payments: true } });
    expect(paid.status).toBe("PAID");
    expect(paid.amountDue.toFixed(2)).toBe("0.00");
    expect(paid.payments.map((p) => [p.provider, p.status, p.amount.toFixed(2), p.method])).toEqual([["MOLLIE", "PAID", invoice.taxInclusiveTotal.toFixed(2), "ideal"]]);

    // The store order is marked paid, the customer thanked (once), and Mollie's webhook was answered 200.
    await waitFor(async () => (await shopifyState()).paidOrders.includes("gid://shopify/Order/7701001"), 30_000, "the Shopify order marked paid");
    await waitFor(async () => (await mailOf(invoice.id, "THANK_YOU"))?.subject === `Bedankt voor uw betaling van factuur ${invoice.formattedNumber}`, 30_000, "the thank-you e-mail");
    const calls = (await (await fetch(`${stack.fakeMollieCheckoutUrl}/_control/webhook-calls`)).json()) as { paymentId: string; status: number }[];
    expect(calls.filter((c) => c.paymentId === paid.payments[0]!.externalId).map((c) => c.status)).toEqual([200]);
    await waitFor(async () => (await db.webhookEvent.count({ where: { shopId, provider: "MOLLIE", status: { not: "RECEIVED" } } })) >= 1, 30_000, "the Mollie webhook processed");
    expect(await db.emailMessage.count({ where: { invoiceId: invoice.id, kind: "THANK_YOU" } })).toBe(1);
  }, 120_000);

  it("records a failed attempt as unpaid, in the invoice history, and lets the shopper try again", async () => {
    const invoice = await placeOrder(7701002);
    const page = await browser.newPage();
    await page.goto(`${stack.appUrl}/pay/${invoice.publicToken}`);
    await page.getByRole("button", { name: /Online betalen/ }).click();
    await page.waitForURL(/\/checkout\/tr_/);
    await page.getByRole("button", { name: "Failed" }).click();
    await page.waitForURL(/\?attempt=/);
    expect(await page.getByTestId("attempt").textContent()).toContain("mislukt");
    expect(await page.getByTestId("status").textContent()).toBe("Te betalen");
    expect(await page.getByTestId("payments").textContent()).toContain("mislukt");
    expect(await page.getByRole("button", { name: /Online betalen/ }).count()).toBe(1);
    await page.close();

    const after = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { payments: true, events: { orderBy: { createdAt: "asc" } } } });
    expect(after.status).toBe("ISSUED");
    expect(after.paidAmount.toFixed(2)).toBe("0.00");
    expect(after.payments.map((p) => p.status)).toEqual(["FAILED"]);
    expect(after.events.map((e) => e.type)).toEqual(expect.arrayContaining(["email.sent", "payment.started", "payment.failed"]));
    expect((await shopifyState()).paidOrders).not.toContain("gid://shopify/Order/7701002");
  }, 120_000);

  it("answers an unknown token with a 404 page and hides Pay online above the shop's maximum", async () => {
    const res = await fetch(`${stack.appUrl}/pay/${"x".repeat(32)}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Betaallink niet gevonden");

    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: "7701002" } });
    await db.shop.update({ where: { id: shopId }, data: { payOnlineMaxAmount: "10.00" } });
    try {
      const html = await (await fetch(`${stack.appUrl}/pay/${invoice.publicToken}`)).text();
      expect(html).not.toContain("Online betalen");
      expect(html).toContain("kan niet online betaald worden");
      const refused = await fetch(`${stack.appUrl}/pay/${invoice.publicToken}`, { method: "POST", body: new URLSearchParams({ intent: "pay-online" }), redirect: "manual" });
      expect(refused.status).toBe(400);
    } finally {
      await db.shop.update({ where: { id: shopId }, data: { payOnlineMaxAmount: null } });
    }
  });

  it("sends a reminder for an overdue invoice, and none for a paid one", async () => {
    const overdue = await placeOrder(7701003);
    const paidOne = await placeOrder(7701004);
    // The second invoice is paid online; then both are made 8 days overdue (reminder step 1 is at 7).
    const page = await browser.newPage();
    await page.goto(`${stack.appUrl}/pay/${paidOne.publicToken}`);
    await page.getByRole("button", { name: /Online betalen/ }).click();
    await page.waitForURL(/\/checkout\/tr_/);
    await page.getByRole("button", { name: "Paid" }).click();
    await page.waitForURL(/\?attempt=/);
    await page.close();
    expect((await db.invoice.findUniqueOrThrow({ where: { id: paidOne.id } })).status).toBe("PAID");
    await db.invoice.updateMany({ where: { id: { in: [overdue.id, paidOne.id] } }, data: { dueDate: new Date(Date.now() - 8 * 86_400_000) } });

    // The worker's reminder scheduler (REMINDERS_EVERY_MS in the test stack) picks the overdue one up.
    await waitFor(async () => (await mailOf(overdue.id, "REMINDER"))?.subject === `Herinnering: factuur ${overdue.formattedNumber} staat nog open`, 60_000, "the reminder e-mail");
    const reminder = (await mailOf(overdue.id, "REMINDER"))!;
    expect(reminder.text).toContain(overdue.paymentReference!);
    expect(reminder.attachments.map((a) => a.filename)).toEqual([`${overdue.formattedNumber}.pdf`]);
    expect(await db.emailMessage.count({ where: { invoiceId: paidOne.id, kind: "REMINDER" } })).toBe(0);
    expect(await mailOf(paidOne.id, "REMINDER")).toBeUndefined();
    // Step 1 (7 days) is sent once, however often the scheduler runs.
    await new Promise((r) => setTimeout(r, 2500));
    const ids = (await db.emailMessage.findMany({ where: { invoiceId: overdue.id, kind: "REMINDER" } })).map((r) => `<${r.id}@facto.invalid>`);
    expect(ids).toHaveLength(1);
    expect((await inbox()).filter((m) => m.messageId !== null && ids.includes(m.messageId))).toHaveLength(1);
  }, 120_000);

  it("takes a Mollie refund as a payment reversal: the invoice is open again, the history says why", async () => {
    const invoice = await placeOrder(7701005);
    const page = await browser.newPage();
    await page.goto(`${stack.appUrl}/pay/${invoice.publicToken}`);
    await page.getByRole("button", { name: /Online betalen/ }).click();
    await page.waitForURL(/\/checkout\/tr_/);
    await page.getByRole("button", { name: "Paid" }).click();
    await page.waitForURL(/\?attempt=/);
    await page.close();
    const line = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, status: "PAID" } });

    // The merchant refunds in Mollie's dashboard: Mollie calls the webhook with the same payment id.
    const refund = await fetch(`${stack.fakeMollieCheckoutUrl}/_control/payments/${line.externalId}/refund`, { method: "POST", body: JSON.stringify({ value: line.amount.toFixed(2) }) });
    expect(refund.status).toBe(200);
    await waitFor(async () => (await db.invoiceEvent.count({ where: { invoiceId: invoice.id, type: "payment.reversed" } })) === 1, 30_000, "the refund recorded");
    const after = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { payments: true, events: true } });
    expect(after.paidAmount.toFixed(2)).toBe("0.00");
    expect(after.amountDue.toFixed(2)).toBe(invoice.taxInclusiveTotal.toFixed(2));
    expect(after.payments[0]!.amountRefunded.toFixed(2)).toBe(line.amount.toFixed(2));
    expect(after.events.map((e) => e.type)).toContain("payment.reversed");
    // The refund made in Mollie's dashboard is read from the payment's refunds list, once, by its id.
    const reversals = await db.paymentReversal.findMany({ where: { paymentId: line.id } });
    expect(reversals.map((r) => [r.kind, r.amount.toFixed(2), r.status])).toEqual([["REFUND", line.amount.toFixed(2), "pending"]]);
    expect(reversals[0]!.externalId).toMatch(/^re_/);
    expect(after.events.filter((e) => e.type === "payment.refunded").map((e) => e.message)).toEqual([`Refund ${reversals[0]!.externalId} of online payment ${line.externalId}: EUR ${line.amount.toFixed(2)} (pending)`]);
    // No credit note: a refund of money is not a correction of the invoice (docs/decisions/006).
    expect(await db.invoice.count({ where: { originalInvoiceId: invoice.id } })).toBe(0);
  }, 120_000);

  it("takes a Mollie chargeback back off the invoice: unpaid again, in its history, the merchant e-mailed once, the store's Facto status follows", async () => {
    const invoice = await placeOrder(7701008);
    const line = await payOnline(invoice);
    await waitFor(async () => (await shopifyState()).paidOrders.includes("gid://shopify/Order/7701008"), 30_000, "the Shopify order marked paid");
    await waitFor(async () => (await shopifyState()).metafields["gid://shopify/Order/7701008"]?.["facto.invoice_status"]?.value === "paid", 30_000, "the order's Facto status paid");
    const settledBefore = await db.webhookEvent.count({ where: { shopId, provider: "MOLLIE" } });

    // The customer's bank charges the payment back; Mollie keeps the payment `paid` and calls the webhook.
    const { _controlChargebacks: [chargebackId] } = await mollieControl(line.externalId!, "chargeback", { reason: { code: "MD06", description: "Refund request by end customer" } });
    await waitFor(async () => (await db.invoiceEvent.count({ where: { invoiceId: invoice.id, type: "payment.reversed" } })) === 1, 30_000, "the chargeback recorded");
    const after = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { payments: true, events: { orderBy: { createdAt: "asc" } } } });
    expect(after.status).toBe("ISSUED");
    expect(after.paidAmount.toFixed(2)).toBe("0.00");
    expect(after.amountDue.toFixed(2)).toBe(invoice.taxInclusiveTotal.toFixed(2));
    expect(after.payments.map((p) => [p.status, p.amountChargedBack.toFixed(2)])).toEqual([["PAID", line.amount.toFixed(2)]]);
    const charged = after.events.find((e) => e.type === "payment.charged_back")!;
    expect(charged.message).toBe(`Chargeback ${chargebackId} of online payment ${line.externalId}: the customer's bank took back EUR ${line.amount.toFixed(2)} (MD06: Refund request by end customer)`);
    expect(after.events.find((e) => e.type === "payment.reversed")!.message).toBe(`The payment was charged back: EUR ${invoice.taxInclusiveTotal.toFixed(2)} is open again`);

    // The merchant is told by e-mail; the order's Facto status in Shopify says "issued" again.
    const subject = `Facto: Chargeback on invoice ${invoice.formattedNumber}`;
    await waitFor(async () => (await merchantMails(subject)).length === 1, 30_000, "the merchant's chargeback e-mail");
    const mail = (await merchantMails(subject))[0]!;
    expect(mail.text).toContain(`charged back EUR ${line.amount.toFixed(2)} of the online payment ${line.externalId}`);
    expect(mail.text).toContain(`The invoice is unpaid again: EUR ${invoice.taxInclusiveTotal.toFixed(2)} is open.`);
    await waitFor(async () => (await shopifyState()).metafields["gid://shopify/Order/7701008"]?.["facto.invoice_status"]?.value === "issued", 30_000, "the order's Facto status back to issued");
    // The payment page offers to pay again.
    const page = await browser.newPage();
    await page.goto(`${stack.appUrl}/pay/${invoice.publicToken}`);
    expect(await page.getByTestId("status").textContent()).toBe("Te betalen");
    expect(await page.getByRole("button", { name: /Online betalen/ }).count()).toBe(1);
    expect(await page.getByTestId("payments").textContent()).toContain("teruggeboekt");
    await page.close();

    // Mollie calls the webhook again for the same state: nothing changes, nobody is told twice.
    await waitFor(() => mollieWebhooksSettled(settledBefore + 1), 30_000, "the chargeback webhook processed");
    const history = await db.invoiceEvent.count({ where: { invoiceId: invoice.id } });
    await mollieControl(line.externalId!, "webhook");
    await mollieControl(line.externalId!, "webhook");
    await waitFor(() => mollieWebhooksSettled(settledBefore + 3), 30_000, "the repeated webhooks processed");
    expect(await db.invoiceEvent.count({ where: { invoiceId: invoice.id } })).toBe(history);
    expect(await db.paymentReversal.count({ where: { paymentId: line.id } })).toBe(1);
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).amountDue.toFixed(2)).toBe(invoice.taxInclusiveTotal.toFixed(2));
    expect(await merchantMails(subject)).toHaveLength(1);
  }, 180_000);

  it("leaves the invoice partially paid after a partial chargeback", async () => {
    const invoice = await placeOrder(7701009);
    const line = await payOnline(invoice);
    await mollieControl(line.externalId!, "chargeback", { value: "50.00" });
    await waitFor(async () => (await db.invoiceEvent.count({ where: { invoiceId: invoice.id, type: "payment.charged_back" } })) === 1, 30_000, "the chargeback recorded");
    await waitFor(async () => (await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status === "ISSUED", 30_000, "the invoice open again");
    const after = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
    expect(after.amountDue.toFixed(2)).toBe("50.00");
    expect(after.paidAmount.toFixed(2)).toBe((Number(invoice.taxInclusiveTotal.toFixed(2)) - 50).toFixed(2));
    const page = await browser.newPage();
    await page.goto(`${stack.appUrl}/pay/${invoice.publicToken}`);
    expect(await page.getByTestId("status").textContent()).toBe("Gedeeltelijk betaald");
    await page.close();
    await waitFor(async () => (await merchantMails(`Facto: Chargeback on invoice ${invoice.formattedNumber}`)).length === 1, 30_000, "the merchant's chargeback e-mail");
    expect((await merchantMails(`Facto: Chargeback on invoice ${invoice.formattedNumber}`))[0]!.text).toContain("The invoice is partially paid again: EUR 50.00 is open.");
  }, 180_000);

  it("shows a clear message when Mollie is down and records the attempt as failed", async () => {
    const invoice = await placeOrder(7701006);
    // Mollie's client tries 3 times (2 s apart, same idempotency key) before it gives up.
    await fetch(`${stack.fakeMollieCheckoutUrl}/_control/fail-next-creates`, { method: "POST", body: JSON.stringify({ count: 3 }) });
    const page = await browser.newPage();
    await page.goto(`${stack.appUrl}/pay/${invoice.publicToken}`);
    await page.getByRole("button", { name: /Online betalen/ }).click();
    await page.getByRole("alert").waitFor({ timeout: 30_000 });
    expect(await page.getByRole("alert").textContent()).toContain("Online payment is unavailable right now");
    expect(page.url()).toContain(`/pay/${invoice.publicToken}`);
    await page.close();
    const lines = await db.payment.findMany({ where: { invoiceId: invoice.id } });
    expect(lines.map((l) => l.status)).toEqual(["FAILED"]);
    expect(lines[0]!.failureReason).toContain("503");
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("ISSUED");
  }, 120_000);

  it("marks an e-mail the mail server refuses as failed, visible on the invoice", async () => {
    const orderId = 7701007;
    const order = { ...JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8")), id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}`, financial_status: "pending", email: "bounce@example.be" };
    order.customer = { ...order.customer, email: "bounce@example.be" };
    const ack = await sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: SHOP, body: JSON.stringify(order), secret: stack.shopifyApiSecret });
    expect(ack.status).toBe(200);
    await waitFor(async () => (await db.emailMessage.count({ where: { invoice: { shopId, channelOrderId: String(orderId) }, status: "FAILED" } })) === 1, 60_000, "the refused e-mail");
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: String(orderId) }, include: { emails: true, events: true } });
    expect(invoice.emails[0]!.toAddress).toBe("bounce@example.be");
    expect(invoice.emails[0]!.error).toMatch(/550.*mailbox unavailable/);
    expect(invoice.events.find((e) => e.type === "email.failed")?.message).toMatch(/to bounce@example\.be failed: .*550/);
  }, 120_000);
});
