import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { assertValidUbl } from "../support/official-validation";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/**
 * The walking skeleton across real processes: signed orders/create webhook → web (Remix) →
 * inbox row → 200 → worker (BullMQ on Redis) → invoice 1 with lines and totals in PostgreSQL →
 * PDF stored → invoice number written back to the (fake) Shopify order.
 */
const stack = inject("stack");
const startedAt = new Date();
const fixture = readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-450789469.json"), "utf8");
let db: Db;

function orderBody(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...JSON.parse(fixture), ...overrides });
}

function send(shop: string, topic: string, body: string, extra: { webhookId?: string; secret?: string } = {}) {
  return sendShopifyWebhook({
    appUrl: stack.appUrl,
    topic,
    shop,
    body,
    secret: extra.secret ?? stack.shopifyApiSecret,
    webhookId: extra.webhookId ?? randomUUID(),
  });
}

async function invoiceOf(shopId: string, orderId: string) {
  return db.invoice.findFirst({
    where: { shopId, channelOrderId: orderId },
    include: { lines: { orderBy: { position: "asc" } }, vatSubtotals: true, documents: true },
  });
}

beforeAll(() => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 4);
});
afterAll(async () => {
  await db.$disconnect();
});

describe("orders/create → invoice → PDF", () => {
  it("issues invoice number 1 with exact totals and stores a PDF", async () => {
    const shop = "skeleton-one.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });

    const response = await send(shop, "orders/create", fixture);
    expect(response.status).toBe(200);

    const event = await db.webhookEvent.findFirstOrThrow({ where: { shopId, topic: "orders/create" } });
    expect(event.provider).toBe("SHOPIFY");

    await waitFor(async () => (await invoiceOf(shopId, "450789469"))?.documents.length === 2, 30_000, "the invoice PDF");
    const invoice = (await invoiceOf(shopId, "450789469"))!;

    expect(invoice.number).toBe(1);
    expect(invoice.formattedNumber).toBe("INV-0001");
    expect(invoice.channelOrderName).toBe("#1001");
    expect(invoice.currency).toBe("USD");
    // Shipped to Louisville, KY: an export outside the EU, exempt (category G).
    expect(invoice.vatRegime).toBe("EXPORT");
    expect(invoice.lines.map((l) => [l.description, l.lineNet.toFixed(2), l.vatCategory])).toEqual([
      ["IPod Nano - 8gb - green", "195.66", "G"], // 199.00 − 3.34 discount
      ["IPod Nano - 8gb - red", "195.67", "G"], // 199.00 − 3.33
      ["IPod Nano - 8gb - black", "195.67", "G"],
    ]);
    expect(invoice.vatSubtotals.map((s) => [s.vatCategory, s.taxableAmount.toFixed(2), s.taxAmount.toFixed(2)])).toEqual([["G", "587.00", "0.00"]]);
    expect(invoice.lineNetTotal.toFixed(2)).toBe("587.00");
    expect(invoice.taxExclusiveTotal.toFixed(2)).toBe("587.00");
    expect(invoice.vatTotal.toFixed(2)).toBe("0.00");
    expect(invoice.taxInclusiveTotal.toFixed(2)).toBe("587.00");
    expect(invoice.amountDue.toFixed(2)).toBe("587.00");
    expect(invoice.paymentReference).toBe("+++000/0000/00101+++");

    expect(invoice.documents.map((d) => d.format).sort()).toEqual(["PDF", "UBL"]);
    const pdf = invoice.documents.find((d) => d.format === "PDF")!;
    const ubl = invoice.documents.find((d) => d.format === "UBL")!;
    expect(Buffer.from(ubl.content).toString()).toContain("<cbc:ID>INV-0001</cbc:ID>");
    expect(Buffer.from(ubl.content).toString()).toContain(Buffer.from(pdf.content).toString("base64").slice(0, 200));
    expect(Buffer.from(pdf.content).subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.sha256).toBe(createHash("sha256").update(pdf.content).digest("hex"));
    expect(pdf.byteSize).toBe(pdf.content.length);

    // The event is marked processed right after the documents are stored.
    await waitFor(async () => (await db.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).status === "PROCESSED", 10_000, "the event to be processed");

    // The write-back job tags the order in (fake) Shopify with the invoice number.
    await waitFor(async () => {
      const tags = stack && (await fetch(`${stack.fakeShopifyUrl}/_state/${shop}`).then((r) => r.json()));
      return JSON.stringify(tags).includes("Facto INV-0001");
    }, 20_000, "the order tag in the fake Shopify");
  });

  it("numbers the next order 2 and acknowledges fast", async () => {
    const shop = "skeleton-one.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    const response = await send(shop, "orders/create", orderBody({ id: 450789470, name: "#1002", admin_graphql_api_id: "gid://shopify/Order/450789470" }));
    expect(response.status).toBe(200);
    await waitFor(async () => !!(await invoiceOf(shopId, "450789470")), 30_000, "invoice 2");
    expect((await invoiceOf(shopId, "450789470"))!.formattedNumber).toBe("INV-0002");
  });
});

