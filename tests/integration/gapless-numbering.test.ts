import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import type { ChannelOrder } from "~/domain/invoice/types";
import { issueInvoice } from "~/services/issue-invoice.server";
import { buildInvoiceDraft } from "~/domain/invoice/build-invoice-draft";
import { sampleSellerSettings } from "~/domain/pdf/sample-invoice";
import { insertBatch, issueInBatch } from "~/models/issue-batch.server";
import { randomUUID } from "node:crypto";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv } from "../support/stack";

/**
 * Numbers are taken inside the transaction that inserts the invoice: 200 orders issued at once
 * from several connection pools (as several workers would) must get exactly 1..200, and issuing the
 * same orders again must create nothing.
 */
const stack = inject("stack");
const clients: Db[] = [];

function order(n: number): ChannelOrder {
  return {
    channel: "SHOPIFY",
    orderId: String(900000 + n),
    orderName: `#${5000 + n}`,
    createdAt: "2026-11-23T10:00:00Z",
    currency: "EUR",
    pricesIncludeVat: true,
    taxExempt: false,
    customer: { externalId: String(n % 17), name: `Klant ${n % 17}`, countryCode: "BE" },
    shippingAddress: { countryCode: "BE" },
    lines: [{ kind: "GOODS", description: "Kaars", quantity: "1", unitPrice: "12.10", discount: "0", channelVatRate: "21" }],
    channelTotals: { total: "12.10", tax: "2.10" },
  };
}

beforeAll(() => {
  adoptStackEnv(stack);
  for (let i = 0; i < 4; i++) clients.push(createPrisma(stack.databaseUrl, 5));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect()));
});

describe("gapless numbering under concurrency", () => {
  it("issues 1..200 with no gap and no duplicate, and never twice per order", async () => {
    const { shopId } = await seedShopifyShop(clients[0]!, { domain: "concurrent-numbers.myshopify.com" });
    const now = new Date("2026-11-23T10:00:00Z");
    const issue = (n: number) => issueInvoice(clients[n % clients.length]!, { shopId, order: order(n), now });

    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => issue(i + 1)));
    expect(results.every((r) => r.created)).toBe(true);

    // Every order again, concurrently, plus duplicates of the same order in flight together.
    const again = await Promise.all([...Array.from({ length: 200 }, (_, i) => issue(i + 1)), issue(7), issue(7), issue(7)]);
    expect(again.some((r) => r.created)).toBe(false);

    const numbers = (await clients[0]!.invoice.findMany({ where: { shopId }, select: { number: true }, orderBy: { number: "asc" } })).map((r) => r.number);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const series = await clients[0]!.invoiceSeries.findFirstOrThrow({ where: { shopId } });
    expect(series.nextNumber).toBe(201);
  });
});

/**
 * Group commit (decision 028): invoices ready at the same moment share one numbering transaction.
 * The batch must keep every invariant of the one-by-one path.
 */
