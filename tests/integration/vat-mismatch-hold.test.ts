import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { SAMPLE_SELLER } from "~/domain/pdf/sample-invoice";
import { ensureJob } from "~/queues.server";
import { issueHeldOrderAsComputed } from "~/services/held-orders.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { seedShopifyShop } from "../support/seed-shop";
import { adminIdToken, embeddedQuery } from "../support/shopify-admin-token";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * Orders whose VAT the platform charged differently from Facto's decision are held, not invoiced
 * (decision 017): a PLN order charged at Polish 23 % to a Polish consumer while the shop has not set
 * OSS is held with the cause on the admin home, and invoiced at 23 % PL once the merchant ticks OSS in
 * the settings; a book charged at 6 % that Facto classifies as standard is held, and released by
 * setting the SKU's class; a candle held the same way is issued as computed by Facto, the choice on
 * the invoice's history. No invoice number is taken by a held order.
 */
const stack = inject("stack");
const SHOP = "vat-hold.myshopify.com";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
let db: Db;
let shopId: string;

const adminUrl = (p: string) => `${stack.appUrl}${p}${p.includes("?") ? "&" : "?"}${embeddedQuery(SHOP, adminIdToken({ shop: SHOP, apiKey: stack.shopifyApiKey, apiSecret: stack.shopifyApiSecret }))}`;
const post = (p: string, fields: Record<string, string>) =>
  fetch(adminUrl(p), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER_UA }, body: new URLSearchParams(fields) });
const page = async (p: string) => decodeEntities(await (await fetch(adminUrl(p), { headers: { "User-Agent": BROWSER_UA } })).text());
const send = (topic: string, body: unknown) => sendShopifyWebhook({ appUrl: stack.appUrl, topic, shop: SHOP, body: JSON.stringify(body), secret: stack.shopifyApiSecret, webhookId: randomUUID() });
const decodeEntities = (html: string) => html.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
const money = (amount: string, currency: string) => ({ shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } });
const taxLine = (rate: number, price: string, currency: string) => ({ channel_liable: false, price, price_set: money(price, currency), rate, title: "VAT" });

/** The Belgian-consumer fixture turned into another order: one product line, shipping, the shop's own VAT. */
function order(o: { id: number; name: string; country: "PL" | "BE"; currency: string; item: { name: string; sku: string; price: string; rate: number; tax: string }; shipping: { price: string; tax: string }; total: string; totalTax: string; financial: string }) {
  const address = o.country === "PL"
    ? { first_name: "Agnieszka", last_name: "Kowalska", name: "Agnieszka Kowalska", address1: "ul. Marszałkowska 84", address2: "", city: "Warszawa", zip: "00-514", province: null, country: "Poland", country_code: "PL", province_code: null, company: null, phone: null, latitude: null, longitude: null }
    : fixture.billing_address;
  const [line] = fixture.line_items;
  return {
    ...fixture,
    id: o.id,
    admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
    name: o.name,
    order_number: o.id,
    currency: o.currency,
    presentment_currency: o.currency,
    customer_locale: o.country === "PL" ? "pl-PL" : "nl-BE",
    email: `buyer-${o.id}@example.com`,
    contact_email: `buyer-${o.id}@example.com`,
    customer: { ...fixture.customer, id: o.id + 1, admin_graphql_api_id: `gid://shopify/Customer/${o.id + 1}`, email: `buyer-${o.id}@example.com`, default_address: { ...address, id: 1, customer_id: o.id + 1, default: true } },
    billing_address: address,
    shipping_address: address,
    financial_status: o.financial,
    discount_codes: [],
    discount_applications: [],
    line_items: [
      {
        ...line,
        name: o.item.name,
        title: o.item.name,
        sku: o.item.sku,
        price: o.item.price,
        price_set: money(o.item.price, o.currency),
        quantity: 1,
        current_quantity: 1,
        fulfillable_quantity: 1,
        discount_allocations: [],
        tax_lines: [taxLine(o.item.rate, o.item.tax, o.currency)],
      },
    ],
    shipping_lines: [{ ...fixture.shipping_lines[0], price: o.shipping.price, price_set: money(o.shipping.price, o.currency), discounted_price: o.shipping.price, discounted_price_set: money(o.shipping.price, o.currency), discount_allocations: [], tax_lines: [taxLine(o.item.rate, o.shipping.tax, o.currency)] }],
    subtotal_price: o.item.price,
    total_line_items_price: o.item.price,
    total_discounts: "0.00",
    total_price: o.total,
    total_price_set: money(o.total, o.currency),
    total_tax: o.totalTax,
    total_tax_set: money(o.totalTax, o.currency),
    tax_lines: [taxLine(o.item.rate, o.totalTax, o.currency)],
  };
}