describe("a Belgian consumer order", () => {
  it("gets Belgian VAT per rate, prices incl. VAT, shipping taxed like the goods", async () => {
    const shop = "skeleton-be.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    const body = readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8");
    expect((await send(shop, "orders/create", body)).status).toBe(200);
    await waitFor(async () => (await invoiceOf(shopId, "820982911946154508"))?.documents.length === 2, 30_000, "the invoice PDF");
    const invoice = (await invoiceOf(shopId, "820982911946154508"))!;
    expect(invoice).toMatchObject({ vatRegime: "DOMESTIC", language: "nl", currency: "EUR", formattedNumber: "INV-0001" });
    // Paid in Shopify's checkout: the invoice is paid, and its PDF says so.
    expect([invoice.status, invoice.paymentMethod, invoice.amountDue.toFixed(2), invoice.paidAmount.toFixed(2)]).toEqual(["PAID", "Shopify Payments", "0.00", "228.91"]);
    // Shipping 7.00 follows the goods, split 158.60 : 28.30 → 5.94 at 21 % and 1.06 at 6 %.
    expect(invoice.lines.map((l) => [l.kind, l.lineNet.toFixed(2), l.vatRate.toString()])).toEqual([
      ["GOODS", "158.60", "21"], // (2 × 102.00 − 12.10) / 1.21 = 158.595…
      ["GOODS", "28.30", "6"], // 30.00 / 1.06 = 28.301…
      ["SHIPPING", "4.91", "21"], // 5.94 / 1.21 = 4.909…
      ["SHIPPING", "1.00", "6"], // 1.06 / 1.06
    ]);
    expect(invoice.vatSubtotals.map((s) => [s.vatRate.toString(), s.taxableAmount.toFixed(2), s.taxAmount.toFixed(2)]).sort()).toEqual([
      ["21", "163.51", "34.34"], // 163.51 × 21 % = 34.3371
      ["6", "29.30", "1.76"], // 29.30 × 6 % = 1.758
    ]);
    // Ours (EN 16931, VAT per rate) is 228.91; Shopify's per-line rounding says 228.90: ours is authoritative.
    expect([invoice.taxExclusiveTotal.toFixed(2), invoice.vatTotal.toFixed(2), invoice.taxInclusiveTotal.toFixed(2)]).toEqual(["192.81", "36.10", "228.91"]);
  });
});

