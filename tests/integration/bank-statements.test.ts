import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { allowSignUpsFromThisMachine, signUpAndConnectWooStore } from "../support/woo-account";
import { createPrisma, type Db } from "~/db.server";
import { importBankStatement } from "~/services/bank-statements.server";
import type { PaymentEffects } from "~/services/online-payment.server";
import { startFakeWooCommerce, type FakeWooCommerce } from "../fakes/fake-woocommerce";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { launchChromium } from "../support/browser";
import { buildCamt053 } from "../support/camt-builder";
import { buildCoda } from "../support/coda-builder";
import { validateCamt053 } from "../support/official-validation";
import { seedShopifyShop } from "../support/seed-shop";
import { adminIdToken, embeddedQuery } from "../support/shopify-admin-token";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * Bank statements end to end (issue #20): a CODA file uploaded in the embedded admin (Chromium) pays the invoice whose
 * structured communication it carries → the worker marks the Shopify order paid; a partial payment stays open and a
 * camt.053 transfer pays the rest; importing the same file again changes nothing; the transfer that only names the
 * order is proposed on the Unmatched list and confirmed there in one click → paid → Shopify order paid.
 */
const stack = inject("stack");
const SHOP = "bank-statements.myshopify.com";
const SHOP_IBAN = "BE68539007547034";
const ARTIFACTS = path.join(ROOT, "test-results");
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const ORDERS = [9830001, 9830002, 9830003, 9830004];
let db: Db;
let browser: Browser;
let page: Page;
let shopId: string;
const token = () => adminIdToken({ shop: SHOP, apiKey: stack.shopifyApiKey, apiSecret: stack.shopifyApiSecret });
const url = (p: string) => `${stack.appUrl}${p}${p.includes("?") ? "&" : "?"}${embeddedQuery(SHOP, token())}`;
const shopifyState = async () => (await fetch(`${stack.fakeShopifyUrl}/_state/${SHOP}`)).json() as Promise<{ paidOrders: string[] }>;
const invoiceOf = (orderId: number) => db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: String(orderId), kind: "INVOICE" } });
/** Effects that record instead of enqueueing, for imports made from the test process itself. */
const recorded: string[] = [];
const effects: PaymentEffects = {
  enqueueOrderPaid: async (id) => void recorded.push(`paid:${id}`),
  enqueueThankYou: async (id) => void recorded.push(`thanks:${id}`),
  notifyMerchant: async (id) => void recorded.push(`merchant:${id}`),
  enqueueStoreStatus: async (id) => void recorded.push(`status:${id}`),
};

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
  await waitFor(async () => (await db.document.count({ where: { shopId, format: "PDF" } })) === ORDERS.length, 60_000, "the invoices");
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, userAgent: BROWSER_UA });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
});