// Prices include VAT (the fixture's taxes_included): 492.00 + 24.60 PLN at 23 % → VAT 92.00 + 4.60.
const POLISH = order({ id: 9_820_001, name: "#2001", country: "PL", currency: "PLN", item: { name: "Lampa stołowa Lumière", sku: "LAMP-BR-01", price: "492.00", rate: 0.23, tax: "92.00" }, shipping: { price: "24.60", tax: "4.60" }, total: "516.60", totalTax: "96.60", financial: "paid" });
// A book charged at 6 % that the merchant had classified as standard in Facto: 31.80 + 5.30 at 6 %.
const BOOK = order({ id: 9_820_002, name: "#2002", country: "BE", currency: "EUR", item: { name: "Boek: Licht in huis", sku: "BOOK-0042", price: "31.80", rate: 0.06, tax: "1.80" }, shipping: { price: "5.30", tax: "0.30" }, total: "37.10", totalTax: "2.10", financial: "paid" });
// A candle the shop charged at 6 %; Facto (class standard) says 21 %: the merchant issues it as computed.
const CANDLE = order({ id: 9_820_003, name: "#2003", country: "BE", currency: "EUR", item: { name: "Kaars Ambre", sku: "CANDLE-01", price: "21.20", rate: 0.06, tax: "1.20" }, shipping: { price: "5.30", tax: "0.30" }, total: "26.50", totalTax: "1.50", financial: "pending" });

// Another candle order, for the race between the merchant's choice and a new webhook of the order.
const RACE = order({ id: 9_820_004, name: "#2004", country: "BE", currency: "EUR", item: { name: "Kaars Ambre", sku: "CANDLE-01", price: "21.20", rate: 0.06, tax: "1.20" }, shipping: { price: "5.30", tax: "0.30" }, total: "26.50", totalTax: "1.50", financial: "pending" });

const eventsOf = (orderId: number) => db.webhookEvent.findMany({ where: { shopId, payload: { path: ["id"], equals: orderId } }, orderBy: { receivedAt: "asc" } });
const invoiceOf = (orderId: number) => db.invoice.findFirst({ where: { shopId, kind: "INVOICE", channelOrderId: String(orderId) }, include: { lines: { orderBy: { position: "asc" } }, vatSubtotals: true, events: true, documents: true } });
const heldCount = async (orderId: number) => (await eventsOf(orderId)).filter((e) => e.status === "FAILED" && e.holdReason === "VAT_MISMATCH").length;
const nextNumber = async () => (await db.invoiceSeries.findFirst({ where: { shopId, kind: "INVOICE" } }))?.nextNumber ?? 1;

const settings = {
  ...SAMPLE_SELLER,
  phone: "",
  defaultLanguage: "nl",
  paymentTermDays: "14",
  invoiceTrigger: "ORDER_CREATED",
  invoicePrefix: "INV-",
  invoiceFormat: "{prefix}{number}",
  invoicePadding: "4",
  accentColor: "#1f4e79",
};

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  ({ shopId } = await seedShopifyShop(db, { domain: SHOP }));
  await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "NONE", ossDestinationTaxation: false } });
  await db.productVatClass.createMany({ data: [{ shopId, sku: "BOOK-0042", vatClass: "standard" }, { shopId, sku: "CANDLE-01", vatClass: "standard" }] });
});

afterAll(async () => {
  await db?.$disconnect();
});

