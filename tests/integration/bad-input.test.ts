import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { encryptSecret } from "~/utils/encryption.server";
import { signShopifyWebhook } from "../fakes/send-webhook";
import { seedShopifyShop, seedWooStore } from "../support/seed-shop";
import { adminIdToken, embeddedQuery } from "../support/shopify-admin-token";
import { adoptStackEnv, ROOT } from "../support/stack";
import { readFileSync } from "node:fs";
import path from "node:path";
import { mapShopifyOrder } from "~/integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "~/integrations/shopify/order-payload";
import { issueInvoice } from "~/services/issue-invoice.server";
import { ensureInvoiceDocuments } from "~/services/render-invoice-documents.server";

/**
 * Bad input and foreign requests at every public endpoint: a corpus of malformed, oversized,
 * wrongly typed and forged requests gets a 4xx with a message — never a 5xx — and stores nothing;
 * one shop can never reach another shop's invoices, payment pages or stores; secrets are never in
 * the database in clear.
 */
const stack = inject("stack");
let db: Db;
let shopId: string;
let wooConnectionId: string;
const SHOP = "bad-input.myshopify.com";
const UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0";

const BODIES: [string, string | Uint8Array][] = [
  ["empty", ""],
  ["not json", "hello"],
  ["truncated json", '{"id": 1, "line_items": ['],
  ["json null", "null"],
  ["json array", "[]"],
  ["json number", "42"],
  ["json string", '"order"'],
  ["nested 5000 deep", `${"[".repeat(5000)}${"]".repeat(5000)}`],
  ["NUL escape", '{"id":1,"name":"\\u0000"}'],
  ["invalid utf-8", new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ["wrong types", '{"id":"not-a-number","line_items":"none","total_price":{}}'],
  ["huge string", JSON.stringify({ id: 1, note: "x".repeat(3 * 1024 * 1024) })],
  ["form body", "id=tr_123&foo=bar"],
  ["xml", "<order><id>1</id></order>"],
  ["unicode garbage", "💥".repeat(1000)],
];

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  ({ shopId } = await seedShopifyShop(db, { domain: SHOP }));
  await db.shop.update({ where: { id: shopId }, data: { mollieApiKey: encryptSecret(`test_${"b".repeat(30)}`), twikeyApiKey: encryptSecret("bad-input-twikey-key"), twikeyWebsiteKey: encryptSecret("bad-input-website-key") } });
  ({ connectionId: wooConnectionId } = await seedWooStore(db, { storeUrl: "https://bad-input.example.be", webhookSecret: "badInputSecret42" }));
});
afterAll(async () => db?.$disconnect());

const inboxCount = () => db.webhookEvent.count();

