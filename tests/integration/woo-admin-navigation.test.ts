import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { STORE_PAGES } from "~/admin-pages/store-options";
import { createPrisma, type Db } from "~/db.server";
import { startFakeWooCommerce, type FakeWooCommerce } from "../fakes/fake-woocommerce";
import { launchChromium } from "../support/browser";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";
import { allowSignUpsFromThisMachine, signUpAndConnectWooStore } from "../support/woo-account";

/**
 * Decision 025: a WooCommerce store's admin is one layout route — Polaris' AppProvider and Frame, the store's
 * name and a navigation to every page — and each page renders inside it (no page escapes it with a frame of
 * its own, and none is in the old hand-written CSS). The owner walks the navigation, link by link.
 */
const stack = inject("stack");
const ARTIFACTS = path.join(ROOT, "test-results", "woo-admin");
let db: Db;
let woo: FakeWooCommerce;
let browser: Browser;
let page: Page;
let shopId: string;

beforeAll(async () => {
  adoptStackEnv(stack);
  mkdirSync(ARTIFACTS, { recursive: true });
  db = createPrisma(stack.databaseUrl, 2);
  await allowSignUpsFromThisMachine(db);
  woo = await startFakeWooCommerce();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await woo?.close();
  await db?.$disconnect();
});

/** What every page of the store shows: the layout (Polaris frame, the store's name, the navigation), the page inside it. */
async function expectInsideLayout(what: string) {
  expect(await page.locator(".Polaris-Frame").count(), `${what}: one Polaris frame`).toBe(1);
  expect(await page.getByTestId("woo-store-layout").count(), `${what}: the layout's outlet`).toBe(1);
  expect(await page.locator('[data-testid="woo-store-layout"] .Polaris-Page').count(), `${what}: a Polaris page inside the outlet`).toBeGreaterThanOrEqual(1);
  const nav = page.locator("nav.Polaris-Navigation");
  expect(await nav.getByRole("heading", { name: "Atelier Navigatie BV", exact: true }).count(), `${what}: the store's name`).toBe(1);
  expect(await nav.count(), `${what}: the navigation`).toBe(1);
  for (const [, label] of STORE_PAGES) expect(await nav.getByRole("link", { name: label, exact: true }).count(), `${what}: a link to ${label}`).toBe(1);
  expect(await page.getByRole("button", { name: "Sign out" }).count(), `${what}: sign-out`).toBe(1);
  // No second frame, nothing of the old plain-CSS pages.
  expect(await page.locator(".woo, .woo-card, .woo-main, .woo-top").count(), `${what}: no plain-CSS page`).toBe(0);
  expect(await page.locator('link[rel="stylesheet"][href*="woo"]').count(), `${what}: no woo.css`).toBe(0);
}

describe("the WooCommerce admin's navigation", () => {
  it("signs up, connects a store and names it", async () => {
    shopId = await signUpAndConnectWooStore(page, stack, { email: "owner@navigatie.example", password: "navigatie-2026-secret" }, woo);
    await page.locator("nav.Polaris-Navigation").getByRole("link", { name: "Settings", exact: true }).click();
    await page.waitForURL(`${stack.appUrl}/woo/stores/${shopId}/settings`);
    for (const [label, value] of [["Legal name", "Atelier Navigatie BV"], ["Street and number", "Rue de la Loi 16"], ["Postal code", "1000"], ["City", "Brussel"], ["Country (ISO code)", "BE"], ["VAT number", "BE0123456749"], ["IBAN", "BE68539007547034"], ["BIC", "GKCCBEBB"], ["Invoice e-mail", "facturen@navigatie.example"], ["Payment term (days)", "14"]] as const) {
      await page.getByLabel(label, { exact: true }).fill(value);
    }
    // The Shopify admin's settings page, with the WooCommerce store's own field.
    expect(await page.getByLabel("Order meta keys holding the buyer's VAT number").count()).toBe(1);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.locator('.Polaris-Banner[role="status"]').textContent()).toContain("Settings saved");
    // The layout shows the store's name from then on, and the store page has it as its title.
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}`);
    await page.locator("nav.Polaris-Navigation").getByRole("heading", { name: "Atelier Navigatie BV", exact: true }).waitFor();
    expect(await page.locator('[data-testid="woo-store-layout"] h1').innerText()).toBe("Atelier Navigatie BV");
  }, 60_000);

  it("walks every link of the navigation: each page renders inside the layout, in Polaris, its link selected", async () => {
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}`);
    for (const [sub, label] of STORE_PAGES) {
      await page.locator("nav.Polaris-Navigation").getByRole("link", { name: label, exact: true }).click();
      await page.waitForURL(`${stack.appUrl}/woo/stores/${shopId}${sub}`);
      await page.locator('[data-testid="woo-store-layout"] h1').first().waitFor();
      await expectInsideLayout(label);
      const selected = page.locator("nav.Polaris-Navigation .Polaris-Navigation__Item--selected");
      expect(await selected.count(), `${label}: one selected link`).toBe(1);
      expect((await selected.innerText()).trim(), `${label}: its link selected`).toBe(label);
      await page.screenshot({ path: path.join(ARTIFACTS, `${label.replace(/\W+/g, "-").toLowerCase()}.png`), fullPage: true });
    }
  }, 120_000);

  it("shows an invoice's and a customer's page inside the layout too, reached from the store page's links", async () => {
    const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/woocommerce/order-be-incl.json"), "utf8"));
    await woo.placeOrder({ ...fixture, id: 8801, number: "8801" });
    await waitFor(async () => Boolean(await db.invoice.count({ where: { shopId, channelOrderId: "8801" } })), 30_000, "the invoice of order 8801");
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: "8801" } });
    await page.goto(`${stack.appUrl}/woo/stores/${shopId}`);
    await page.getByRole("link", { name: invoice.formattedNumber, exact: true }).click();
    await page.waitForURL(`${stack.appUrl}/woo/stores/${shopId}/invoices/${invoice.id}`);
    await page.getByRole("heading", { name: new RegExp(`Invoice ${invoice.formattedNumber}`) }).waitFor();
    await expectInsideLayout("the invoice");
    expect((await page.locator("nav.Polaris-Navigation .Polaris-Navigation__Item--selected").innerText()).trim()).toBe("Store & invoices");
    await page.locator('[data-testid="woo-store-layout"]').getByRole("link", { name: (invoice.buyer as { name: string }).name }).click();
    await page.waitForURL(new RegExp(`/woo/stores/${shopId}/customers/[0-9a-f-]{36}$`));
    await page.locator('[data-testid="woo-store-layout"] h1').first().waitFor();
    await expectInsideLayout("the customer");
  }, 60_000);

  it("keeps the old addresses: the page of another account's store is a 404, and without a session the sign-in page", async () => {
    for (const sub of ["", "/stock", "/customers", "/bank"]) {
      const anonymous = await fetch(`${stack.appUrl}/woo/stores/${shopId}${sub}`, { redirect: "manual" });
      expect(anonymous.status, sub).toBe(302);
      expect(anonymous.headers.get("location"), sub).toContain("/woo/login?next=");
    }
    await page.goto(`${stack.appUrl}/woo/stores/00000000-0000-4000-8000-000000000000/stock`);
    expect(await page.locator("body").innerText()).toContain("Store not found");
  });
});
