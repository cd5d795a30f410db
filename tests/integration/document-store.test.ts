import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createPrisma, pgPoolOf, type Db } from "~/db.server";
import type { ChannelOrder } from "~/domain/invoice/types";
import { issueInvoice } from "~/services/issue-invoice.server";
import { ensureInvoiceDocuments } from "~/services/render-invoice-documents.server";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv } from "../support/stack";

/**
 * The documents are written with one raw INSERT on the pg pool under Prisma (decision 028): the same
 * rows Prisma wrote — UTC creation time, sha256 and size of the bytes — once per invoice and format,
 * and after a crash between the two the UBL embeds the very PDF that was stored.
 */
const stack = inject("stack");
let db: Db;

const order = (id: string): ChannelOrder => ({
  channel: "SHOPIFY",
  orderId: id,
  orderName: `#${id}`,
  createdAt: "2026-11-23T10:00:00Z",
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
afterAll(async () => {
  await db.$disconnect();
});

describe("storing an invoice's documents", () => {
  it("writes PDF and UBL once, with their sha256, size and a UTC creation time", async () => {
    expect(pgPoolOf(db)).not.toBeNull();
    const { shopId } = await seedShopifyShop(db, { domain: "document-store.myshopify.com" });
    const { invoiceId } = await issueInvoice(db, { shopId, order: order("7001"), now: new Date() });
    const before = Date.now();
    expect(await ensureInvoiceDocuments(db, invoiceId)).toEqual({ rendered: ["PDF", "UBL"] });
    expect(await ensureInvoiceDocuments(db, invoiceId)).toEqual({ rendered: [] });
    const docs = await db.document.findMany({ where: { invoiceId }, orderBy: { format: "asc" } });
    expect(docs.map((d) => d.format)).toEqual(["PDF", "UBL"]);
    for (const d of docs) {
      expect(d.shopId).toBe(shopId);
      expect(d.byteSize).toBe(d.content.length);
      expect(d.sha256).toBe(createHash("sha256").update(d.content).digest("hex"));
      // Prisma reads the timestamp as UTC: it must be now, not now shifted by the server's time zone.
      expect(Math.abs(d.createdAt.getTime() - before)).toBeLessThan(60_000);
    }
    expect(Buffer.from(docs[0]!.content).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("after a crash between the two, renders only the UBL, embedding the PDF that was stored", async () => {
    const { shopId } = await seedShopifyShop(db, { domain: "document-store.myshopify.com" });
    const { invoiceId } = await issueInvoice(db, { shopId, order: order("7002"), now: new Date() });
    await ensureInvoiceDocuments(db, invoiceId);
    const pdf = await db.document.findUniqueOrThrow({ where: { invoiceId_format: { invoiceId, format: "PDF" } } });
    await db.document.delete({ where: { invoiceId_format: { invoiceId, format: "UBL" } } });
    expect(await ensureInvoiceDocuments(db, invoiceId)).toEqual({ rendered: ["UBL"] });
    const ubl = await db.document.findUniqueOrThrow({ where: { invoiceId_format: { invoiceId, format: "UBL" } } });
    expect(Buffer.from(ubl.content).toString("utf8")).toContain(Buffer.from(pdf.content).toString("base64"));
    expect((await db.document.findUniqueOrThrow({ where: { invoiceId_format: { invoiceId, format: "PDF" } } })).sha256).toBe(pdf.sha256);
  });
});