describe("a Dutch business with a VAT number", () => {
  const shop = "skeleton-b2b.myshopify.com";
  const b2bOrder = (id: string) => {
    const base = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
    const address = { ...base.billing_address, company: "Koffiebranderij Noord B.V.", address1: "Damrak 1", zip: "1012 LG", city: "Amsterdam", country: "Netherlands", country_code: "NL" };
    return JSON.stringify({
      ...base,
      id: Number(id),
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      taxes_included: false,
      billing_address: address,
      shipping_address: address,
      note_attributes: [{ name: "VAT number", value: "NL 0044.95445.B01" }],
    });
  };
  const setViesUnavailable = (countries: string[]) => fetch(`${stack.fakeViesUrl}/_control/unavailable`, { method: "POST", body: JSON.stringify(countries) });

  it("gets an exempt intra-Community invoice (K) with the VIES consultation number kept as proof", async () => {
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    expect((await send(shop, "orders/create", b2bOrder("7700001"))).status).toBe(200);
    await waitFor(async () => (await invoiceOf(shopId, "7700001"))?.documents.length === 2, 30_000, "the B2B invoice");
    const invoice = (await invoiceOf(shopId, "7700001"))!;
    expect(invoice.vatRegime).toBe("INTRA_COMMUNITY");
    // 2 × 102.00 − 12.10 + 30.00 + 7.00 shipping, all exempt
    expect(invoice.vatSubtotals.map((v) => [v.vatCategory, v.taxableAmount.toFixed(2), v.taxAmount.toFixed(2)])).toEqual([["K", "228.90", "0.00"]]);
    expect(invoice.vatSubtotals[0]!.exemptionReason).toContain("art. 39bis");
    expect(invoice.viesConsultationNumber).toMatch(/^WAPIAAAAZ\d{6}$/);
    const customer = await db.customer.findFirstOrThrow({ where: { shopId } });
    expect(customer).toMatchObject({ vatNumber: "NL004495445B01", vatValid: true });
  });

  it("waits and retries while VIES is down — never invoices it as a consumer sale", async () => {
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    await setViesUnavailable(["NL"]);
    try {
      expect((await send(shop, "orders/create", b2bOrder("7700002"))).status).toBe(200);
      await waitFor(async () => ((await db.webhookEvent.findFirst({ where: { shopId, payload: { path: ["id"], equals: 7700002 } } }))?.lastError ?? "").includes("retry later"), 30_000, "the VIES error");
      expect(await invoiceOf(shopId, "7700002")).toBeNull();
    } finally {
      await setViesUnavailable([]);
    }
    await waitFor(async () => !!(await invoiceOf(shopId, "7700002")), 60_000, "the invoice after VIES came back");
    expect((await invoiceOf(shopId, "7700002"))!.vatRegime).toBe("INTRA_COMMUNITY");
  });
});

