import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { wooClient } from "~/integrations/woocommerce/woo-client.server";
import { enqueue } from "~/queues.server";
import { syncWooStock, WOO_BATCH_LIMIT } from "~/services/woo-sync.server";
import { decryptSecret, encryptSecret } from "~/utils/encryption.server";
import { startFakeWooCommerce, type FakeWooCommerce } from "../fakes/fake-woocommerce";
import { sendWooWebhook } from "../fakes/send-webhook";
import { launchChromium } from "../support/browser";
import { payOnFakeMollieCheckout } from "../support/pay-online";
import { confirmWooEmail, allowSignUpsFromThisMachine } from "../support/woo-account";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * WooCommerce, complete, over real HTTP: an owner signs up in Facto's own admin, connects a (fake)
 * WooCommerce store with a REST key → Facto registers its webhooks → an order placed in the store
 * arrives signed → invoice → paid on Facto's payment page → the order is set paid in the store.
 * Forged deliveries are refused; a disabled webhook does not lose an order; refunds become credit
 * notes; 5,000 products' stock goes out in batches of at most 100.
 */
const stack = inject("stack");
let db: Db;
let woo: FakeWooCommerce;
let browser: Browser;
let page: Page;
let shopId: string;
let connectionId: string;
const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/woocommerce/order-be-incl.json"), "utf8"));
const unpaidOrder = (id: number) => ({ ...fixture, id, number: String(id), status: "on-hold", payment_method: "bacs", payment_method_title: "Direct bank transfer", date_paid: null, date_paid_gmt: null, transaction_id: "", refunds: [] });
/** The page's status message: a Polaris banner (a Polaris page also has a hidden "<title>. This page is ready" status, and a busy button a spinner: decision 025). */
const notice = () => page.locator('.Polaris-Banner[role="status"]').textContent();
const invoiceOf = (orderId: number) => db.invoice.findFirst({ where: { shopId, kind: "INVOICE", channelOrderId: String(orderId) } });

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 3);
  await allowSignUpsFromThisMachine(db);
  woo = await startFakeWooCommerce();
  browser = await launchChromium();
  page = await browser.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await woo?.close();
  await db?.$disconnect();
});

