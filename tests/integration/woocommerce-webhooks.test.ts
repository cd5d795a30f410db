import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { sendWooWebhook } from "../fakes/send-webhook";
import { seedWooStore } from "../support/seed-shop";
import { adoptStackEnv, ROOT, waitFor } from "../support/stack";

/** A connected WooCommerce store's webhooks: ping, signature, dedupe, and the same inbox → invoice path. */
const stack = inject("stack");
let db: Db;
let shopId: string;
let connectionId: string;
const secret = "wcSecretAlnum42";
const order = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/woocommerce/order-be-incl.json"), "utf8"));
const send = (body: string, extra: { deliveryId?: string; secret?: string; topic?: string } = {}) =>
  sendWooWebhook({ appUrl: stack.appUrl, connectionId, topic: extra.topic ?? "order.created", body, secret: extra.secret ?? secret, ...(extra.deliveryId ? { deliveryId: extra.deliveryId } : {}) });

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  ({ shopId, connectionId } = await seedWooStore(db, { storeUrl: "https://shop.example.be", webhookSecret: secret }));
});
afterAll(async () => db.$disconnect());

describe("WooCommerce webhooks", () => {
  it("answers WooCommerce's unsigned ping with 200 and stores nothing", async () => {
    const response = await fetch(`${stack.appUrl}/webhooks/woocommerce/${connectionId}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "webhook_id=17" });
    expect(response.status).toBe(200);
    expect(await db.webhookEvent.count({ where: { shopId } })).toBe(0);
  });

  it("a signed order.created becomes an invoice, once, whatever the redeliveries", async () => {
    const body = JSON.stringify(order);
    expect((await send(body, { deliveryId: "9001" })).status).toBe(200);
    expect((await send(body, { deliveryId: "9001" })).status).toBe(200);
    expect((await send(body, { deliveryId: "9002", topic: "order.updated" })).status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.count({ where: { shopId, status: "RECEIVED" } })) === 0 && (await db.webhookEvent.count({ where: { shopId } })) === 2, 30_000, "processing");
    const invoices = await db.invoice.findMany({ where: { shopId }, include: { documents: true } });
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ channel: "WOOCOMMERCE", channelOrderId: "5127", channelOrderName: "#5127", formattedNumber: "INV-0001" });
    expect(invoices[0]!.taxInclusiveTotal.toFixed(2)).toBe("125.01"); // see vat-cases: shipping split over 21 % and 6 %
    expect([invoices[0]!.status, invoices[0]!.paymentMethod]).toEqual(["PAID", "Bancontact"]); // date_paid: paid at checkout
    await waitFor(async () => (await db.document.count({ where: { invoiceId: invoices[0]!.id } })) === 2, 30_000, "documents");
  });

  it("a pending (unpaid, maybe abandoned) order gets no invoice yet", async () => {
    const body = JSON.stringify({ ...order, id: 5128, number: "5128", status: "pending" });
    expect((await send(body, { deliveryId: "9003" })).status).toBe(200);
    await waitFor(async () => (await db.webhookEvent.findFirst({ where: { shopId, payload: { path: ["id"], equals: 5128 } } }))?.status === "IGNORED", 30_000, "the pending order");
    expect(await db.invoice.count({ where: { shopId, channelOrderId: "5128" } })).toBe(0);
  });

  it("stores two different orders delivered under one Delivery-ID (WooCommerce's id is per webhook and second), and a repeated body once", async () => {
    const [a, b] = [5201, 5202].map((id) => JSON.stringify({ ...order, id, number: String(id) })) as [string, string];
    for (const body of [a, b, a]) expect((await send(body, { deliveryId: "5f1c0ffee5f1c0ffee5f1c0ffee5f1c0" })).status).toBe(200);
    await waitFor(async () => (await db.invoice.count({ where: { shopId, channelOrderId: { in: ["5201", "5202"] } } })) === 2, 30_000, "both invoices");
    expect(await db.webhookEvent.count({ where: { shopId, payload: { path: ["id"], equals: 5201 } } })).toBe(1);
  });

  it("rejects a forged signature (401), an unknown connection (404) and a topic Facto did not register (400), storing nothing", async () => {
    const before = await db.webhookEvent.count();
    expect((await send(JSON.stringify(order), { secret: "wrong", deliveryId: "9100" })).status).toBe(401);
    expect((await sendWooWebhook({ appUrl: stack.appUrl, connectionId: "00000000-0000-4000-8000-000000000000", topic: "order.created", body: "{}", secret })).status).toBe(404);
    expect((await send(JSON.stringify({ id: 1 }), { topic: "coupon.created", deliveryId: "9101" })).status).toBe(400);
    expect(await db.webhookEvent.count()).toBe(before);
  });
});