describe("refunds and cancellations → credit notes", () => {
  it("a refund credits its line, a cancellation credits the rest, and the invoice is then fully credited", async () => {
    const shop = "skeleton-be.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    const invoice = (await invoiceOf(shopId, "820982911946154508"))!;
    const refund = {
      id: 509562969,
      admin_graphql_api_id: "gid://shopify/Refund/509562969",
      order_id: 820982911946154508,
      created_at: "2026-11-24T09:00:00+01:00",
      note: "Boek beschadigd",
      refund_line_items: [{ id: 1, line_item_id: 14512002, quantity: 1, subtotal: 30.0, total_tax: 1.7, line_item: { sku: "BOOK-0042", name: "Boek: Licht in huis" } }],
      order_adjustments: [],
      transactions: [],
    };
    const body = JSON.stringify(refund).replace('"order_id":820982911946154500', '"order_id":820982911946154508');
    expect((await send(shop, "refunds/create", body)).status).toBe(200);
    // The same refund delivered again must not credit twice.
    expect((await send(shop, "refunds/create", body)).status).toBe(200);
    await waitFor(async () => (await db.invoice.count({ where: { shopId, kind: "CREDIT_NOTE", documents: { some: { format: "UBL" } } } })) === 1, 30_000, "the credit note documents");
    const first = await db.invoice.findFirstOrThrow({ where: { shopId, kind: "CREDIT_NOTE" }, include: { vatSubtotals: true, documents: true } });
    expect(first).toMatchObject({ formattedNumber: "CN-0001", originalInvoiceId: invoice.id, sourceId: "509562969", paymentReference: null });
    // 30.00 incl. at 6 % → 28.30 + 1.70
    expect(first.vatSubtotals.map((v) => [v.vatRate.toString(), v.taxableAmount.toFixed(2), v.taxAmount.toFixed(2)])).toEqual([["6", "28.30", "1.70"]]);
    expect(first.taxInclusiveTotal.toFixed(2)).toBe("30.00");

    const cancelled = JSON.stringify({ ...JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8")), cancelled_at: "2026-11-24T10:00:00+01:00", cancel_reason: "customer" });
    expect((await send(shop, "orders/cancelled", cancelled)).status).toBe(200);
    await waitFor(async () => (await db.invoice.count({ where: { shopId, kind: "CREDIT_NOTE", documents: { some: { format: "UBL" } } } })) === 2, 30_000, "the second credit note");
    const second = await db.invoice.findFirstOrThrow({ where: { shopId, kind: "CREDIT_NOTE", sourceId: "cancel:820982911946154508" } });
    expect(second.formattedNumber).toBe("CN-0002");
    expect(second.taxInclusiveTotal.toFixed(2)).toBe("198.91"); // 228.91 − 30.00
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("CREDITED");

    // Nothing is left to credit: a late refund is recorded but credits nothing.
    const late = JSON.stringify({ ...refund, id: 509562970, admin_graphql_api_id: "gid://shopify/Refund/509562970" }).replace('"order_id":820982911946154500', '"order_id":820982911946154508');
    expect((await send(shop, "refunds/create", late)).status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.count({ where: { shopId, topic: "refunds/create", status: "IGNORED" } })) === 1, 30_000, "the late refund");
    expect(await db.invoice.count({ where: { shopId, kind: "CREDIT_NOTE" } })).toBe(2);
  });
});

describe("exactly once", () => {
  it("the same delivery twice yields one inbox row and one invoice", async () => {
    const shop = "skeleton-dupes.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    const webhookId = randomUUID();
    const [a, b] = await Promise.all([send(shop, "orders/create", fixture, { webhookId }), send(shop, "orders/create", fixture, { webhookId })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const again = await send(shop, "orders/create", fixture, { webhookId });
    expect(again.status).toBe(200);
    // A different delivery about the same order (orders/updated) must not issue a second invoice.
    expect((await send(shop, "orders/updated", fixture)).status).toBe(200);

    await waitFor(async () => (await db.webhookEvent.count({ where: { shopId, status: "RECEIVED" } })) === 0, 30_000, "all events processed");
    expect(await db.webhookEvent.count({ where: { shopId, deliveryId: webhookId } })).toBe(1);
    expect(await db.webhookEvent.count({ where: { shopId } })).toBe(2);
    expect(await db.invoice.count({ where: { shopId } })).toBe(1);
    expect(await db.document.count({ where: { shopId } })).toBe(2); // one PDF, one UBL
  });
});

describe("rejections", () => {
  it("a forged HMAC gets 401 and writes nothing", async () => {
    const shop = "forged-shop.myshopify.com";
    const webhookId = randomUUID();
    const response = await send(shop, "orders/create", fixture, { webhookId, secret: "not-the-app-secret" });
    expect(response.status).toBe(401);
    expect(await db.webhookEvent.count({ where: { deliveryId: webhookId } })).toBe(0);
    expect(await db.shop.count({ where: { domain: shop } })).toBe(0);
  });

  it("a signed body that is not JSON gets 400 with a clear message and writes nothing", async () => {
    const shop = "broken-json.myshopify.com";
    const response = await send(shop, "orders/create", "{not json");
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: { code: "BAD_REQUEST", message: "Body is not valid JSON" } });
    expect(await db.shop.count({ where: { domain: shop } })).toBe(0);
  });

  it("a topic that does not match the URL gets 400", async () => {
    const response = await sendShopifyWebhook({
      appUrl: stack.appUrl,
      topic: "orders/paid",
      path: "/webhooks/shopify/orders/create",
      shop: "mismatch.myshopify.com",
      body: fixture,
      secret: stack.shopifyApiSecret,
    });
    expect(response.status).toBe(400);
  });

  it("a shop without company settings gets no invoice and the event says why", async () => {
    const shop = "not-onboarded.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop, withoutSettings: true });
    expect((await send(shop, "orders/create", fixture)).status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.findFirst({ where: { shopId } }))?.status === "FAILED", 30_000, "the event to fail");
    const event = await db.webhookEvent.findFirstOrThrow({ where: { shopId } });
    expect(event.lastError).toContain("VAT number");
    expect(await db.invoice.count({ where: { shopId } })).toBe(0);
  });
});