describe("bank statements", () => {
  let coda: string;

  it("a CODA upload in the admin pays the invoice of its structured communication, and the Shopify order is marked paid", async () => {
    const [a, b] = [await invoiceOf(ORDERS[0]!), await invoiceOf(ORDERS[1]!)];
    expect(a.paymentReference).toMatch(/^\+{3}\d{3}\/\d{4}\/\d{5}\+{3}$/);
    const ogm = (ref: string | null) => ref!.replace(/\D/g, "");
    coda = buildCoda([
      {
        iban: SHOP_IBAN,
        statementNumber: 41,
        openingBalance: "500.00",
        date: "2026-11-27",
        movements: [
          { amount: a.amountDue.toFixed(2), date: "2026-11-27", ogmDigits: ogm(a.paymentReference), counterpartyIban: "BE71096123456769", counterpartyName: "Jan Peeters" },
          { amount: "50.00", date: "2026-11-27", ogmDigits: ogm(b.paymentReference), counterpartyIban: "BE71096123456769", counterpartyName: "Marie Dubois" },
          { amount: "1.00", date: "2026-11-27", communication: `betaling bestelling #${ORDERS[2]}`, counterpartyIban: "NL91ABNA0417164300", counterpartyName: "Piet de Vries" },
          { amount: "-25.00", date: "2026-11-27", communication: "Terugbetaling retour", counterpartyIban: "BE71096123456769", counterpartyName: "Jan Peeters" },
        ],
      },
    ]);
    await page.goto(url("/app/bank"));
    await page.getByLabel("Statement file").setInputFiles({ name: "statement-041.cod", mimeType: "text/plain", buffer: Buffer.from(coda, "latin1") });
    await page.getByRole("button", { name: "Import" }).click();
    await expect.poll(() => page.locator("body").innerText(), { timeout: 20_000 }).toContain("statement-041.cod: 4 transaction(s) in 1 statement(s), 1 invoice(s) paid, 1 partial payment(s), 1 to confirm, 1 unmatched");
    await page.screenshot({ path: path.join(ARTIFACTS, "bank-statements-import.png"), fullPage: true });

    const paid = await db.invoice.findUniqueOrThrow({ where: { id: a.id }, include: { payments: true } });
    expect(paid.status).toBe("PAID");
    expect(paid.payments).toHaveLength(1);
    const line = paid.payments[0]!;
    expect(line).toMatchObject({ provider: "BANK_TRANSFER", status: "PAID", method: "Bank transfer (Jan Peeters, BE71 0961 2345 6769)", currency: "EUR" });
    expect(line.amount.toFixed(2)).toBe(a.amountDue.toFixed(2));
    expect(line.paidAt?.toISOString().slice(0, 10)).toBe("2026-11-27");
    const bt = await db.bankTransaction.findFirstOrThrow({ where: { paymentId: line.id } });
    expect(line.externalId).toBe(`bank:${bt.id}`);
    expect(bt).toMatchObject({ status: "MATCHED", matchReason: "EXACT", invoiceId: a.id, counterpartyName: "Jan Peeters", counterpartyAccount: "BE71096123456769" });
    await waitFor(async () => (await shopifyState()).paidOrders.includes(`gid://shopify/Order/${ORDERS[0]}`), 30_000, "the Shopify order marked paid");

    const partial = await db.invoice.findUniqueOrThrow({ where: { id: b.id } });
    expect(partial.status).toBe("ISSUED");
    expect(partial.paidAmount.toFixed(2)).toBe("50.00");
    expect(partial.amountDue.toFixed(2)).toBe(b.amountDue.minus(50).toFixed(2));
    const events = await db.invoiceEvent.findMany({ where: { invoiceId: b.id, type: "payment.paid" } });
    expect(events.map((e) => e.message)).toEqual([expect.stringContaining(`partial payment, EUR ${partial.amountDue.toFixed(2)} still due`)]);
  });

  it("importing the same file again changes nothing", async () => {
    const before = { payments: await db.payment.count({ where: { shopId } }), transactions: await db.bankTransaction.count({ where: { shopId } }), events: await db.invoiceEvent.count({ where: { shopId } }) };
    const again = await importBankStatement(db, shopId, coda, effects);
    expect(again).toMatchObject({ transactions: 4, duplicates: 4, paid: 0, partial: 0, proposed: 0, unmatched: 0 });
    // and through the admin, as a merchant would do by mistake
    await page.goto(url("/app/bank"));
    await page.getByLabel("Statement file").setInputFiles({ name: "statement-041.cod", mimeType: "text/plain", buffer: Buffer.from(coda, "latin1") });
    await page.getByRole("button", { name: "Import" }).click();
    await expect.poll(() => page.locator("body").innerText(), { timeout: 20_000 }).toContain("statement-041.cod: 4 transaction(s) in 1 statement(s), 4 already imported, 0 invoice(s) paid, 0 unmatched");
    expect({ payments: await db.payment.count({ where: { shopId } }), transactions: await db.bankTransaction.count({ where: { shopId } }), events: await db.invoiceEvent.count({ where: { shopId } }) }).toEqual(before);
    expect(recorded).toEqual([]);
  });

  it("the same transfer delivered again as camt.053 (other bank reference) is not booked twice", async () => {
    const b = await invoiceOf(ORDERS[1]!);
    expect(b.status).toBe("ISSUED"); // partly paid by the CODA's 50.00: still open, so a second booking would be possible
    const xml = buildCamt053("02", [
      {
        id: "CAMT-2026-331",
        iban: SHOP_IBAN,
        seq: 41,
        opening: "500.00",
        closing: "550.00",
        date: "2026-11-27",
        entries: [{ amount: "50.00", credit: true, date: "2026-11-27", ref: "KBC-20261127-0002", txs: [{ amount: "50.00", credit: true, scor: { ref: b.paymentReference!.replace(/\D/g, ""), issuer: "BBA" }, name: "Marie Dubois", iban: "BE71096123456769" }] }],
      },
    ]);
    expect(validateCamt053(xml, "02").errors).toEqual([]);
    const summary = await importBankStatement(db, shopId, xml, effects);
    expect(summary).toMatchObject({ format: "CAMT053", transactions: 1, duplicates: 0, paid: 0, unmatched: 1 });
    expect(await db.payment.count({ where: { invoiceId: b.id } })).toBe(1);
    expect(await db.bankTransaction.findFirstOrThrow({ where: { shopId, bankReference: { startsWith: "camt:KBC-20261127-0002" } } })).toMatchObject({ status: "UNMATCHED", matchReason: "BOOKED_FROM_OTHER_FILE" });
    expect(recorded).toEqual([]);
  });

  it("a camt.053.001.08 transfer with the RF form of the reference pays the rest of the partly paid invoice", async () => {
    const b = await invoiceOf(ORDERS[1]!);
    const { rfCreditorReference } = await import("~/domain/payment-reference/rf-creditor-reference");
    const xml = buildCamt053("08", [
      {
        id: "CAMT-2026-332",
        iban: SHOP_IBAN,
        seq: 332,
        opening: "0",
        closing: b.amountDue.toFixed(2),
        date: "2026-11-28",
        entries: [{ amount: b.amountDue.toFixed(2), credit: true, date: "2026-11-28", ref: "CAMT-E1", txs: [{ amount: b.amountDue.toFixed(2), credit: true, scor: { ref: rfCreditorReference(b.paymentReference!.replace(/\D/g, "")), issuer: "ISO" }, name: "Marie Dubois", iban: "BE71096123456769" }] }],
      },
    ]);
    expect(validateCamt053(xml, "08").errors).toEqual([]);
    const summary = await importBankStatement(db, shopId, xml, effects);
    expect(summary).toMatchObject({ format: "CAMT053", transactions: 1, paid: 1, duplicates: 0 });
    const settled = await db.invoice.findUniqueOrThrow({ where: { id: b.id }, include: { payments: { orderBy: { paidAt: "asc" } } } });
    expect(settled.status).toBe("PAID");
    expect(settled.payments.map((p) => [p.provider, p.amount.toFixed(2)])).toEqual([
      ["BANK_TRANSFER", "50.00"],
      ["BANK_TRANSFER", b.amountDue.toFixed(2)],
    ]);
    expect(recorded).toEqual([`paid:${b.id}`, `thanks:${b.id}`]);
  });

  it("a malformed statement is refused with the line and the reason, and nothing is imported", async () => {
    const broken = coda.split("\r\n");
    broken[2] = `${broken[2]!.slice(0, 32)}00000000001A000${broken[2]!.slice(47)}`;
    const before = await db.bankTransaction.count({ where: { shopId } });
    await page.goto(url("/app/bank"));
    await page.getByLabel("Statement file").setInputFiles({ name: "broken.cod", mimeType: "text/plain", buffer: Buffer.from(broken.join("\r\n"), "latin1") });
    await page.getByRole("button", { name: "Import" }).click();
    await expect.poll(() => page.locator("body").innerText(), { timeout: 20_000 }).toContain("CODA line 3: record 2.1 amount: positions 33–47 must be digits");
    expect(await db.bankTransaction.count({ where: { shopId } })).toBe(before);
  });

  it("the Unmatched page proposes the order named in the text and books it in one click; a debit is linked to its invoice in one click", async () => {
    const c = await invoiceOf(ORDERS[2]!);
    await page.goto(url("/app/bank"));
    const body = await page.locator("body").innerText();
    expect(body).toContain("Unmatched (3)");
    expect(body).toContain("Same transfer already booked from another statement file");
    expect(body).toContain(`betaling bestelling #${ORDERS[2]}`);
    expect(body).toContain("Mentions the order number");
    expect(body).toContain("Debit (refund, return, costs)");
    await page.screenshot({ path: path.join(ARTIFACTS, "bank-statements-unmatched.png"), fullPage: true });
    await page.getByRole("button", { name: `Confirm ${c.formattedNumber}` }).click();
    await expect.poll(() => page.locator("body").innerText(), { timeout: 20_000 }).toContain("Payment booked on the invoice");
    await expect.poll(() => page.locator("body").innerText()).toContain("Unmatched (2)");

    const booked = await db.bankTransaction.findFirstOrThrow({ where: { shopId, communication: { contains: `#${ORDERS[2]}` } } });
    expect(booked).toMatchObject({ status: "MATCHED", matchReason: "CONFIRMED", invoiceId: c.id });
    const after = await db.invoice.findUniqueOrThrow({ where: { id: c.id }, include: { payments: true } });
    expect(after.payments.map((p) => [p.provider, p.amount.toFixed(2), p.externalId])).toEqual([["BANK_TRANSFER", "1.00", `bank:${booked.id}`]]);
    // 1.00 of the amount due: a partial payment, the invoice stays open and the order is not marked paid
    expect(after.status).toBe("ISSUED");

    // the debit is linked to an invoice as its refund, in one click too
    const a = await invoiceOf(ORDERS[0]!);
    await page.getByLabel(/Invoice for the transaction of 2026-11-27 EUR -25.00/).selectOption({ label: `${c.formattedNumber} (#${ORDERS[2]}) — EUR ${after.amountDue.toFixed(2)} due` });
    await page.getByRole("row").filter({ hasText: "Terugbetaling retour" }).getByRole("button", { name: "Assign" }).click();
    await expect.poll(() => page.locator("body").innerText(), { timeout: 20_000 }).toContain("Debit linked to the invoice");
    await expect.poll(() => page.locator("body").innerText()).toContain("Unmatched (1)");
    // the camt.053 copy of a transfer already booked is set aside
    await page.getByRole("button", { name: "Set aside" }).click();
    await expect.poll(() => page.locator("body").innerText()).toContain("Every imported transaction is booked or set aside.");
    expect(await db.payment.count({ where: { invoiceId: c.id } })).toBe(1);
    void a;
  });

  it("a transfer of the rest with the structured communication typed in the free text pays the invoice and the store order", async () => {
    const c = await invoiceOf(ORDERS[2]!);
    const file = buildCoda([{ iban: SHOP_IBAN, statementNumber: 42, openingBalance: "0", date: "2026-11-28", movements: [{ amount: c.amountDue.toFixed(2), date: "2026-11-28", communication: `rest ${c.paymentReference}` }] }]);
    await page.goto(url("/app/bank"));
    await page.getByLabel("Statement file").setInputFiles({ name: "statement-042.cod", mimeType: "text/plain", buffer: Buffer.from(file, "latin1") });
    await page.getByRole("button", { name: "Import" }).click();
    await expect.poll(() => page.locator("body").innerText(), { timeout: 20_000 }).toContain("statement-042.cod: 1 transaction(s) in 1 statement(s), 1 invoice(s) paid, 0 unmatched");
    expect((await db.invoice.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("PAID");
    await waitFor(async () => (await shopifyState()).paidOrders.includes(`gid://shopify/Order/${ORDERS[2]}`), 30_000, "the Shopify order marked paid");
  });
});

describe("bank statements imported twice at the same moment", () => {
  it("book each transaction once", async () => {
    const d = await invoiceOf(ORDERS[3]!);
    const file = buildCoda([{ iban: SHOP_IBAN, statementNumber: 43, openingBalance: "0", date: "2026-11-28", movements: [{ amount: d.amountDue.toFixed(2), date: "2026-11-28", ogmDigits: d.paymentReference!.replace(/\D/g, "") }, { amount: "3.00", date: "2026-11-28", communication: "gift" }] }]);
    const before = recorded.length;
    const runs = await Promise.all([importBankStatement(db, shopId, file, effects), importBankStatement(db, shopId, file, effects), importBankStatement(db, shopId, file, effects)]);
    expect(runs.reduce((n, r) => n + r.paid, 0)).toBe(1);
    expect(await db.payment.count({ where: { invoiceId: d.id } })).toBe(1);
    expect(await db.invoiceEvent.count({ where: { invoiceId: d.id, type: "payment.paid" } })).toBe(1);
    expect(await db.bankTransaction.count({ where: { shopId, statementNumber: "043" } })).toBe(2);
    expect((await db.invoice.findUniqueOrThrow({ where: { id: d.id } })).status).toBe("PAID");
    expect(recorded.slice(before)).toEqual([`paid:${d.id}`, `thanks:${d.id}`]);

    // A transfer stored as matched whose booking never happened (the process stopped in between) is booked by the
    // next import of the file, once.
    const line = await db.payment.findFirstOrThrow({ where: { invoiceId: d.id } });
    await db.bankTransaction.update({ where: { paymentId: line.id }, data: { paymentId: null } });
    await db.payment.delete({ where: { id: line.id } });
    const healed = await importBankStatement(db, shopId, file, effects);
    expect(healed).toMatchObject({ duplicates: 2, paid: 1 });
    expect(await db.payment.count({ where: { invoiceId: d.id } })).toBe(1);
    expect((await importBankStatement(db, shopId, file, effects)).paid).toBe(0);
    expect(await db.payment.count({ where: { invoiceId: d.id } })).toBe(1);
  });
});

describe("bank statements in the WooCommerce admin", () => {
  let woo: FakeWooCommerce;
  let owner: Page;
  afterAll(async () => woo?.close());

  it("a CODA upload on the store's Bank page pays the invoice and sets the WooCommerce order paid", async () => {
    woo = await startFakeWooCommerce();
    owner = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const wooShopId = await signUpAndConnectWooStore(owner, stack, { email: "owner@bank-statements.example", password: "bank-statements-2026" }, woo);
    // The seller details are on the store's Settings page, the Shopify admin's (decision 025).
    await owner.goto(`${stack.appUrl}/woo/stores/${wooShopId}/settings`);
    for (const [label, value] of [["Legal name", "Atelier Lumière BV"], ["Street and number", "Rue de la Loi 16"], ["Postal code", "1000"], ["City", "Brussel"], ["Country (ISO code)", "BE"], ["VAT number", "BE0123456749"], ["IBAN", SHOP_IBAN], ["BIC", "GKCCBEBB"], ["Invoice e-mail", "facturen@atelier-lumiere.example"], ["Payment term (days)", "14"]] as const) {
      await owner.getByLabel(label, { exact: true }).fill(value);
    }
    await owner.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => owner.locator('.Polaris-Banner[role="status"]').textContent()).toContain("Settings saved");

    const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/woocommerce/order-be-incl.json"), "utf8"));
    await woo.placeOrder({ ...fixture, id: 7101, number: "7101", status: "on-hold", payment_method: "bacs", payment_method_title: "Direct bank transfer", date_paid: null, date_paid_gmt: null, transaction_id: "", refunds: [] });
    await waitFor(async () => Boolean(await db.document.count({ where: { invoice: { shopId: wooShopId, channelOrderId: "7101" }, format: "PDF" } })), 30_000, "the invoice of order 7101");
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId: wooShopId, channelOrderId: "7101", kind: "INVOICE" } });

    const file = buildCoda([{ iban: SHOP_IBAN, statementNumber: 77, openingBalance: "0", date: "2026-11-28", movements: [{ amount: invoice.amountDue.toFixed(2), date: "2026-11-28", ogmDigits: invoice.paymentReference!.replace(/\D/g, ""), counterpartyIban: "BE71096123456769", counterpartyName: "Sophie Martin" }] }]);
    await owner.goto(`${stack.appUrl}/woo/stores/${wooShopId}/bank`);
    await owner.getByLabel("Statement file").setInputFiles({ name: "woo-077.cod", mimeType: "text/plain", buffer: Buffer.from(file, "latin1") });
    await owner.getByRole("button", { name: "Import" }).click();
    await expect.poll(() => owner.locator("body").innerText(), { timeout: 20_000 }).toContain("woo-077.cod: 1 transaction(s) in 1 statement(s), 1 invoice(s) paid, 0 unmatched");
    await owner.screenshot({ path: path.join(ARTIFACTS, "bank-statements-woo.png"), fullPage: true });
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("PAID");
    await waitFor(async () => woo.orders.get(7101)!.status === "processing", 30_000, "the order set paid in WooCommerce");
    const payment = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, status: "PAID" } });
    expect(payment).toMatchObject({ provider: "BANK_TRANSFER", method: "Bank transfer (Sophie Martin, BE71 0961 2345 6769)" });
  }, 90_000);
});
