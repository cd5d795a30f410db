import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { SAMPLE_SELLER } from "~/domain/pdf/sample-invoice";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { adminIdToken, embeddedQuery } from "../support/shopify-admin-token";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * A merchant's whole life with Facto in a Shopify store, across real HTTP against the fake Shopify:
 * install (Shopify-managed installation: the embedded app trades App Bridge's id_token for an expiring
 * offline token) → an order arrives before the company details are complete and waits → onboarding
 * completes them and the order is invoiced → the invoice is paid in Facto → the Shopify order is marked
 * paid and carries the invoice number, status and page → a refund makes a credit note on the order →
 * uninstall stops every write-back → shop/redact.
 */
const stack = inject("stack");
const SHOP = "install-flow.myshopify.com";
const ORDER_ID = 9_800_001;
const ORDER_GID = `gid://shopify/Order/${ORDER_ID}`;
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
let db: Db;

const adminUrl = (p: string, shop = SHOP, secret = stack.shopifyApiSecret) =>
  `${stack.appUrl}${p}${p.includes("?") ? "&" : "?"}${embeddedQuery(shop, adminIdToken({ shop, apiKey: stack.shopifyApiKey, apiSecret: secret }))}`;
const post = (p: string, fields: Record<string, string>) =>
  fetch(adminUrl(p), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER_UA }, body: new URLSearchParams(fields) });
const send = (topic: string, body: unknown) =>
  sendShopifyWebhook({ appUrl: stack.appUrl, topic, shop: SHOP, body: JSON.stringify(body), secret: stack.shopifyApiSecret, webhookId: randomUUID() });
type FakeState = { installs: number; paidOrders: string[]; tags: Record<string, string[]>; metafields: Record<string, Record<string, { type: string; value: string }>> };
const shopifyState = async () => (await fetch(`${stack.fakeShopifyUrl}/_state/${SHOP}`)).json() as Promise<FakeState>;
const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
const order = { ...fixture, id: ORDER_ID, admin_graphql_api_id: ORDER_GID, name: "#1001", financial_status: "pending" };

beforeAll(() => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
});

afterAll(async () => {
  await db?.$disconnect();
});