describe("bad input at every endpoint", () => {
  it("answers ≥ 200 malformed, oversized, wrongly typed or forged requests with 4xx, stores nothing, and stays up", async () => {
    const before = await inboxCount();
    const cases: { name: string; request: () => Promise<Response> }[] = [];
    const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) => () => fetch(`${stack.appUrl}${path}`, { method: "POST", headers: { "User-Agent": UA, ...headers }, body: typeof body === "string" ? body : Buffer.from(body) });
    for (const [name, body] of BODIES) {
      const text = typeof body === "string" ? body : Buffer.from(body).toString("latin1");
      // Shopify: unsigned, forged, signed with the wrong secret, and (for non-objects) correctly signed.
      for (const topic of ["orders/create", "refunds/create", "app/uninstalled", "customers/data_request", "no/such-topic"]) {
        cases.push({ name: `shopify ${topic} unsigned ${name}`, request: post(`/webhooks/shopify/${topic}`, body, { "X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": SHOP, "X-Shopify-Webhook-Id": randomUUID() }) });
        cases.push({ name: `shopify ${topic} forged ${name}`, request: post(`/webhooks/shopify/${topic}`, body, { "X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": SHOP, "X-Shopify-Webhook-Id": randomUUID(), "X-Shopify-Hmac-Sha256": signShopifyWebhook(text, "not-the-secret") }) });
      }
      if (!["wrong types", "NUL escape"].includes(name)) {
        cases.push({ name: `shopify signed ${name}`, request: post("/webhooks/shopify/orders/create", body, { "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": SHOP, "X-Shopify-Webhook-Id": randomUUID(), "X-Shopify-Hmac-Sha256": createHmac("sha256", stack.shopifyApiSecret).update(typeof body === "string" ? Buffer.from(body) : Buffer.from(body)).digest("base64") }) });
      }
      // WooCommerce: forged and unknown connection.
      cases.push({ name: `woo forged ${name}`, request: post(`/webhooks/woocommerce/${wooConnectionId}`, body, { "X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Signature": "Zm9yZ2Vk", "X-WC-Webhook-Delivery-ID": "1" }) });
      cases.push({ name: `woo unknown connection ${name}`, request: post(`/webhooks/woocommerce/${randomUUID()}`, body, { "X-WC-Webhook-Topic": "order.created" }) });
      // Mollie: bodies that are not `id=tr_…`, and unknown shops.
      if (name !== "form body") cases.push({ name: `mollie ${name}`, request: post(`/webhooks/mollie/${shopId}`, body, { "Content-Type": "application/x-www-form-urlencoded" }) });
      cases.push({ name: `mollie unknown shop ${name}`, request: post(`/webhooks/mollie/${randomUUID()}`, body) });
      // The checkout extension's API without a valid session token.
      cases.push({ name: `checkout api ${name}`, request: post("/api/checkout/direct-debit", body, { "Content-Type": "application/json", Authorization: "Bearer not.a.jwt" }) });
      // Facto's own admin forms without this browser's CSRF token.
      cases.push({ name: `woo login ${name}`, request: post("/woo/login", body, { "Content-Type": "application/x-www-form-urlencoded" }) });
    }
    const get = (path: string, headers: Record<string, string> = {}) => () => fetch(`${stack.appUrl}${path}`, { headers: { "User-Agent": UA, ...headers }, redirect: "manual" });
    for (const q of ["", "type=contract", "type=contract&mandateNumber=%00", `x=${"y".repeat(5000)}`, "%E0%A4%A", "type=payment&id=1"]) {
      cases.push({ name: `twikey unsigned ${q.slice(0, 20)}`, request: get(`/webhooks/twikey/${shopId}?${q}`) });
      cases.push({ name: `twikey forged ${q.slice(0, 20)}`, request: get(`/webhooks/twikey/${shopId}?${q}`, { "X-Signature": "A".repeat(64) }) });
      cases.push({ name: `twikey unknown shop ${q.slice(0, 20)}`, request: get(`/webhooks/twikey/${randomUUID()}?${q}`) });
      cases.push({ name: `mandate return ${q.slice(0, 20)}`, request: get(`/mandates/return/${shopId}?${q}&mndtId=MNDT1&status=ok&s=${"0".repeat(64)}`) });
    }
    for (const token of ["x", "a".repeat(32), "../../etc/passwd", "%00", "a".repeat(5000), "<script>", randomUUID()]) {
      cases.push({ name: `pay page ${token.slice(0, 12)}`, request: get(`/pay/${encodeURIComponent(token)}`) });
      cases.push({ name: `pay pdf ${token.slice(0, 12)}`, request: get(`/pay/${encodeURIComponent(token)}/pdf`) });
      cases.push({ name: `pay post ${token.slice(0, 12)}`, request: post(`/pay/${encodeURIComponent(token)}`, "intent=pay-online", { "Content-Type": "application/x-www-form-urlencoded" }) });
    }
    expect(cases.length).toBeGreaterThanOrEqual(200);

    const failures: string[] = [];
    for (const c of cases) {
      let status: number;
      const t0 = Date.now();
      try {
        const response = await c.request();
        await response.arrayBuffer();
        status = response.status;
      } catch (error) {
        // An oversized body is refused (413, or answered early) before it is read and the connection
        // closed: the client, still sending, may see the reset or the closed socket first.
        const code = (error as { cause?: { code?: string } }).cause?.code ?? "";
        if (["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"].includes(code) && c.name.includes("huge string")) continue;
        throw new Error(`${c.name} (after ${Date.now() - t0} ms, ${code || "no code"}): ${String(error)}`, { cause: error });
      }
      if (status < 400 || status >= 500) failures.push(`${c.name}: ${status}`);
    }
    expect(failures).toEqual([]);
    expect(await inboxCount()).toBe(before);
    expect((await fetch(`${stack.appUrl}/healthz`)).status).toBe(200);
  }, 180_000);
});

