import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { allowSignUpsFromThisMachine } from "../support/woo-account";
import { createPrisma, type Db } from "~/db.server";
import { createSession } from "~/services/accounts.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { launchChromium } from "../support/browser";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * The security headers on each kind of page, as the web process sends them (docs/decisions/019):
 * public pages (payment page, mandate return, WooCommerce admin) carry a full Content-Security-Policy
 * whose nonce is on every script — and Chromium runs them without a single violation; embedded
 * Shopify pages only name Shopify's admin as frame ancestor; every response has nosniff, a referrer
 * policy and HSTS (the stack runs with NODE_ENV=production).
 */
const stack = inject("stack");
const SHOP = "headers.myshopify.com";
let db: Db;
let browser: Browser;
let shopId: string;

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  await allowSignUpsFromThisMachine(db);
  ({ shopId } = await seedShopifyShop(db, { domain: SHOP }));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
});

const HSTS = "max-age=31536000; includeSubDomains";

function expectCommon(res: Response, referrer = "strict-origin-when-cross-origin") {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe(referrer);
  expect(res.headers.get("strict-transport-security")).toBe(HSTS);
}

/** A public document: the full policy, one CSP header, and its nonce on every <script>. */
async function expectPublicDocument(res: Response) {
  const csps = res.headers.get("content-security-policy")!;
  expect(csps).not.toContain(","); // exactly one policy
  expect(csps).toContain("default-src 'self'");
  expect(csps).toContain("frame-ancestors 'none'");
  expect(csps).toContain("object-src 'none'");
  const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csps)?.[1];
  expect(nonce).toBeTruthy();
  const html = await res.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  return nonce!;
}

/** Loads the page in Chromium and returns the CSP violations it reported (none expected). */
async function violations(url: string, cookies: { name: string; value: string }[] = []): Promise<string[]> {
  const context = await browser.newContext();
  if (cookies.length) await context.addCookies(cookies.map((c) => ({ ...c, url: stack.appUrl })));
  const page = await context.newPage();
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) seen.push(m.text());
  });
  await page.goto(url);
  await page.waitForLoadState("networkidle");
  // Remix hydrated: its scripts (allowed by the nonce) ran.
  expect(await page.evaluate(() => typeof (window as unknown as { __remixContext?: unknown }).__remixContext)).toBe("object");
  await context.close();
  return seen;
}

describe("security headers", () => {
  it("the payment page: full CSP with a nonce, no referrer, runs in Chromium without a violation", async () => {
    const orderId = 7709001;
    const order = { ...JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8")), id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}`, financial_status: "pending" };
    const ack = await sendShopifyWebhook({ appUrl: stack.appUrl, topic: "orders/create", shop: SHOP, body: JSON.stringify(order), secret: stack.shopifyApiSecret });
    expect(ack.status).toBe(200);
    await waitFor(async () => Boolean((await db.invoice.findFirst({ where: { shopId, channelOrderId: String(orderId), kind: "INVOICE" } }))?.publicToken), 60_000, "the invoice");
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId, channelOrderId: String(orderId), kind: "INVOICE" } });
    const url = `${stack.appUrl}/pay/${invoice.publicToken}`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expectCommon(res, "no-referrer");
    const first = await expectPublicDocument(res);
    const again = await expectPublicDocument(await fetch(url));
    expect(again).not.toBe(first); // a fresh nonce per response
    expect(await violations(url)).toEqual([]);
  });

  it("the mandate return page and the WooCommerce admin: the same public policy", async () => {
    const mandate = await fetch(`${stack.appUrl}/mandates/return/${shopId}?mndtId=M1&status=ok`);
    expectCommon(mandate, "no-referrer");
    await expectPublicDocument(mandate);
    const login = await fetch(`${stack.appUrl}/woo/login`);
    expect(login.status).toBe(200);
    expectCommon(login);
    await expectPublicDocument(login);
    expect(await violations(`${stack.appUrl}/woo/login`)).toEqual([]);
    expect(await violations(`${stack.appUrl}/woo/signup`)).toEqual([]);
  });

  it("the WooCommerce admin's Polaris pages (signed in) run under the public policy without a violation", async () => {
    const account = await db.account.create({ data: { email: "headers@atelier-lumiere.example", passwordHash: "x", emailVerifiedAt: new Date() } });
    const shop = await db.shop.create({ data: { platform: "WOOCOMMERCE", domain: "headers-woo.example", name: "Headers" } });
    await db.accountShop.create({ data: { accountId: account.id, shopId: shop.id } });
    const { token } = await createSession(db, account.id);
    const cookies = [{ name: "facto_session", value: token }, { name: "facto_csrf", value: "h".repeat(32) }];
    for (const path of ["/woo", "/woo/account", `/woo/stores/${shop.id}`, `/woo/stores/${shop.id}/payments`, `/woo/stores/${shop.id}/danger-zone`]) {
      const res = await fetch(`${stack.appUrl}${path}`, { headers: { Cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") } });
      expect(res.status, path).toBe(200);
      await expectPublicDocument(res);
      expect(await violations(`${stack.appUrl}${path}`, cookies), path).toEqual([]);
    }
  });

  it("embedded Shopify pages: only Shopify's admin may frame them", async () => {
    const res = await fetch(`${stack.appUrl}/auth/login`);
    expectCommon(res);
    expect(res.headers.get("content-security-policy")).toBe("frame-ancestors https://admin.shopify.com https://*.myshopify.com");
  });

  it("the invoice preview PDF may be framed by Facto's pages inside Shopify's admin; other responses get the common headers", async () => {
    const preview = await fetch(`${stack.appUrl}/documents/preview/00000000-0000-0000-0000-000000000000?s=x&t=y`);
    expectCommon(preview);
    expect(preview.headers.get("content-security-policy")).toBe("frame-ancestors 'self' https://admin.shopify.com https://*.myshopify.com");
    const health = await fetch(`${stack.appUrl}/healthz`);
    expectCommon(health);
    const webhook = await fetch(`${stack.appUrl}/webhooks/shopify/orders/create`, { method: "POST", body: "{}" });
    expectCommon(webhook);
  });
});