describe("an order whose VAT the shop charged differently is held, explained, and released", () => {
  it("holds a PLN order charged at Polish 23 % while OSS is off: no invoice, no number, the cause on the admin home", async () => {
    const numberBefore = await nextNumber();
    expect((await send("orders/create", POLISH)).status).toBe(200);
    await waitFor(async () => (await heldCount(POLISH.id)) === 1, 30_000, "the Polish order to be held");
    const [event] = await eventsOf(POLISH.id);
    expect(event!.holdReason).toBe("VAT_MISMATCH");
    expect(event!.holdDetail).toMatchObject({ orderName: "#2001", cause: "OSS_NOT_ENABLED", destination: "PL", regime: "EU_DISTANCE_SELLER_RATE" });
    expect((event!.holdDetail as { lines: unknown[] }).lines).toEqual([
      // 492.00 / 1.21 = 406.61 (Facto's BE 21 %): VAT 85.39, the shop's 23 % would be 93.52.
      expect.objectContaining({ line: 1, sku: "LAMP-BR-01", channelRate: "23", factoRate: "21", lineNet: "406.61", channelVat: "93.52", factoVat: "85.39" }),
    ]);
    expect(event!.lastError).toContain("Order #2001 is held");
    expect(await invoiceOf(POLISH.id)).toBeNull();
    expect(await nextNumber()).toBe(numberBefore);

    const home = await page("/app");
    expect(home).toContain("order(s) not invoiced: the VAT your shop charged differs from Facto's");
    expect(home).toContain("Order #2001");
    expect(home).toContain("OSS destination taxation is off in Facto");
    expect(home).toContain('line 1 "Lampa stołowa Lumière" (SKU LAMP-BR-01): the shop charged 23 % (VAT 93.52), Facto 21 % (VAT 85.39)');
    expect(home).toContain(`tick "Tax EU consumers at their own country's VAT (One-Stop-Shop)" in Facto's settings`);
    expect(home).toContain("Issue as computed by Facto");
    // Another webhook of the same order (orders/paid) is held too, and the order is listed once.
    expect((await send("orders/paid", POLISH)).status).toBe(200);
    await waitFor(async () => (await heldCount(POLISH.id)) === 2, 30_000, "the second webhook to be held");
    // (Counted as rendered blocks: the page also carries its loader data.)
    expect((await page("/app")).match(/data-testid="held-order"/g)?.length).toBe(1);
  });

  it("the merchant ticks OSS in the settings: the order is checked again and invoiced at 23 % PL", async () => {
    const saved = await post("/app/settings", { ...settings, ossDestinationTaxation: "on" });
    expect(saved.status).toBe(200);
    await waitFor(async () => (await invoiceOf(POLISH.id))?.documents.some((d) => d.format === "UBL") === true, 60_000, "the Polish order's invoice");
    const invoice = (await invoiceOf(POLISH.id))!;
    expect(invoice.vatRegime).toBe("EU_OSS");
    expect(invoice.currency).toBe("PLN");
    expect(invoice.lines.map((l) => [l.kind, l.vatCategory, l.vatRate.toString()])).toEqual([
      ["GOODS", "S", "23"],
      ["SHIPPING", "S", "23"],
    ]);
    // 516.60 / 1.23 = 420.00 net, 96.60 VAT: what the customer paid.
    expect(invoice.vatSubtotals.map((s) => [s.vatRate.toString(), s.taxableAmount.toFixed(2), s.taxAmount.toFixed(2)])).toEqual([["23", "420.00", "96.60"]]);
    expect(invoice.taxInclusiveTotal.toFixed(2)).toBe("516.60");
    expect(invoice.events.filter((e) => e.type === "vat.issued_as_computed")).toEqual([]);
    await waitFor(async () => (await eventsOf(POLISH.id)).every((e) => e.status === "PROCESSED" && e.holdReason === null), 30_000, "both webhooks processed");
    expect(await db.invoice.count({ where: { shopId, channelOrderId: String(POLISH.id) } })).toBe(1);
    expect(await page("/app")).not.toContain("Order #2001");
  });

  it("a book charged at 6 % that Facto classifies as standard: held for its product class, released by setting the SKU's class", async () => {
    expect((await send("orders/create", BOOK)).status).toBe(200);
    await waitFor(async () => (await heldCount(BOOK.id)) === 1, 30_000, "the book order to be held");
    const [event] = await eventsOf(BOOK.id);
    expect(event!.holdDetail).toMatchObject({ cause: "PRODUCT_CLASS" });
    const home = await page("/app");
    expect(home).toContain("Order #2002");
    expect(home).toContain("a product's VAT class differs");
    expect(home).toContain(`set the VAT class of SKU BOOK-0042 on Facto's "VAT of products" page`);

    const saved = await post("/app/products", { sku: "BOOK-0042", vatClass: "reduced2" });
    expect(decodeEntities(await saved.text())).toContain("1 order(s) held for their VAT are checked again");
    await waitFor(async () => (await invoiceOf(BOOK.id))?.documents.some((d) => d.format === "PDF") === true, 60_000, "the book order's invoice");
    const invoice = (await invoiceOf(BOOK.id))!;
    expect(invoice.vatSubtotals.map((s) => [s.vatRate.toString(), s.taxAmount.toFixed(2)])).toEqual([["6", "2.10"]]);
    expect(invoice.taxInclusiveTotal.toFixed(2)).toBe("37.10");
  });

  it("a held order issued as computed by Facto: Facto's figures, the merchant's choice on the invoice's history", async () => {
    expect((await send("orders/create", CANDLE)).status).toBe(200);
    await waitFor(async () => (await heldCount(CANDLE.id)) === 1, 30_000, "the candle order to be held");
    expect((await send("orders/paid", { ...CANDLE, financial_status: "paid" })).status).toBe(200);
    await waitFor(async () => (await heldCount(CANDLE.id)) === 2, 30_000, "its second webhook to be held");
    const numberBefore = await nextNumber();
    const home = await page("/app");
    expect(home).toContain("Order #2003");
    const [first, second] = await eventsOf(CANDLE.id);

    // An event of another shop, or one that is not held, cannot be issued this way.
    const wrong = await post("/app?index", { intent: "issue-as-computed", eventId: randomUUID() });
    expect(decodeEntities(await wrong.text())).toContain("This held order is not in this shop");

    const chosen = await post("/app?index", { intent: "issue-as-computed", eventId: second!.id });
    expect(chosen.status).toBe(200);
    expect(decodeEntities(await chosen.text())).toContain("Order #2003 is being invoiced with Facto's VAT");
    await waitFor(async () => (await invoiceOf(CANDLE.id))?.documents.some((d) => d.format === "PDF") === true, 60_000, "the candle order's invoice");
    await waitFor(async () => (await eventsOf(CANDLE.id)).every((e) => e.status === "PROCESSED"), 30_000, "both webhooks processed");
    const invoice = (await invoiceOf(CANDLE.id))!;
    expect(invoice.number).toBe(numberBefore);
    // Facto's figures: 21.20 + 5.30 = 26.50 incl. at 21 % → 21.90 net + 4.60 VAT (the shop said 1.50).
    expect(invoice.vatSubtotals.map((s) => [s.vatRate.toString(), s.taxableAmount.toFixed(2), s.taxAmount.toFixed(2)])).toEqual([["21", "21.90", "4.60"]]);
    expect(invoice.taxInclusiveTotal.toFixed(2)).toBe("26.50");
    const recorded = invoice.events.filter((e) => e.type === "vat.issued_as_computed");
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.message).toContain('the merchant chose to issue this held order despite the VAT the shop charged (6 % on line 1 "Kaars Ambre" (SKU CANDLE-01) where Facto applied 21 %)');
    expect(recorded[0]!.message).toContain("the shop's order had VAT 1.50, total 26.50");
    expect((await db.webhookEvent.findUniqueOrThrow({ where: { id: first!.id } })).issueAsComputedAt).not.toBeNull();
    // The paid webhook was processed as well: the payment is on the invoice.
    await waitFor(async () => (await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status === "PAID", 30_000, "the invoice paid");
    // The history on the invoice page says so.
    expect(await page(`/app/invoices/${invoice.id}`)).toContain("Issued as computed by Facto");
    expect(await page("/app")).not.toContain("Order #2003");
  });

  it("a webhook of the order held while the merchant's choice was on its way is released once the order is invoiced", async () => {
    expect((await send("orders/create", RACE)).status).toBe(200);
    await waitFor(async () => (await heldCount(RACE.id)) === 1, 30_000, "the order to be held");
    const [chosen] = await eventsOf(RACE.id);
    // The merchant's choice is recorded on the row; its job has not run yet.
    await issueHeldOrderAsComputed(db, shopId, chosen!.id, new Date(), async () => {});
    // Meanwhile the order is paid in Shopify: that webhook has no choice on it, so it is held.
    expect((await send("orders/paid", { ...RACE, financial_status: "paid" })).status).toBe(200);
    await waitFor(async () => (await heldCount(RACE.id)) === 1 && (await eventsOf(RACE.id)).length === 2, 30_000, "the paid webhook held");
    // The chosen row runs: the invoice is issued, and the held paid webhook goes back to the queue.
    await ensureJob("process-webhook", { eventId: chosen!.id });
    await waitFor(async () => (await eventsOf(RACE.id)).every((e) => e.status === "PROCESSED"), 30_000, "both webhooks processed");
    const invoice = (await invoiceOf(RACE.id))!;
    expect(invoice.events.map((e) => e.type)).toContain("vat.issued_as_computed");
    await waitFor(async () => (await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status === "PAID", 30_000, "the invoice paid");
    expect(await db.invoice.count({ where: { shopId, channelOrderId: String(RACE.id) } })).toBe(1);
    expect(await page("/app")).not.toContain("Order #2004");
  });
});