describe("shops stay apart", () => {
  it("one shop's admin cannot open another shop's invoice, PDF or export", async () => {
    const other = "other-shop.myshopify.com";
    await seedShopifyShop(db, { domain: other });
    const raw = { ...JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-450789469.json"), "utf8")), id: 9600001, admin_graphql_api_id: "gid://shopify/Order/9600001" };
    const foreign = { id: (await issueInvoice(db, { shopId, order: mapShopifyOrder(ShopifyOrderPayload.parse(raw)), now: new Date() })).invoiceId };
    await ensureInvoiceDocuments(db, foreign.id);
    const query = embeddedQuery(other, adminIdToken({ shop: other, apiKey: stack.shopifyApiKey, apiSecret: stack.shopifyApiSecret }));
    for (const p of [`/app/invoices/${foreign.id}`, `/app/invoices/${foreign.id}/pdf`, `/app/invoices/${foreign.id}/ubl`]) {
      const response = await fetch(`${stack.appUrl}${p}?${query}`, { headers: { "User-Agent": UA } });
      expect([404], p).toContain(response.status);
    }
    // Its owner does see it.
    const own = embeddedQuery(SHOP, adminIdToken({ shop: SHOP, apiKey: stack.shopifyApiKey, apiSecret: stack.shopifyApiSecret }));
    expect((await fetch(`${stack.appUrl}/app/invoices/${foreign.id}/pdf?${own}`, { headers: { "User-Agent": UA } })).status).toBe(200);
    const forged = embeddedQuery(other, adminIdToken({ shop: other, apiKey: stack.shopifyApiKey, apiSecret: "not-the-secret" }));
    const refused = await fetch(`${stack.appUrl}/app?${forged}`, { headers: { "User-Agent": UA }, redirect: "manual" });
    expect(refused.status).not.toBe(200);
  });

  it("keeps every secret encrypted at rest", async () => {
    const shops = await db.shop.findMany({ where: { OR: [{ mollieApiKey: { not: null } }, { twikeyApiKey: { not: null } }] }, select: { mollieApiKey: true, twikeyApiKey: true, twikeyWebsiteKey: true } });
    const woo = await db.wooConnection.findMany({ select: { consumerKey: true, consumerSecret: true, webhookSecret: true } });
    const sessions = await db.session.findMany({ select: { accessToken: true, refreshToken: true } });
    const values = [...shops.flatMap((s) => [s.mollieApiKey, s.twikeyApiKey, s.twikeyWebsiteKey]), ...woo.flatMap((w) => [w.consumerKey, w.consumerSecret, w.webhookSecret]), ...sessions.flatMap((s) => [s.accessToken, s.refreshToken])].filter((v): v is string => Boolean(v));
    expect(values.length).toBeGreaterThan(5);
    for (const v of values) {
      expect(v).toMatch(/^v1\./);
      for (const clear of ["test_", "live_", "ck_", "cs_", "shpat_", "bad-input-twikey-key", "badInputSecret42"]) expect(v).not.toContain(clear);
    }
  });
});
