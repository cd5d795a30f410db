import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import type { ChannelOrder } from "~/domain/invoice/types";
import { isValidStructuredCommunication } from "~/domain/payment-reference/structured-communication";
import { configureSeries } from "~/services/configure-series.server";
import { issueInvoice } from "~/services/issue-invoice.server";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv } from "../support/stack";

/** Numbering as merchants set it up: a chosen start, a format with the year, a yearly restart. */
const stack = inject("stack");
let db: Db;

const order = (id: string): ChannelOrder => ({
  channel: "SHOPIFY",
  orderId: id,
  orderName: `#${id}`,
  createdAt: "2026-12-31T10:00:00+01:00",
  currency: "EUR",
  pricesIncludeVat: true,
  taxExempt: false,
  customer: { externalId: "c1", name: "Klant", countryCode: "BE" },
  shippingAddress: { countryCode: "BE" },
  lines: [{ kind: "GOODS", description: "Kaars", quantity: "1", unitPrice: "12.10", discount: "0", channelVatRate: "21" }],
  channelTotals: { total: "12.10", tax: "2.10" },
});

beforeAll(() => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 3);
});
afterAll(async () => db.$disconnect());

describe("invoice series", () => {
  it("continues after the merchant's last number and restarts at 1 in a new year", async () => {
    const { shopId } = await seedShopifyShop(db, { domain: "numbering.myshopify.com" });
    await configureSeries(db, shopId, "INVOICE", { prefix: "F", padding: 3, format: "{prefix}{year}-{number}", yearlyReset: true, lastIssuedNumber: 115 }, new Date("2026-12-01T10:00:00Z"));

    const a = await issueInvoice(db, { shopId, order: order("1"), now: new Date("2026-12-31T12:00:00Z") });
    const b = await issueInvoice(db, { shopId, order: order("2"), now: new Date("2026-12-31T22:30:00Z") }); // 23:30 in Brussels: still 2026
    const c = await issueInvoice(db, { shopId, order: order("3"), now: new Date("2026-12-31T23:30:00Z") }); // 00:30 on 1 January in Brussels
    const d = await issueInvoice(db, { shopId, order: order("4"), now: new Date("2027-01-02T09:00:00Z") });
    expect([a, b, c, d].map((r) => r.formattedNumber)).toEqual(["F2026-116", "F2026-117", "F2027-001", "F2027-002"]);

    const rows = await db.invoice.findMany({ where: { shopId }, orderBy: { createdAt: "asc" }, select: { number: true, numberYear: true, paymentReference: true } });
    expect(rows.map((r) => [r.numberYear, r.number])).toEqual([[2026, 116], [2026, 117], [2027, 1], [2027, 2]]);
    // Structured communications stay unique across the restart (the year is part of them).
    const refs = rows.map((r) => r.paymentReference!);
    expect(new Set(refs).size).toBe(4);
    expect(refs.every(isValidStructuredCommunication)).toBe(true);
  });

  it("refuses a start that would repeat a number already issued", async () => {
    const { shopId } = await seedShopifyShop(db, { domain: "numbering.myshopify.com" });
    await expect(
      configureSeries(db, shopId, "INVOICE", { prefix: "F", padding: 3, format: "{prefix}{year}-{number}", yearlyReset: true, lastIssuedNumber: 1 }, new Date("2027-01-05T10:00:00Z")),
    ).rejects.toThrow("already issued number 2");
    await expect(configureSeries(db, shopId, "INVOICE", { prefix: "F", padding: 3, format: "{prefix}", yearlyReset: false }, new Date())).rejects.toThrow("no {number}");
  });

  it("a plain series keeps counting across years", async () => {
    const { shopId } = await seedShopifyShop(db, { domain: "numbering-plain.myshopify.com" });
    await configureSeries(db, shopId, "INVOICE", { prefix: "", padding: 0, format: "{prefix}{number}", yearlyReset: false, lastIssuedNumber: 41 }, new Date("2026-12-01T10:00:00Z"));
    const a = await issueInvoice(db, { shopId, order: order("1"), now: new Date("2026-12-31T12:00:00Z") });
    const b = await issueInvoice(db, { shopId, order: order("2"), now: new Date("2027-01-02T12:00:00Z") });
    expect([a.formattedNumber, b.formattedNumber]).toEqual(["42", "43"]);
  });
});
