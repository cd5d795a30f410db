import { mkdirSync } from "node:fs";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { launchChromium } from "../support/browser";
import { adminIdToken, embeddedQuery } from "../support/shopify-admin-token";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * A new merchant's first hour in the embedded admin, in Chromium: install → the set-up checklist →
 * company details (checked, VAT number in VIES) while an order waits → the invoice list → the invoice
 * (preview, history) → a credit note → stock read from Shopify and adjusted → the danger zone pausing
 * and resuming invoicing. Screenshots go to test-results/onboarding-*.png.
 */
const stack = inject("stack");
const SHOP = "onboarding-walk.myshopify.com";
const ARTIFACTS = path.join(ROOT, "test-results");
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
let db: Db;
let browser: Browser;
let page: Page;
const url = (p: string) => `${stack.appUrl}${p}${p.includes("?") ? "&" : "?"}${embeddedQuery(SHOP, adminIdToken({ shop: SHOP, apiKey: stack.shopifyApiKey, apiSecret: stack.shopifyApiSecret }))}`;
const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `onboarding-${name}.png`), fullPage: true });
const body = () => page.locator("body").innerText();
// Forms are React-controlled: typing before hydration would be reset, so pages are opened until the network is idle.
const open = (address: string) => page.goto(address, { waitUntil: "networkidle" });
const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
const order = (id: number) => ({ ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${id}`, financial_status: "pending" });
const sendOrder = (id: number) => sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: SHOP, body: JSON.stringify(order(id)), secret: stack.shopifyApiSecret });
const shopifyState = async () => (await fetch(`${stack.fakeShopifyUrl}/_state/${SHOP}`)).json() as Promise<{ inventory: Record<string, number> }>;
const shopId = async () => (await db.shop.findFirstOrThrow({ where: { platform: "SHOPIFY", domain: SHOP } })).id;

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_UA });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
});

describe("a merchant's first hour in the embedded admin", () => {
  it("installs and sees the set-up checklist; an order waits for the company details", async () => {
    await open(url("/app"));
    const text = await body();
    expect(text).toContain("Set up Facto");
    expect(text).toContain("Company details (legal name, address, VAT number, IBAN)");
    expect(text).toContain("No invoices yet");
    await shot("1-checklist");
    expect((await sendOrder(9_900_001)).status).toBe(200);
    const id = await shopId();
    await waitFor(async () => (await db.webhookEvent.findFirst({ where: { shopId: id } }))?.status === "FAILED", 30_000, "the order to wait");
    expect(await db.invoice.count({ where: { shopId: id } })).toBe(0);
  });

  it("fills in the company details with clear messages, and the waiting order is invoiced", async () => {
    await open(url("/app/settings"));
    expect(await body()).toContain("Facto issues no invoice until these are filled in");
    const fill = async (label: string, value: string) => page.getByLabel(label, { exact: true }).fill(value);
    await fill("Legal name", "Atelier Lumière BV");
    await fill("Street and number", "Rue de la Loi 16");
    await fill("Postal code", "1000");
    await fill("City", "Brussel");
    await fill("Country (ISO code)", "BE");
    await fill("VAT number", "BE0999999922"); // right check digits, but VIES does not know it
    await fill("Enterprise number (KBO/BCE)", "0123456749");
    await fill("IBAN", "BE68 5390 0754 7034");
    await fill("BIC", "GKCCBEBB");
    await fill("Invoice e-mail", "facturen@atelier-lumiere.example");
    await page.getByRole("button", { name: "Save" }).first().click();
    await expect.poll(body, { timeout: 15_000 }).toContain("VIES does not know");
    await shot("2-settings-error");
    await fill("VAT number", "BE0123456749");
    await page.getByRole("button", { name: "Save" }).first().click();
    await expect.poll(body, { timeout: 15_000 }).toContain("Settings saved");
    await shot("3-settings-saved");
    const id = await shopId();
    await waitFor(async () => (await db.document.count({ where: { shopId: id, format: "PDF" } })) === 1, 60_000, "the waiting order's invoice");
  });

  it("lists the invoice and opens it: preview, history, credit note", async () => {
    await open(url("/app"));
    expect(await body()).toContain("INV-0001");
    expect(await body()).not.toContain("No invoices yet");
    await shot("4-invoices");
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId: await shopId() } });
    await open(url(`/app/invoices/${invoice.id}`));
    expect(await body()).toContain("Invoice INV-0001");
    const preview = await page.locator("iframe[title='INV-0001 PDF']").getAttribute("src");
    const pdf = await fetch(`${stack.appUrl}${preview}`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    await shot("5-invoice");
    await page.getByLabel(/Credit the whole invoice/).fill("Customer returned everything");
    await page.getByRole("button", { name: "Issue credit note" }).click();
    await expect.poll(body, { timeout: 15_000 }).toMatch(/Credit note CN-0001 issued|Credit note INV-0002 issued/);
    await shot("6-credit-note");
  });

  it("reads the stock from Shopify, writes an adjustment back, and takes a sale off", async () => {
    await fetch(`${stack.fakeShopifyUrl}/_control/variants/${SHOP}`, { method: "POST", body: JSON.stringify([{ sku: "LAMP-BR-01", displayName: "Lamp Brass", available: 8 }, { sku: "BOOK-0042", displayName: "Boek: Licht in huis", available: 30 }]) });
    await open(url("/app/stock"));
    expect(await body()).toContain("Facto keeps no stock yet");
    await page.getByRole("button", { name: "Read stock from Shopify" }).click();
    await expect.poll(body, { timeout: 15_000 }).toContain("reading your products");
    const id = await shopId();
    await waitFor(async () => (await db.stockItem.count({ where: { shopId: id } })) === 2, 30_000, "the stock read");
    await open(url("/app/stock"));
    expect(await body()).toMatch(/LAMP-BR-01\s+Lamp Brass\s+8\s+8/);
    await page.getByLabel("SKU", { exact: true }).fill("LAMP-BR-01");
    await page.getByLabel("Quantity", { exact: true }).fill("+4");
    await page.getByLabel("Reason").fill("Delivery");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(body, { timeout: 15_000 }).toContain("LAMP-BR-01: 12 in stock (+4)");
    await waitFor(async () => (await shopifyState()).inventory["gid://shopify/InventoryItem/1|gid://shopify/Location/1"] === 12, 30_000, "the quantity in Shopify");
    await waitFor(async () => !(await db.stockItem.findFirstOrThrow({ where: { shopId: id, sku: "LAMP-BR-01" } })).syncPending, 30_000, "in step");
    await open(url("/app/stock"));
    await shot("7-stock");

    // Shopify takes the sale off its count; Facto does the same on the invoice.
    expect((await sendOrder(9_900_002)).status).toBe(200);
    await waitFor(async () => (await db.invoice.count({ where: { shopId: id, channelOrderId: "9900002" } })) === 1, 30_000, "the second invoice");
    const lamp = await db.stockItem.findFirstOrThrow({ where: { shopId: id, sku: "LAMP-BR-01" } });
    expect([lamp.quantity, lamp.storeQuantity, lamp.syncPending]).toEqual([10, 10, false]); // 2 lamps on the order
  });

  it("pauses invoicing in the danger zone (confirmed by the shop's domain) and resumes it", async () => {
    await open(url("/app/danger-zone"));
    await shot("8-danger-zone");
    await page.getByLabel(`Type ${SHOP} to confirm`).first().fill(SHOP);
    await page.getByRole("button", { name: "Pause invoicing" }).click();
    await expect.poll(body, { timeout: 15_000 }).toContain("Invoicing is paused");
    const id = await shopId();
    expect((await sendOrder(9_900_003)).status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.findFirst({ where: { shopId: id, status: "FAILED", lastError: { startsWith: "Invoicing paused" } } })) !== null, 30_000, "the order to wait");
    await open(url("/app/danger-zone"));
    expect(await body()).toContain("1 order(s) waiting");
    await page.getByLabel(`Type ${SHOP} to confirm`).first().fill(SHOP);
    await page.getByRole("button", { name: "Resume invoicing" }).click();
    await expect.poll(body, { timeout: 15_000 }).toContain("1 waiting order(s) are being invoiced");
    await waitFor(async () => (await db.invoice.count({ where: { shopId: id, channelOrderId: "9900003" } })) === 1, 30_000, "the waiting order's invoice");
  });
});
