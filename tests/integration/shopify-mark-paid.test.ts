import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { mapShopifyOrder } from "~/integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "~/integrations/shopify/order-payload";
import { issueInvoice } from "~/services/issue-invoice.server";
import { markShopifyOrderPaid } from "~/services/mark-shopify-order-paid.server";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT } from "../support/stack";

/** The write-back a recorded payment triggers: orderMarkAsPaid on the (fake) Shopify order, once. */
const stack = inject("stack");
let db: Db;
beforeAll(() => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
});
afterAll(async () => db.$disconnect());

describe("markShopifyOrderPaid", () => {
  it("marks the order paid in Shopify and treats a second call as already paid", async () => {
    const shop = "mark-paid.myshopify.com";
    const { shopId } = await seedShopifyShop(db, { domain: shop });
    const raw = { ...JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-450789469.json"), "utf8")), id: 6660001, admin_graphql_api_id: "gid://shopify/Order/6660001" };
    const { invoiceId } = await issueInvoice(db, { shopId, order: mapShopifyOrder(ShopifyOrderPayload.parse(raw)), now: new Date() });
    expect(await markShopifyOrderPaid(db, invoiceId)).toBe("marked");
    expect(await markShopifyOrderPaid(db, invoiceId)).toBe("already-paid");
    const state = await (await fetch(`${stack.fakeShopifyUrl}/_state/${shop}`)).json();
    expect(state.paidOrders).toEqual(["gid://shopify/Order/6660001"]);
  });
});
