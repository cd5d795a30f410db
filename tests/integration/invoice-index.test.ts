import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { searchInvoices } from "~/models/invoice.server";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv } from "../support/stack";

/**
 * The merchant's invoice list at 100,000 invoices: the queries behind the list (newest first, by
 * status, next page) are index scans, and the search, filters and keyset pagination return the
 * right rows.
 */
const stack = inject("stack");
let db: Db;
let shopId: string;
const N = 100_000;

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  ({ shopId } = await seedShopifyShop(db, { domain: "index-100k.myshopify.com" }));
  // Bulk rows only: no e-mails or reminders for them from the test stack's worker.
  await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "NONE", remindersEnabled: false } });
  const seriesId = randomUUID();
  await db.$executeRaw`INSERT INTO "InvoiceSeries" ("id", "shopId", "code", "kind", "prefix", "padding", "nextNumber", "updatedAt") VALUES (${seriesId}::uuid, ${shopId}::uuid, 'BULK', 'INVOICE', 'B-', 6, ${N + 1}, now())`;
  // 100,000 invoices in one statement: a quarter paid, some credited, spread over two years.
  await db.$executeRaw`
    INSERT INTO "Invoice" ("id", "shopId", "seriesId", "number", "formattedNumber", "kind", "channel", "sourceId", "channelOrderId", "channelOrderName",
      "issueDate", "dueDate", "currency", "language", "vatRegime", "vatReason", "lineNetTotal", "allowanceTotal", "chargeTotal", "taxExclusiveTotal",
      "vatTotal", "taxInclusiveTotal", "amountDue", "status", "seller", "buyer", "createdAt")
    SELECT gen_random_uuid(), ${shopId}::uuid, ${seriesId}::uuid, n, 'B-' || lpad(n::text, 6, '0'), 'INVOICE', 'SHOPIFY', 'bulk-' || n, 'bulk-' || n, '#' || (100000 + n),
      date '2025-01-01' + (n % 700), date '2025-01-15' + (n % 700), 'EUR', 'nl', 'DOMESTIC', 'bulk', 100, 0, 0, 100, 21, 121,
      CASE WHEN n % 4 = 0 THEN 0 ELSE 121 END,
      (CASE WHEN n % 4 = 0 THEN 'PAID' WHEN n % 97 = 0 THEN 'CREDITED' ELSE 'ISSUED' END)::"InvoiceStatus",
      '{}'::jsonb, jsonb_build_object('name', 'Customer ' || n), timestamp '2025-01-01' + n * interval '10 minutes'
    FROM generate_series(1, ${N}) AS n`;
  await db.$executeRawUnsafe(`ANALYZE "Invoice"`);
}, 120_000);

afterAll(async () => db?.$disconnect());

async function plan(sql: string, ...params: unknown[]): Promise<string> {
  const rows = await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`, ...params);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

describe("the invoice index at 100,000 invoices", () => {
  it("lists newest first, by status and page after page through indexes, never a sequential scan", async () => {
    const columns = `"id", "formattedNumber", "status", "taxInclusiveTotal", "createdAt"`;
    const newest = await plan(`SELECT ${columns} FROM "Invoice" WHERE "shopId" = $1::uuid ORDER BY "createdAt" DESC, "id" DESC LIMIT 51`, shopId);
    const byStatus = await plan(`SELECT ${columns} FROM "Invoice" WHERE "shopId" = $1::uuid AND "status" = 'ISSUED'::"InvoiceStatus" ORDER BY "createdAt" DESC, "id" DESC LIMIT 51`, shopId);
    const nextPage = await plan(
      `SELECT ${columns} FROM "Invoice" WHERE "shopId" = $1::uuid AND ("createdAt" < $2 OR ("createdAt" = $2 AND "id" < $3::uuid)) ORDER BY "createdAt" DESC, "id" DESC LIMIT 51`,
      shopId,
      new Date("2026-06-01T00:00:00Z"),
      randomUUID(),
    );
    for (const p of [newest, byStatus, nextPage]) {
      expect(p).toMatch(/Index (Only )?Scan/);
      expect(p).not.toMatch(/Seq Scan on "Invoice"/);
    }
    expect(newest).toContain("Invoice_shopId_createdAt_id_idx");
    expect(byStatus).toMatch(/Invoice_shopId_status_createdAt_idx|Invoice_shopId_createdAt_id_idx/);
  });

  it("pages with a cursor, filters by status and period, and finds an invoice by number or order", async () => {
    const first = await searchInvoices(db, shopId, { take: 50 });
    expect(first.invoices).toHaveLength(50);
    expect(first.invoices[0]!.formattedNumber).toBe("B-100000");
    const second = await searchInvoices(db, shopId, { take: 50, cursor: first.nextCursor });
    expect(second.invoices[0]!.formattedNumber).toBe("B-099950");
    expect(new Set([...first.invoices, ...second.invoices].map((i) => i.id)).size).toBe(100);

    const paid = await searchInvoices(db, shopId, { status: "PAID", take: 10 });
    expect(paid.invoices.every((i) => i.status === "PAID")).toBe(true);
    const period = await searchInvoices(db, shopId, { from: "2025-03-01", to: "2025-03-01", take: 200 });
    expect(period.invoices.length).toBeGreaterThan(0);
    expect(period.invoices.every((i) => i.issueDate.toISOString().startsWith("2025-03-01"))).toBe(true);
    expect((await searchInvoices(db, shopId, { q: "b-004242" })).invoices.map((i) => i.formattedNumber)).toEqual(["B-004242"]);
    expect((await searchInvoices(db, shopId, { q: "#104242" })).invoices.map((i) => i.formattedNumber)).toEqual(["B-004242"]);
    const overdue = await searchInvoices(db, shopId, { status: "OVERDUE", take: 5 });
    expect(overdue.invoices.every((i) => i.status === "ISSUED" && i.dueDate! < new Date())).toBe(true);
  });
});
