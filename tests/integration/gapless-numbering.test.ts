import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import type { ChannelOrder } from "~/domain/invoice/types";
import { issueInvoice } from "~/services/issue-invoice.server";
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