describe("a Shopify merchant from install to uninstall", () => {
  it("installs: opening the app trades the id_token for an expiring offline token, stored encrypted", async () => {
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
    // A token signed with another secret is not Shopify's: no install.
    // (The library sends the browser to its bounce page to get a fresh token from App Bridge.)
    const forged = await fetch(adminUrl("/app", SHOP, "not-the-app-secret"), { headers: { "User-Agent": BROWSER_UA }, redirect: "manual" });
    expect(forged.status).toBe(302);
    expect(forged.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);

    const first = await fetch(adminUrl("/app"), { headers: { "User-Agent": BROWSER_UA } });
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html).toContain("Set up Facto");
    // (The layout's and the page's loaders run in parallel: both may exchange on the very first open.)
    const installs = (await shopifyState()).installs;
    expect(installs).toBeGreaterThanOrEqual(1);

    const session = await db.session.findFirstOrThrow({ where: { shop: SHOP, isOnline: false } });
    expect(session.accessToken).not.toMatch(/^shpat_/); // encrypted at rest (decision 004)
    expect(session.refreshToken).toBeTruthy();
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now());
    const shop = await db.shop.findFirstOrThrow({ where: { platform: "SHOPIFY", domain: SHOP } });
    expect(shop.uninstalledAt).toBeNull();

    // Opening the app again uses the stored session: no second token exchange.
    expect((await fetch(adminUrl("/app"), { headers: { "User-Agent": BROWSER_UA } })).status).toBe(200);
    expect((await shopifyState()).installs).toBe(installs);
  });

  it("keeps an order until the company details are complete, then invoices it", async () => {
    const shop = await db.shop.findFirstOrThrow({ where: { platform: "SHOPIFY", domain: SHOP } });
    expect((await send("orders/create", order)).status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.findFirst({ where: { shopId: shop.id, topic: "orders/create" } }))?.status === "FAILED", 30_000, "the order to wait");
    const waiting = await db.webhookEvent.findFirstOrThrow({ where: { shopId: shop.id, topic: "orders/create" } });
    expect(waiting.lastError).toMatch(/Invoice data incomplete: .*VAT number/);
    expect(await db.invoice.count({ where: { shopId: shop.id } })).toBe(0);
    // The admin says what is missing.
    expect(await (await fetch(adminUrl("/app/settings"), { headers: { "User-Agent": BROWSER_UA } })).text()).toContain("VAT number");

    const settings = {
      ...SAMPLE_SELLER,
      phone: "",
      defaultLanguage: "nl",
      paymentTermDays: "14",
      invoiceTrigger: "ORDER_CREATED",
      invoicePrefix: "F-",
      invoiceFormat: "{prefix}{number}",
      invoicePadding: "5",
      accentColor: "#1f4e79",
    };
    const bad = await post("/app/settings", { ...settings, iban: "BE00 0000 0000 0000" });
    expect(await bad.text()).toMatch(/IBAN/);
    expect((await post("/app/settings", settings)).status).toBe(200);

    await waitFor(async () => (await db.invoice.count({ where: { shopId: shop.id, documents: { some: { format: "UBL" } } } })) === 1, 60_000, "the invoice");
    const invoice = await db.invoice.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(invoice.formattedNumber).toBe("F-00001");
    await waitFor(async () => (await shopifyState()).metafields[ORDER_GID]?.["facto.invoice_number"] !== undefined, 30_000, "the order's metafields");
    expect((await shopifyState()).tags[ORDER_GID]).toEqual(["Facto F-00001"]);
    const fields = (await shopifyState()).metafields[ORDER_GID]!;
    expect(fields["facto.invoice_number"]!.value).toBe("F-00001");
    expect(fields["facto.invoice_status"]!.value).toBe("issued");
    expect(fields["facto.invoice_url"]).toEqual({ type: "url", value: `${stack.appUrl}/pay/${invoice.publicToken}` });
    // The customer-facing page the order links to.
    expect(await (await fetch(fields["facto.invoice_url"]!.value)).text()).toContain("F-00001");
  });

  it("records a payment in Facto: the Shopify order is marked paid and its status follows", async () => {
    const invoice = await db.invoice.findFirstOrThrow({ where: { shop: { domain: SHOP }, kind: "INVOICE" } });
    const paid = await post(`/app/invoices/${invoice.id}`, { intent: "mark-paid", amount: invoice.amountDue.toFixed(2), paidOn: new Date().toISOString().slice(0, 10), method: "Bank transfer" });
    expect(paid.status).toBe(200);
    await waitFor(async () => (await shopifyState()).paidOrders.includes(ORDER_GID), 30_000, "the order marked paid");
    await waitFor(async () => (await shopifyState()).metafields[ORDER_GID]?.["facto.invoice_status"]?.value === "paid", 30_000, "status paid on the order");
  });

  it("a refund in Shopify becomes a credit note, written on the order", async () => {
    const shop = await db.shop.findFirstOrThrow({ where: { domain: SHOP } });
    const refund = {
      id: 9_800_101,
      admin_graphql_api_id: "gid://shopify/Refund/9800101",
      order_id: ORDER_ID,
      created_at: new Date().toISOString(),
      note: "Boek beschadigd",
      refund_line_items: [{ id: 1, line_item_id: 14512002, quantity: 1, subtotal: 30.0, total_tax: 1.7, line_item: { sku: "BOOK-0042", name: "Boek: Licht in huis" } }],
      order_adjustments: [],
      transactions: [],
    };
    expect((await send("refunds/create", refund)).status).toBe(200);
    await waitFor(async () => (await db.invoice.count({ where: { shopId: shop.id, kind: "CREDIT_NOTE", documents: { some: { format: "PDF" } } } })) === 1, 60_000, "the credit note");
    const note = await db.invoice.findFirstOrThrow({ where: { shopId: shop.id, kind: "CREDIT_NOTE" } });
    await waitFor(async () => (await shopifyState()).metafields[ORDER_GID]?.["facto.credit_notes"]?.value === note.formattedNumber, 30_000, "the credit note on the order");
    expect((await shopifyState()).tags[ORDER_GID]).toContain(`Facto ${note.formattedNumber}`);
  });

  it("uninstall removes the sessions and stops the write-backs; shop/redact keeps the invoices", async () => {
    const shop = await db.shop.findFirstOrThrow({ where: { domain: SHOP } });
    expect((await send("app/uninstalled", { id: 1, domain: SHOP })).status).toBe(200);
    await waitFor(async () => (await db.shop.findUniqueOrThrow({ where: { id: shop.id } })).uninstalledAt !== null, 30_000, "uninstall");
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
    const before = await shopifyState();

    // A refund delivered late (after the uninstall) is still credited — the invoice is the merchant's
    // legal record — but nothing is written to the shop any more.
    const late = { id: 9_800_102, admin_graphql_api_id: "gid://shopify/Refund/9800102", order_id: ORDER_ID, created_at: new Date().toISOString(), note: "", refund_line_items: [{ id: 2, line_item_id: 14512001, quantity: 1, subtotal: 102.0, total_tax: 17.7, line_item: { sku: "LAMP-BR-01", name: "Lamp" } }], order_adjustments: [], transactions: [] };
    expect((await send("refunds/create", late)).status).toBe(200);
    await waitFor(async () => (await db.invoice.count({ where: { shopId: shop.id, kind: "CREDIT_NOTE", documents: { some: { format: "PDF" } } } })) === 2, 60_000, "the late credit note");
    await new Promise((r) => setTimeout(r, 1500));
    expect(await shopifyState()).toEqual(before);

    expect((await send("shop/redact", { shop_id: 1, shop_domain: SHOP })).status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.findFirst({ where: { shopId: shop.id, topic: "shop/redact" } }))?.status === "PROCESSED", 30_000, "shop/redact");
    expect(await db.invoice.count({ where: { shopId: shop.id } })).toBe(3); // kept 10 years
  });
});
