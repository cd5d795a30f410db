import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { launchChromium } from "../support/browser";
import { seedShopifyShop } from "../support/seed-shop";
import { adminIdToken, embeddedQuery } from "../support/shopify-admin-token";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * The embedded admin in Chromium, as Shopify admin opens it (a signed id_token in the URL): the
 * invoice list, an invoice's page and its actions (mark paid, credit note), the settings pages and
 * the accountant's export. Screenshots go to test-results/. (App Bridge's script comes from Shopify's
 * CDN, which is not reachable here: the pages are checked as the server renders them.)
 */
const stack = inject("stack");
const SHOP = "admin-pages.myshopify.com";
const ARTIFACTS = path.join(ROOT, "test-results");
let db: Db;
let browser: Browser;
let page: Page;
let shopId: string;
const token = () => adminIdToken({ shop: SHOP, apiKey: stack.shopifyApiKey, apiSecret: stack.shopifyApiSecret });
const url = (p: string) => `${stack.appUrl}${p}${p.includes("?") ? "&" : "?"}${embeddedQuery(SHOP, token())}`;
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  ({ shopId } = await seedShopifyShop(db, { domain: SHOP }));
  await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "NONE" } });
  const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
  for (const id of [9700001, 9700002, 9700003]) {
    const order = { ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${id}`, financial_status: "pending" };
    await sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: SHOP, body: JSON.stringify(order), secret: stack.shopifyApiSecret });
  }
  await waitFor(async () => (await db.document.count({ where: { shopId, format: "PDF" } })) === 3, 60_000, "three invoices");
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_UA });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
});

describe("the embedded admin", () => {
  it("lists the invoices with search and status filters", async () => {
    await page.goto(url("/app"));
    const text = await page.locator("body").innerText();
    for (const n of ["INV-0001", "INV-0002", "INV-0003"]) expect(text).toContain(n);
    // The dashboard and the set-up checklist above the list.
    expect(text).toMatch(/Issued this month\s+3\s+EUR 686\.73/);
    expect(text).toMatch(/Unpaid\s+3/);
    expect(text).toContain("Set up Facto");
    expect(text).toContain("Online payment (Mollie) or direct debit (Twikey)");
    expect(text).toMatch(/Last webhook: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(orders\/create\)/);
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-invoices.png"), fullPage: true });
    await page.goto(url("/app?q=INV-0002"));
    const filtered = await page.locator("body").innerText();
    expect(filtered).toContain("INV-0002");
    expect(filtered).not.toContain("INV-0003");
    await page.goto(url("/app?status=PAID"));
    expect(await page.locator("body").innerText()).toContain("No invoice matches");
  });

  it("shows an invoice with its actions; marking it paid and crediting another work", async () => {
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId, formattedNumber: "INV-0001" } });
    await page.goto(url(`/app/invoices/${invoice.id}`));
    const text = await page.locator("body").innerText();
    expect(text).toContain("Invoice INV-0001");
    expect(text).toContain(invoice.paymentReference!);
    expect(await page.getByRole("button", { name: "Mark paid" }).count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-invoice.png"), fullPage: true });

    // The forms post as documents to the same embedded URL (what the browser does without scripts).
    const post = (id: string, fields: Record<string, string>) =>
      fetch(url(`/app/invoices/${id}`), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER_UA }, body: new URLSearchParams(fields) });
    const bad = await post(invoice.id, { intent: "mark-paid", amount: "99999", paidOn: new Date().toISOString().slice(0, 10), method: "Bank transfer" });
    expect(await bad.text()).toContain("is still due");
    const paid = await post(invoice.id, { intent: "mark-paid", amount: invoice.amountDue.toFixed(2), paidOn: new Date().toISOString().slice(0, 10), method: "Bank transfer" });
    expect(paid.status).toBe(200);
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("PAID");

    const other = await db.invoice.findFirstOrThrow({ where: { shopId, formattedNumber: "INV-0002" } });
    expect((await post(other.id, { intent: "credit", reason: "Order cancelled by phone" })).status).toBe(200);
    const note = await db.invoice.findFirstOrThrow({ where: { originalInvoiceId: other.id } });
    expect(note.kind).toBe("CREDIT_NOTE");
    await page.goto(url(`/app/invoices/${note.id}`));
    expect(await page.locator("body").innerText()).toContain(`Corrects INV-0002`);
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-credit-note.png"), fullPage: true });
  });

  it("shows a customer with their invoices and mandates", async () => {
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId, formattedNumber: "INV-0003" } });
    await db.mandate.create({ data: { shopId, customerId: invoice.customerId, mndtId: "MNDT-ADMIN-1", status: "SIGNED", scheme: "CORE", iban: "BE68539007547034", signedAt: new Date("2026-11-01T00:00:00Z"), pdf: new Uint8Array(Buffer.from("%PDF-1.4 mandate")) } });
    await page.goto(url(`/app/customers/${invoice.customerId}`));
    const text = await page.locator("body").innerText();
    expect(text).toContain("Els Vermeulen");
    expect(text).toContain("MNDT-ADMIN-1 · CORE · BE68539007547034 · signed 2026-11-01");
    for (const n of ["INV-0001", "INV-0002", "INV-0003"]) expect(text).toContain(n);
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-customer.png"), fullPage: true });
    const mandate = await db.mandate.findFirstOrThrow({ where: { mndtId: "MNDT-ADMIN-1" } });
    const pdf = await fetch(url(`/app/customers/${invoice.customerId}/mandates/${mandate.id}/pdf`), { headers: { "User-Agent": BROWSER_UA } });
    expect(pdf.status).toBe(200);
    expect(await pdf.text()).toContain("%PDF-1.4");
  });

  it("sets a product's VAT class by SKU, with a clear message for a bad one", async () => {
    const post = (fields: Record<string, string>) => fetch(url("/app/products"), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER_UA }, body: new URLSearchParams(fields) });
    expect(await (await post({ sku: "", vatClass: "reduced1" })).text()).toContain("Enter the SKU");
    expect(await (await post({ sku: "BOOK-1", vatClass: "cheap" })).text()).toContain("Choose one of standard");
    expect((await post({ sku: "BOOK-1", vatClass: "reduced1" })).status).toBe(200);
    expect((await db.productVatClass.findUniqueOrThrow({ where: { shopId_sku: { shopId, sku: "BOOK-1" } } })).vatClass).toBe("reduced1");
    await page.goto(url("/app/products"));
    expect(await page.locator("body").innerText()).toContain("BOOK-1");
  });

  it("renders the settings pages", async () => {
    for (const [p, title, shot] of [["/app/settings", "Company details", "admin-settings.png"], ["/app/payments", "Payments & e-mails", "admin-payments.png"], ["/app/direct-debit", "Direct debit (Twikey)", "admin-direct-debit.png"]] as const) {
      await page.goto(url(p));
      expect(await page.locator("body").innerText()).toContain(title);
      await page.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: true });
    }
    // The exit URL exactly as Twikey's template settings expect it, with the button that tests it.
    await page.goto(url("/app/direct-debit"));
    expect(await page.locator(`input[value="${stack.appUrl}/mandates/return/${shopId}?mandateNumber={{mandateNumber}}&status={{status}}&s={{s}}"]`).count()).toBe(1);
    expect(await page.locator(`input[value="${stack.appUrl}/webhooks/twikey/${shopId}"]`).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Test this URL" }).count()).toBe(1);
  });

  it("exports the period for the accountant as a ZIP, and refuses without a session token", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const zip = await fetch(url(`/app/exports/zip?from=${today}&to=${today}`), { headers: { "User-Agent": BROWSER_UA } });
    expect(zip.status).toBe(200);
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect(Buffer.from(await zip.arrayBuffer()).subarray(0, 2).toString("latin1")).toBe("PK");
    const anonymous = await fetch(`${stack.appUrl}/app/exports/zip?from=${today}&to=${today}`, { headers: { "User-Agent": BROWSER_UA }, redirect: "manual" });
    expect(anonymous.status).not.toBe(200);
  });

  it("tells the merchant when Shopify refused Facto's access to protected customer data", async () => {
    await db.shop.update({ where: { id: shopId }, data: { customerDataDeniedAt: new Date("2026-11-29T08:15:00Z"), customerDataDeniedReason: "This app is not approved to access the Customer object." } });
    try {
      await page.goto(url("/app"));
      const text = await page.locator("body").innerText();
      expect(text).toContain("Shopify does not give Facto your customers' names, addresses and e-mail addresses");
      expect(text).toContain("Shopify answered on 2026-11-29 08:15 UTC: This app is not approved to access the Customer object.");
    } finally {
      await db.shop.update({ where: { id: shopId }, data: { customerDataDeniedAt: null, customerDataDeniedReason: null } });
    }
    await page.goto(url("/app"));
    expect(await page.locator("body").innerText()).not.toContain("Shopify does not give Facto");
  });
});