describe("a WooCommerce store, end to end", () => {
  it("lets an owner sign up and explains what is wrong with a store address or key", async () => {
    await page.goto(`${stack.appUrl}/woo`);
    expect(page.url()).toContain("/woo/login");
    await page.goto(`${stack.appUrl}/woo/signup`);
    await page.getByLabel("E-mail").fill("owner@atelier-lumiere.example");
    await page.getByLabel("Password", { exact: true }).fill("lumiere-2026-secret");
    await page.getByLabel("Password again").fill("lumiere-2026-secrte");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.locator(".woo-error").allTextContents().then((t) => t.join(" "))).toContain("do not match");
    await page.getByLabel("Password", { exact: true }).fill("lumiere-2026-secret");
    await page.getByLabel("Password again").fill("lumiere-2026-secret");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${stack.appUrl}/woo`);
    await page.getByRole("heading", { name: "Your stores" }).waitFor();
    // A store connects only once the e-mail address is confirmed: the link in Facto's e-mail.
    await confirmWooEmail(page, stack, "owner@atelier-lumiere.example");

    const connect = async (storeUrl: string, ck: string, cs: string) => {
      await page.getByLabel("Store address").fill(storeUrl);
      await page.getByLabel("Consumer key").fill(ck);
      await page.getByLabel("Consumer secret").fill(cs);
      await page.getByRole("button", { name: "Connect store" }).click();
    };
    const shown = () => page.locator(".woo-error").allTextContents().then((t) => t.join(" | "));
    await connect("http://shop.example.be", woo.key.consumerKey, woo.key.consumerSecret);
    await expect.poll(shown).toContain("https://");
    await connect(woo.url, woo.key.consumerKey, `cs_${"0".repeat(40)}`);
    await expect.poll(shown).toContain("refused this key");
    await connect(`${woo.url}/nothing-here`, woo.key.consumerKey, woo.key.consumerSecret);
    await expect.poll(shown).toContain("No WooCommerce REST API");
    await connect(woo.url, woo.readOnlyKey.consumerKey, woo.readOnlyKey.consumerSecret);
    await expect.poll(shown).toContain("Read/Write");
    expect(woo.webhooks.size).toBe(0); // nothing left behind by the failed attempts
  }, 60_000);

  it("connects the store: webhooks registered with a secret, pinged, the key stored encrypted", async () => {
    await page.getByLabel("Store address").fill(woo.url);
    await page.getByLabel("Consumer key").fill(woo.key.consumerKey);
    await page.getByLabel("Consumer secret").fill(woo.key.consumerSecret);
    await page.getByRole("button", { name: "Connect store" }).click();
    await page.waitForURL(/\/woo\/stores\/[0-9a-f-]{36}\?connected=1/);
    shopId = /stores\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    expect(await page.getByRole("table", { name: "Webhooks" }).textContent()).toContain("order.created");

    const connection = await db.wooConnection.findUniqueOrThrow({ where: { shopId }, include: { webhooks: true } });
    connectionId = connection.id;
    expect(connection.consumerSecret).not.toContain(woo.key.consumerSecret);
    expect([...woo.webhooks.values()].map((w) => [w.topic, w.status, w.delivery_url]).sort()).toEqual(
      ["order.created", "order.deleted", "order.updated", "product.updated"].map((t) => [t, "active", `${stack.appUrl}/webhooks/woocommerce/${connectionId}`]),
    );
    expect([...woo.webhooks.values()].every((w) => /^[A-Za-z0-9]{32}$/.test(w.secret))).toBe(true);
    expect(woo.deliveries.filter((d) => d.ping).map((d) => d.status)).toEqual([200, 200, 200, 200]);

    // The owner fills in the seller details on the store's Settings page (the Shopify admin's, decision 025).
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.waitForURL(`${stack.appUrl}/woo/stores/${shopId}/settings`);
    for (const [label, value] of [["Legal name", "Atelier Lumière BV"], ["Street and number", "Rue de la Loi 16"], ["Postal code", "1000"], ["City", "Brussel"], ["Country (ISO code)", "BE"], ["VAT number", "BE0123456749"], ["IBAN", "BE68539007547034"], ["BIC", "GKCCBEBB"], ["Invoice e-mail", "facturen@atelier-lumiere.example"], ["Payment term (days)", "14"]] as const) {
      await page.getByLabel(label, { exact: true }).fill(value);
    }
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => notice()).toContain("Settings saved");
  }, 60_000);

  it("invoices an order placed in the store, writes the number back, and sets the order paid after an online payment", async () => {
    await woo.placeOrder(unpaidOrder(6001));
    await waitFor(async () => Boolean(await db.document.count({ where: { invoice: { shopId, channelOrderId: "6001" }, format: "PDF" } })), 30_000, "the invoice of order 6001");
    const invoice = (await invoiceOf(6001))!;
    expect(invoice.status).toBe("ISSUED");
    await waitFor(async () => (woo.orders.get(6001)!.meta_data as { key: string; value: unknown }[]).some((m) => m.key === "_facto_invoice_number" && m.value === invoice.formattedNumber), 30_000, "the invoice number on the order");

    await db.shop.update({ where: { id: shopId }, data: { mollieApiKey: encryptSecret(`test_${"w".repeat(30)}`) } });
    expect(await payOnFakeMollieCheckout(browser, stack.appUrl, invoice.publicToken)).toBe("Betaald");

    await waitFor(async () => woo.orders.get(6001)!.status === "processing", 30_000, "the order set paid in WooCommerce");
    const order = woo.orders.get(6001)!;
    const payment = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, status: "PAID" } });
    expect(order.transaction_id).toBe(payment.externalId);
    expect(order.date_paid_gmt).toBeTruthy();
    expect((order.meta_data as { key: string; value: unknown }[]).find((m) => m.key === "_facto_paid_via")?.value).toBe("mollie (ideal)");
    // The store's own order.updated (now paid) changes nothing: still one invoice, paid once.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await db.invoice.count({ where: { shopId, channelOrderId: "6001", kind: "INVOICE" } })).toBe(1);
    expect(await db.payment.count({ where: { invoiceId: invoice.id, status: "PAID" } })).toBe(1);
  }, 90_000);

  it("refuses a forged delivery with 401 and stores nothing", async () => {
    const before = await db.webhookEvent.count({ where: { shopId } });
    const response = await sendWooWebhook({ appUrl: stack.appUrl, connectionId, topic: "order.created", body: JSON.stringify(unpaidOrder(6999)), secret: "notTheSecret123", deliveryId: "forged-1" });
    expect(response.status).toBe(401);
    expect(await db.webhookEvent.count({ where: { shopId } })).toBe(before);
  });

  it("still invoices an order whose webhook WooCommerce disabled, and re-activates the webhook", async () => {
    // Deliveries fail (the app looked down to WooCommerce): after more than 5 failures it disables the webhook.
    const created = [...woo.webhooks.values()].find((w) => w.topic === "order.created")!;
    const updated = [...woo.webhooks.values()].find((w) => w.topic === "order.updated")!;
    const goodUrl = created.delivery_url;
    for (const hook of [created, updated]) hook.delivery_url = `${stack.appUrl}/this-path-does-not-exist`;
    // The 7th consecutive failure disables it (WC_Webhook::failed_delivery).
    for (let i = 0; i < 7; i++) await woo.placeOrder(unpaidOrder(6100 + i));
    expect(created.status).toBe("disabled");
    expect(goodUrl).toContain(connectionId);
    expect(await invoiceOf(6106)).toBeNull();

    await enqueue("reconcile-store-orders", { shopId });
    await waitFor(async () => (await Promise.all([6100, 6101, 6102, 6103, 6104, 6105, 6106].map(invoiceOf))).every(Boolean), 60_000, "the reconciled orders' invoices");
    // The disabled one was replaced by a new webhook (its failure count would disable it again at once);
    // the one that only pointed elsewhere was set back.
    await waitFor(async () => ![...woo.webhooks.values()].some((w) => w.id === created.id), 30_000, "the disabled webhook replaced");
    const replacement = [...woo.webhooks.values()].find((w) => w.topic === "order.created")!;
    expect([replacement.status, replacement.delivery_url, replacement.failure_count]).toEqual(["active", goodUrl, 0]);
    expect([updated.status, updated.delivery_url]).toEqual(["active", goodUrl]);
    // And deliveries flow again.
    await woo.placeOrder(unpaidOrder(6200));
    await waitFor(async () => Boolean(await invoiceOf(6200)), 30_000, "the invoice of order 6200");
    expect(woo.deliveries.filter((d) => !d.ping && d.webhookId === replacement.id).at(-1)?.status).toBe(200);
  }, 120_000);

  it("turns a refund in WooCommerce into a credit note of the invoice", async () => {
    const invoice = (await invoiceOf(6200))!;
    // One candle of the three (54.00 after the coupon): 14.88 + 3.12, in cents as WooCommerce sends refunds.
    await woo.refundOrder(6200, {
      amount: "18.00",
      reason: "Kaars beschadigd",
      line_items: [{ id: 1, name: "Sojakaars Amber", sku: "CAND-AMB", quantity: -1, total: "-14.88", total_tax: "-3.12" }],
    });
    await waitFor(async () => (await db.invoice.count({ where: { shopId, kind: "CREDIT_NOTE", originalInvoiceId: invoice.id } })) === 1, 30_000, "the credit note");
    const note = await db.invoice.findFirstOrThrow({ where: { shopId, kind: "CREDIT_NOTE", originalInvoiceId: invoice.id }, include: { lines: true } });
    expect(note.taxInclusiveTotal.toFixed(2)).toBe("18.00"); // 14.88 × 21 % = 3.1248 → 3.12
    expect(note.lines.map((l) => l.sku)).toEqual(["CAND-AMB"]);
    expect(note.sourceId).toMatch(/^refund:\d+$/);
    // Written back to the order like every credit note (the after-issue pipeline, decision 024): a refund's
    // credit note used to miss its write-back.
    await waitFor(async () => (woo.orders.get(6200)!.meta_data as { key: string; value: unknown }[]).some((m) => m.key === "_facto_credit_notes" && String(m.value).includes(note.formattedNumber)), 30_000, "the credit note on the order");
    // A later order.updated for the same order does not credit it twice.
    await woo.updateOrder(6200, { customer_note: "thanks" });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await db.invoice.count({ where: { shopId, kind: "CREDIT_NOTE", originalInvoiceId: invoice.id } })).toBe(1);
  }, 60_000);

  it("syncs the stock of 5,000 products in batches of at most 100", async () => {
    const simple = Array.from({ length: 4_800 }, (_, i) => ({ id: 100_000 + i, name: `Kaars ${i}`, sku: `K-${i}`, stock_quantity: 0 }));
    const variable = Array.from({ length: 2 }, (_, p) => ({ id: 200_000 + p, name: `Set ${p}`, type: "variable", variations: Array.from({ length: 100 }, (_, v) => ({ id: 300_000 + p * 1000 + v, sku: `S-${p}-${v}`, stock_quantity: 0 })) }));
    woo.addProducts([...simple, ...variable]);
    const levels = [
      ...simple.map((p, i) => ({ productId: p.id, variationId: null, quantity: (i % 37) + 1 })),
      ...variable.flatMap((p) => p.variations.map((v, i) => ({ productId: p.id, variationId: v.id, quantity: i + 5 }))),
    ];
    expect(levels).toHaveLength(5_000);
    const batchesBefore = woo.batches.length;
    const client = wooClient({ storeUrl: woo.url, consumerKey: woo.key.consumerKey, consumerSecret: woo.key.consumerSecret });
    const result = await syncWooStock(client, levels);
    expect(result).toMatchObject({ updated: 5_000, refused: [] });
    const batches = woo.batches.slice(batchesBefore);
    expect(batches.length).toBe(50);
    expect(Math.max(...batches.map((b) => b.items))).toBeLessThanOrEqual(WOO_BATCH_LIMIT);
    expect(woo.products.get(100_036)!.stock_quantity).toBe(37);
    expect(woo.products.get(100_037)!.stock_quantity).toBe(1);
  }, 120_000);

  it("shows an invoice's page to the owner — preview, UBL, payments — and marks it paid or credits it from there", async () => {
    await woo.placeOrder(unpaidOrder(6101));
    await woo.placeOrder(unpaidOrder(6102));
    await waitFor(async () => (await db.document.count({ where: { invoice: { shopId, channelOrderId: { in: ["6101", "6102"] } }, format: "PDF" } })) === 2, 30_000, "two invoices");
    const first = (await invoiceOf(6101))!;
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}`);
    await page.getByRole("link", { name: first.formattedNumber, exact: true }).click();
    await page.getByRole("heading", { name: new RegExp(`Invoice ${first.formattedNumber}`) }).waitFor();
    await page.waitForLoadState("load"); // the whole (larger, Polaris) document, not only its first streamed part
    const text = await page.locator("body").innerText();
    expect(text).toContain(first.paymentReference!);
    expect(text).toContain("History");
    const preview = await page.locator("iframe").getAttribute("src");
    const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const pdf = await fetch(`${stack.appUrl}${preview}`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect((await fetch(`${stack.appUrl}${preview!.replace(/t=[^&]+/, "t=9999999999.forged")}`)).status).toBe(403);
    const ubl = await fetch(`${stack.appUrl}/woo/stores/${shopId}/invoices/${first.id}/ubl`, { headers: { Cookie: cookies } });
    expect(await ubl.text()).toContain(`<cbc:ID>${first.formattedNumber}</cbc:ID>`);
    await page.screenshot({ path: path.join(ROOT, "test-results", "woo-invoice.png"), fullPage: true });
    // The buyer's page (the Shopify admin's customer page, in Polaris).
    await page.getByRole("link", { name: (first.buyer as { name: string }).name }).click();
    await page.waitForLoadState("networkidle");
    expect(await page.locator("body").innerText()).toContain(first.formattedNumber);
    await page.goBack();
    await page.waitForLoadState("networkidle");

    await page.getByLabel("Method").fill("Cash at the counter");
    await page.getByRole("button", { name: "Mark paid" }).click();
    await expect.poll(() => notice()).toContain("Payment recorded");
    expect((await db.invoice.findUniqueOrThrow({ where: { id: first.id } })).status).toBe("PAID");
    await waitFor(async () => woo.orders.get(6101)!.status === "processing", 30_000, "the order set paid in WooCommerce");

    const second = (await invoiceOf(6102))!;
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/invoices/${second.id}`);
    await page.getByLabel(/reason/).fill("Order cancelled by phone");
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Issue credit note" }).click();
    await expect.poll(() => notice()).toMatch(/Credit note .+ issued/);
    expect((await db.invoice.findFirstOrThrow({ where: { originalInvoiceId: second.id } })).kind).toBe("CREDIT_NOTE");
    // Without a session it is the sign-in page.
    expect((await fetch(`${stack.appUrl}/woo/stores/${shopId}/invoices/${second.id}`, { redirect: "manual" })).status).toBe(302);
  }, 90_000);

  it("reads the stock from WooCommerce, writes an adjustment back, and takes a sale off", async () => {
    woo.addProducts([
      { id: 700001, name: "Kaars amber", sku: "CAND-AMB", stock_quantity: 40 },
      { id: 700002, name: "Geschenkdoos", type: "variable", variations: [{ id: 700010, sku: "GIFT-BOX", stock_quantity: 9 }] },
    ]);
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/stock`);
    expect(await page.locator("body").innerText()).toContain("Facto keeps no stock yet");
    await page.getByRole("button", { name: "Read stock from WooCommerce" }).click();
    await expect.poll(() => notice()).toContain("reading your products");
    // The 5,000 products of the test above have SKUs too: 5,002 in all.
    await waitFor(async () => (await db.stockItem.count({ where: { shopId } })) === 5_002, 60_000, "the stock read");
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/stock`);
    expect(await page.locator("body").innerText()).toContain("The first 200 of 5002 SKUs");
    await page.getByLabel("Find a SKU or product").fill("box");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/q=box/);
    await expect.poll(() => page.locator("body").innerText()).toContain("1 SKU matching “box”");
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/stock?q=CAND`);
    expect(await page.getByRole("table", { name: "Stock" }).innerText()).toMatch(/CAND-AMB\s+Kaars amber\s+40\s+40/);
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/stock?q=GIFT`);
    const table = await page.getByRole("table", { name: "Stock" }).innerText();
    expect(table).toMatch(/GIFT-BOX\s+Geschenkdoos \(700010\)\s+9\s+9/);

    await page.getByLabel("SKU", { exact: true }).fill("NOPE-1");
    await page.getByLabel("Quantity", { exact: true }).fill("3");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("no stock for SKU NOPE-1");
    await page.getByLabel("SKU", { exact: true }).fill("GIFT-BOX");
    await page.getByLabel("Quantity", { exact: true }).fill("x");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator(".Polaris-InlineError").allTextContents().then((t) => t.join(" "))).toContain("whole number"); // the field's error, Polaris' markup (decision 025)
    await page.getByLabel("SKU", { exact: true }).fill("GIFT-BOX");
    await page.getByLabel("Quantity", { exact: true }).fill("+6");
    await page.getByLabel("Reason").fill("Delivery from the supplier");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => notice()).toContain("GIFT-BOX: 15 in stock (+6)");
    await waitFor(async () => (woo.variationsOf(700002).get(700010)?.stock_quantity as number) === 15, 30_000, "the adjustment in WooCommerce");
    await waitFor(async () => !(await db.stockItem.findFirstOrThrow({ where: { shopId, sku: "GIFT-BOX" } })).syncPending, 30_000, "the item in step");

    // A sale (3 candles, 1 gift box on the fixture order) comes off once, however often it is delivered.
    await woo.placeOrder(unpaidOrder(6201));
    // The sale is taken off in the job that issues the invoice, before its documents are rendered.
    await waitFor(async () => Boolean(await db.document.count({ where: { invoice: { shopId, channelOrderId: "6201" }, format: "PDF" } })), 30_000, "the invoice of order 6201 with its documents");
    const candles = await db.stockItem.findFirstOrThrow({ where: { shopId, sku: "CAND-AMB" } });
    expect([candles.quantity, candles.storeQuantity, candles.syncPending]).toEqual([37, 37, false]);
    expect((await db.stockItem.findFirstOrThrow({ where: { shopId, sku: "GIFT-BOX" } })).quantity).toBe(14);
    expect(await db.stockMovement.count({ where: { stockItem: { shopId }, invoiceId: { not: null } } })).toBe(2);
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/stock?q=CAND`);
    expect(await page.locator("body").innerText()).toMatch(/CAND-AMB -3 → 37 · Sold on /);
    await page.screenshot({ path: path.join(ROOT, "test-results", "woo-stock.png"), fullPage: true });
  }, 90_000);

  it("has the Shopify admin's Polaris pages too: payments & e-mails (Mollie key), VAT of products, danger zone", async () => {
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}`);
    // The month's figures, sync health and the accountant's export, as on the Shopify admin's home.
    expect(await page.getByRole("region", { name: "This month" }).innerText()).toMatch(/Issued this month\s+\d+\s+EUR [\d.]+/); // the Shopify admin's dashboard cards (decision 025)
    const jar = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const today = new Date().toISOString().slice(0, 10);
    const zip = await fetch(`${stack.appUrl}/woo/stores/${shopId}/exports/zip?from=${today.slice(0, 8)}01&to=${today}`, { headers: { Cookie: jar } });
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect(Buffer.from(await zip.arrayBuffer()).subarray(0, 2).toString()).toBe("PK");
    const badPeriod = await fetch(`${stack.appUrl}/woo/stores/${shopId}/exports/zip?from=2026-13-01&to=x`, { headers: { Cookie: jar } });
    expect(badPeriod.status).toBe(400);
    expect(await page.getByRole("img", { name: /Invoices per day, last 14 days/ }).count()).toBe(1);
    // The customer list, with each customer's mandate status, and the pain.008 section.
    await page.getByRole("link", { name: "Customers", exact: true }).click();
    const customers = await page.getByRole("table", { name: "Customers" }).innerText();
    expect(customers).toContain("transfer / online");
    expect(await page.locator("body").innerText()).toContain("No open invoice of a customer with a signed mandate");
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}`);
    await page.getByRole("link", { name: "Payments & e-mails" }).click();
    await page.waitForLoadState("networkidle");
    expect(await page.locator("body").innerText()).toContain("A Mollie API key is stored (encrypted)"); // from the payment test above
    const before = (await db.shop.findUniqueOrThrow({ where: { id: shopId } })).mollieApiKey;
    await page.getByLabel("Mollie API key").fill(`live_${"m".repeat(30)}`);
    await page.getByLabel("Reminder days after the due date").fill("10, 20");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.locator("body").innerText()).toContain("Settings saved");
    await expect.poll(() => page.getByLabel("Mollie API key").inputValue()).toBe("");
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(shop.reminderDays).toEqual([10, 20]);
    expect(shop.mollieApiKey).not.toBe(before);
    expect(decryptSecret(shop.mollieApiKey!)).toBe(`live_${"m".repeat(30)}`);
    expect(shop.mollieApiKey).not.toContain("mmmm"); // encrypted, never shown back
    expect(await page.locator("body").innerText()).not.toContain("mmmm");
    await page.screenshot({ path: path.join(ROOT, "test-results", "woo-payments.png"), fullPage: true });

    // A cross-site form post is refused (these pages' forms are protected by the Origin check).
    const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const forged = await fetch(`${stack.appUrl}/woo/stores/${shopId}/payments`, { method: "POST", headers: { Cookie: cookies, Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ intent: "settings", invoiceSender: "NONE", reminderDays: "1" }) });
    expect(forged.status).toBe(403);
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).reminderDays).toEqual([10, 20]);

    await page.getByRole("link", { name: "VAT of products" }).click();
    await page.waitForLoadState("networkidle");
    await page.getByLabel("SKU").fill("BOOK-LK");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator("body").innerText()).toContain("BOOK-LK: Reduced rate 1");
    await page.getByRole("link", { name: "Danger zone" }).click();
    await page.waitForLoadState("networkidle");
    expect(await page.locator("body").innerText()).toContain("Pause invoicing");
  }, 60_000);

  it("has the PEPPOL pages too: registration and sending settings, and the documents received", async () => {
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/peppol`);
    await page.getByRole("heading", { name: "PEPPOL e-invoicing" }).waitFor();
    const text = await page.locator("body").innerText();
    expect(text).toContain("0208:0123456749"); // the seller's participant id, from its enterprise number
    expect(text).toContain("Invoices and credit notes to businesses on PEPPOL");
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/incoming`);
    await page.getByRole("heading", { name: "Incoming (PEPPOL)" }).waitFor();
    expect(await page.locator("body").innerText()).toContain("Nothing received over PEPPOL yet");
    expect((await fetch(`${stack.appUrl}/woo/stores/${shopId}/peppol`, { redirect: "manual" })).status).toBe(302); // not without a session
  }, 60_000);

  it("refuses a form post without this browser's CSRF token, and puts the mandate on the WooCommerce customer", async () => {
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "facto_session")!;
    const forged = await fetch(`${stack.appUrl}/woo/stores/${shopId}`, {
      method: "POST",
      headers: { Cookie: `facto_session=${session.value}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "disconnect", csrf: "guessed-token-guessed-token-1234" }),
      redirect: "manual",
    });
    expect(forged.status).toBe(403);
    expect([...woo.webhooks.values()]).toHaveLength(4);

    woo.customers.set(42, { id: 42, email: "sofie.claes@example.be", meta_data: [] });
    const customer = await db.customer.upsert({ where: { shopId_channel_externalId: { shopId, channel: "WOOCOMMERCE", externalId: "42" } }, create: { shopId, channel: "WOOCOMMERCE", externalId: "42", name: "Sofie Claes" }, update: {} });
    const mandate = await db.mandate.create({ data: { shopId, customerId: customer.id, mndtId: "MNDT-2026-0042", status: "SIGNED", signedAt: new Date() } });
    await enqueue("sync-mandate-to-store", { mandateId: mandate.id, version: "signed" });
    await waitFor(async () => ((woo.customers.get(42)?.meta_data as { key: string; value: unknown }[] | undefined) ?? []).some((m) => m.key === "facto_sepa_mandate_status" && m.value === "signed"), 30_000, "the mandate on the customer");
    expect((woo.customers.get(42)!.meta_data as { key: string; value: unknown }[]).find((m) => m.key === "facto_sepa_mandate")?.value).toBe("MNDT-2026-0042");
  }, 60_000);

  it("shows the Twikey URLs to paste, placeholders as Twikey expects them, and tests the exit URL", async () => {
    await db.shop.update({ where: { id: shopId }, data: { twikeyWebsiteKey: encryptSecret("woo-website-key") } });
    // On the store's Customers page, the Shopify admin's direct-debit page: the URLs are in read-only fields to copy (decision 025).
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/customers`);
    expect(await page.locator(`input[value="${stack.appUrl}/mandates/return/${shopId}?mandateNumber={{mandateNumber}}&status={{status}}&s={{s}}"]`).count()).toBe(1);
    expect(await page.locator(`input[value="${stack.appUrl}/webhooks/twikey/${shopId}"]`).count()).toBe(1);
    await page.getByRole("button", { name: "Test this URL" }).click();
    await expect.poll(() => page.locator("body").innerText(), { timeout: 15_000 }).toContain("The exit URL works");
  }, 60_000);

  it("holds an order the store charged at Polish 23 % while OSS is off, explains it on the store page, and releases it (decision 017)", async () => {
    // The store taxes a Polish consumer at 23 % (a WooCommerce tax rate for PL), prices incl. VAT.
    const polish = (id: number) => ({
      ...unpaidOrder(id),
      currency: "PLN",
      billing: { ...fixture.billing, first_name: "Agnieszka", last_name: "Kowalska", email: `agnieszka-${id}@example.pl`, address_1: "ul. Marszałkowska 84", city: "Warszawa", postcode: "00-514", country: "PL" },
      shipping: { ...fixture.shipping, first_name: "Agnieszka", last_name: "Kowalska", address_1: "ul. Marszałkowska 84", city: "Warszawa", postcode: "00-514", country: "PL" },
      line_items: [{ ...fixture.line_items[0], id: 1, sku: "LAMP-PL", name: "Lampa stołowa", price: 400, quantity: 1, subtotal: "400.00", subtotal_tax: "92.00", total: "400.00", total_tax: "92.00", taxes: [{ id: 7, total: "92.00", subtotal: "92.00" }] }],
      shipping_lines: [],
      fee_lines: [],
      coupon_lines: [],
      tax_lines: [{ id: 20, label: "PTU 23%", rate_id: 7, compound: false, meta_data: [], rate_code: "PL-PTU 23%-1", tax_total: "92.00", rate_percent: 23, shipping_tax_total: "0.00" }],
      total: "492.00",
      total_tax: "92.00",
      shipping_total: "0.00",
      shipping_tax: "0.00",
      discount_total: "0.00",
      discount_tax: "0.00",
    });
    const heldRows = async (id: number) => (await db.webhookEvent.findMany({ where: { shopId, status: "FAILED", holdReason: "VAT_MISMATCH" } })).filter((e) => (e.holdDetail as { orderId?: string } | null)?.orderId === String(id));
    await woo.placeOrder(polish(6901));
    await waitFor(async () => (await heldRows(6901)).length > 0, 30_000, "order 6901 held");
    expect(await invoiceOf(6901)).toBeNull();

    await page.goto(`${stack.appUrl}/woo/stores/${shopId}`);
    const held = await page.getByRole("region", { name: "Orders held for their VAT" }).innerText();
    expect(held).toContain("Order #6901");
    expect(held).toContain("OSS destination taxation is off in Facto");
    expect(held).toContain('line 1 "Lampa stołowa" (SKU LAMP-PL): the shop charged 23 % (VAT 93.52), Facto 21 % (VAT 85.39)');
    expect(await page.getByTestId("held-in-list").innerText()).toContain("held for their VAT: #6901");

    // "Issue as computed by Facto" (a CSRF-protected form post like the page's others).
    await page.getByRole("button", { name: "Issue as computed by Facto" }).click();
    await expect.poll(() => page.locator("body").innerText()).toContain("Order #6901 is being invoiced with Facto's VAT");
    await waitFor(async () => Boolean(await db.document.count({ where: { invoice: { shopId, channelOrderId: "6901" }, format: "PDF" } })), 30_000, "the invoice of order 6901");
    const computed = await db.invoice.findFirstOrThrow({ where: { shopId, kind: "INVOICE", channelOrderId: "6901" }, include: { vatSubtotals: true, events: true } });
    expect(computed.vatSubtotals.map((v) => [v.vatRate.toString(), v.taxableAmount.toFixed(2), v.taxAmount.toFixed(2)])).toEqual([["21", "406.61", "85.39"]]);
    expect(computed.events.map((e) => e.type)).toContain("vat.issued_as_computed");

    // The next one: the owner ticks OSS in the seller details instead; the order is invoiced at 23 % PL.
    await woo.placeOrder(polish(6902));
    await waitFor(async () => (await heldRows(6902)).length > 0, 30_000, "order 6902 held");
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}/settings`);
    await page.getByLabel(/One-Stop-Shop/).check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.locator("body").innerText()).toContain("waiting order(s) are being invoiced now");
    await waitFor(async () => Boolean(await db.document.count({ where: { invoice: { shopId, channelOrderId: "6902" }, format: "PDF" } })), 30_000, "the invoice of order 6902");
    const oss = await db.invoice.findFirstOrThrow({ where: { shopId, kind: "INVOICE", channelOrderId: "6902" }, include: { vatSubtotals: true } });
    expect(oss.vatRegime).toBe("EU_OSS");
    expect(oss.vatSubtotals.map((v) => [v.vatRate.toString(), v.taxableAmount.toFixed(2), v.taxAmount.toFixed(2)])).toEqual([["23", "400.00", "92.00"]]);
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).ossDestinationTaxation).toBe(true);
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}`);
    expect(await page.getByRole("region", { name: "Orders held for their VAT" }).count()).toBe(0);
  }, 90_000);

  it("disconnects: Facto's webhooks are removed from the store, the invoices stay", async () => {
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}`);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Disconnect store" }).click();
    await expect.poll(() => notice()).toContain("Disconnected");
    expect(woo.webhooks.size).toBe(0);
    expect(await db.invoice.count({ where: { shopId } })).toBeGreaterThan(5);
    const response = await sendWooWebhook({ appUrl: stack.appUrl, connectionId, topic: "order.created", body: "{}", secret: "x", deliveryId: "after-1" });
    expect(response.status).toBe(404);
  }, 60_000);
});