describe("issuing in batches", () => {
  it("numbers a batch consecutively and makes one invoice of an order requested several times in it", async () => {
    const { shopId } = await seedShopifyShop(clients[0]!, { domain: "batch-duplicates.myshopify.com" });
    const now = new Date("2026-11-23T10:00:00Z");
    const db = clients[0]!; // one client: these all queue on the same in-process batch
    const requests = [...Array.from({ length: 40 }, (_, i) => i + 1), 3, 3, 3, 17, 40, 1];
    const results = await Promise.all(requests.map((n) => issueInvoice(db, { shopId, order: order(n), now })));
    // Each order created exactly once; every repeated request got that same invoice.
    const byOrder = new Map<number, typeof results>();
    requests.forEach((n, i) => byOrder.set(n, [...(byOrder.get(n) ?? []), results[i]!]));
    for (const [, rs] of byOrder) {
      expect(rs.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(rs.map((r) => r.invoiceId)).size).toBe(1);
    }
    const rows = await db.invoice.findMany({ where: { shopId }, select: { number: true, formattedNumber: true, paymentReference: true, _count: { select: { lines: true, vatSubtotals: true } } }, orderBy: { number: "asc" } });
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(rows.map((r) => r.formattedNumber)).toEqual(Array.from({ length: 40 }, (_, i) => `INV-${String(i + 1).padStart(4, "0")}`));
    expect(new Set(rows.map((r) => r.paymentReference)).size).toBe(40);
    expect(rows.every((r) => r._count.lines === 1 && r._count.vatSubtotals === 1)).toBe(true);
    expect((await db.invoiceSeries.findFirstOrThrow({ where: { shopId } })).nextNumber).toBe(41);
  });

  it("takes N numbers in one transaction, and a failing invoice neither fails its neighbours nor leaves a gap", async () => {
    const { shopId } = await seedShopifyShop(clients[0]!, { domain: "batch-failure.myshopify.com" });
    const db = clients[1]!;
    const request = (n: number, customerId: string | null = null) => ({
      shopId,
      draft: buildInvoiceDraft(order(n), sampleSellerSettings(), { issueDate: "2026-11-23" }),
      series: "INVOICE" as const,
      customerId,
      originalInvoiceId: null,
      viesConsultationNumber: null,
      pricesIncludeVat: true,
      channelTotals: null,
    });
    // One transaction, five invoices: 1..5.
    const direct = await insertBatch(db, [1, 2, 3, 4, 5].map((n) => request(n)));
    expect(direct.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
    // A batch with an invoice that violates a foreign key (a customer that does not exist): the whole
    // transaction rolls back, then each is issued on its own — the bad one fails alone, no number is lost.
    const settled = await Promise.allSettled([6, 7, 8, 9].map((n) => issueInBatch(db, request(n, n === 7 ? randomUUID() : null))));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    const numbers = (await db.invoice.findMany({ where: { shopId }, select: { number: true }, orderBy: { number: "asc" } })).map((r) => r.number);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // An order that was invoiced meanwhile (its redelivery raced past the caller's check): the batch
    // fails on the unique key, the others are issued one by one, nothing is numbered twice.
    const raced = await Promise.allSettled([10, 1, 11].map((n) => issueInBatch(db, request(n))));
    expect(raced.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    // Through the service, that redelivery is simply "already issued".
    const again = await Promise.all([1, 6, 9].map((n) => issueInvoice(db, { shopId, order: order(n), now: new Date("2026-11-23T10:00:00Z") })));
    expect(again.map((r) => r.created)).toEqual([false, false, false]);
    const after = (await db.invoice.findMany({ where: { shopId }, select: { number: true }, orderBy: { number: "asc" } })).map((r) => r.number);
    expect(after).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await db.invoiceSeries.findFirstOrThrow({ where: { shopId } })).nextNumber).toBe(11);
  });

  it("upserts the buyers of a batch in one statement: one row per customer, the newer order's address, a VIES check kept when the next order brings none", async () => {
    const { shopId } = await seedShopifyShop(clients[0]!, { domain: "batch-customers.myshopify.com" });
    const db = clients[3]!;
    const now = new Date("2026-11-23T10:00:00Z");
    const business = (n: number, street: string, vatNumber: string | null): ChannelOrder => ({
      ...order(n),
      customer: { externalId: "atelier-nl", name: "Atelier Noord", companyName: "Atelier Noord BV", vatNumber, street, city: "Utrecht", postalCode: "3511", countryCode: "NL", email: "inkoop@atelier-noord.example" },
      shippingAddress: { countryCode: "NL" },
    });
    const checkVat = async () => ({ valid: true, consultationNumber: "WAPIAAAAY1234567" });
    const first = await issueInvoice(db, { shopId, order: business(301, "Oudegracht 1", "NL123456789B01"), now, checkVat });
    expect(first.fresh?.customerEmail).toBe("inkoop@atelier-noord.example");
    // Three orders of the same buyer at once share a batch (one client): one customer row for all.
    const batch = await Promise.all([302, 303, 304].map((n) => issueInvoice(db, { shopId, order: business(n, "Oudegracht 2", null), now })));
    expect(batch.every((r) => r.created)).toBe(true);
    const customers = await db.customer.findMany({ where: { shopId } });
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ externalId: "atelier-nl", channel: "SHOPIFY", street: "Oudegracht 2", vatNumber: null, vatValid: true, viesConsultationNumber: "WAPIAAAAY1234567", email: "inkoop@atelier-noord.example" });
    expect(customers[0]!.vatCheckedAt?.toISOString()).toBe(now.toISOString());
    expect(customers[0]!.updatedAt.getTime()).toBeGreaterThanOrEqual(customers[0]!.createdAt.getTime());
    const invoices = await db.invoice.findMany({ where: { shopId }, select: { customerId: true } });
    expect(invoices.map((i) => i.customerId)).toEqual([customers[0]!.id, customers[0]!.id, customers[0]!.id, customers[0]!.id]);
  });

  it("restarts a yearly series at 1 also when the first numbers of the year are taken together", async () => {
    const { configureSeries } = await import("~/services/configure-series.server");
    const { shopId } = await seedShopifyShop(clients[0]!, { domain: "batch-yearly.myshopify.com" });
    const db = clients[2]!;
    await configureSeries(db, shopId, "INVOICE", { prefix: "F", padding: 3, format: "{prefix}{year}-{number}", yearlyReset: true, lastIssuedNumber: 7 }, new Date("2026-12-01T10:00:00Z"));
    const in2026 = await Promise.all([1, 2, 3].map((n) => issueInvoice(db, { shopId, order: order(n), now: new Date("2026-12-30T10:00:00Z") })));
    const in2027 = await Promise.all([4, 5, 6].map((n) => issueInvoice(db, { shopId, order: order(n), now: new Date("2027-01-04T10:00:00Z") })));
    expect(in2026.map((r) => r.formattedNumber).sort()).toEqual(["F2026-008", "F2026-009", "F2026-010"]);
    expect(in2027.map((r) => r.formattedNumber).sort()).toEqual(["F2027-001", "F2027-002", "F2027-003"]);
  });
});