describe("app lifecycle and compliance topics", () => {
  it("app/uninstalled removes the sessions and marks the shop", async () => {
    const shop = "leaving-shop.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    const response = await send(shop, "app/uninstalled", JSON.stringify({ id: 548380009, domain: shop }));
    expect(response.status).toBe(200);
    await waitFor(async () => (await db.shop.findUniqueOrThrow({ where: { id: shopId } })).uninstalledAt !== null, 30_000, "uninstall");
    expect(await db.session.count({ where: { shop } })).toBe(0);
  });

  it.each([
    ["customers/data_request", { shop_id: 1, shop_domain: "x", customer: { id: 207119551, email: "bob.norman@mail.example.com" }, orders_requested: [450789469] }],
    ["customers/redact", { shop_id: 1, shop_domain: "x", customer: { id: 207119551, email: "bob.norman@mail.example.com" }, orders_to_redact: [450789469] }],
    ["shop/redact", { shop_id: 1, shop_domain: "x" }],
  ])("%s answers 200 when signed and 401 when forged", async (topic, payload) => {
    const shop = "compliance-shop.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    expect((await send(shop, topic, JSON.stringify(payload))).status).toBe(200);
    expect((await send(shop, topic, JSON.stringify(payload), { secret: "forged" })).status).toBe(401);
    await waitFor(async () => (await db.webhookEvent.findFirst({ where: { shopId, topic } }))?.status === "PROCESSED", 30_000, `${topic} processed`);
  });

  it("customers/data_request prepares an export of the customer and their invoices", async () => {
    const shop = "skeleton-one.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    const payload = { shop_id: 1, shop_domain: shop, customer: { id: 207119551, email: "bob.norman@mail.example.com" }, orders_requested: [450789469] };
    expect((await send(shop, "customers/data_request", JSON.stringify(payload))).status).toBe(200);
    await waitFor(async () => (await db.dataRequest.count({ where: { shopId } })) === 1, 30_000, "the data export");
    const request = await db.dataRequest.findFirstOrThrow({ where: { shopId } });
    const data = request.export as { customers: { email: string; invoices: { formattedNumber: string }[] }[] };
    expect(data.customers[0]!.email).toBe("bob.norman@mail.example.com");
    expect(data.customers[0]!.invoices.map((i) => i.formattedNumber)).toEqual(["INV-0001", "INV-0002"]);
  });

  it("customers/redact keeps customers that are on issued invoices", async () => {
    const shop = "skeleton-one.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    const payload = { shop_id: 1, shop_domain: shop, customer: { id: 207119551 }, orders_to_redact: [450789469] };
    expect((await send(shop, "customers/redact", JSON.stringify(payload))).status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.findFirst({ where: { shopId, topic: "customers/redact" } }))?.status === "PROCESSED", 30_000, "redact processed");
    expect(await db.customer.count({ where: { shopId, externalId: "207119551" } })).toBe(1);
  });
});

describe("official validation", () => {
  it("every UBL document this file made (invoices, intra-Community, credit notes) passes PEPPOL BIS 3.0.21 + EN 16931 + UBL 2.1", async () => {
    const documents = await db.document.findMany({ where: { format: "UBL", createdAt: { gte: startedAt } }, select: { content: true, invoice: { select: { formattedNumber: true, kind: true, vatRegime: true } } } });
    expect(documents.length).toBeGreaterThanOrEqual(4);
    expect(new Set(documents.map((d) => d.invoice.kind))).toEqual(new Set(["INVOICE", "CREDIT_NOTE"]));
    for (const d of documents) await assertValidUbl(Buffer.from(d.content).toString("utf8"), `${d.invoice.formattedNumber} (${d.invoice.kind}, ${d.invoice.vatRegime})`);
  }, 120_000);
});
