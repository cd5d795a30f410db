import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetShopifyBuckets, ShopifyAdminClient } from "~/integrations/shopify/admin-graphql-client.server";
import { startFakeShopify, type FakeShopify } from "../../tests/fakes/fake-shopify";
import { syncShopifyInventory, type StockLevel } from "./sync-shopify-inventory.server";

const shop = "stock.myshopify.com";
let fake: FakeShopify | undefined;
beforeEach(() => resetShopifyBuckets());
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const levels = (n: number, quantity = (i: number) => i % 17): StockLevel[] =>
  Array.from({ length: n }, (_, i) => ({ inventoryItemId: `gid://shopify/InventoryItem/${i + 1}`, locationId: "gid://shopify/Location/1", quantity: quantity(i), changeFromQuantity: null }));

const admin = (url: string) => new ShopifyAdminClient({ shop, accessToken: "t", apiVersion: "2026-10", baseUrl: url });

describe("syncShopifyInventory", () => {
  it("sets 2,000 SKUs in batches of at most 250 within a small budget, never THROTTLED", async () => {
    // 8 mutations of 10 points (Shopify: "Mutation 10") = 80 points through a 25-point bucket restoring 100/s: the client must pace itself.
    fake = await startFakeShopify({ bucketSize: 25, restoreRate: 100 });
    const result = await syncShopifyInventory(admin(fake.url), levels(2000), { syncId: "sync-1" });
    expect(result).toEqual({ updated: 2000, stale: [], calls: 8 });
    expect(fake.state.throttledCount).toBe(0);
    expect(fake.state.requests.filter((r) => r.operation === "inventorySetQuantities").every((r) => r.cost === 10)).toBe(true);
    const inventory = fake.shop(shop).inventory;
    expect(Object.keys(inventory)).toHaveLength(2000);
    expect(inventory["gid://shopify/InventoryItem/18|gid://shopify/Location/1"]).toBe(0); // 17 % 17
  });

  it("10,000 SKUs: 40 calls, every level set, zero THROTTLED (the budget figure is the benchmark's job)", async () => {
    fake = await startFakeShopify({ bucketSize: 2600, restoreRate: 5000 });
    const result = await syncShopifyInventory(admin(fake.url), levels(10_000), { syncId: "sync-10k" });
    expect(result).toEqual({ updated: 10_000, stale: [], calls: 40 });
    expect(fake.state.throttledCount).toBe(0);
    expect(Object.keys(fake.shop(shop).inventory)).toHaveLength(10_000);
  });

  it("a retried sync with the same id applies nothing twice (idempotency keys)", async () => {
    fake = await startFakeShopify();
    await syncShopifyInventory(admin(fake.url), levels(300), { syncId: "sync-2" });
    // Meanwhile the shop sells one unit of item 1.
    fake.shop(shop).inventory["gid://shopify/InventoryItem/1|gid://shopify/Location/1"] = -1;
    await syncShopifyInventory(admin(fake.url), levels(300), { syncId: "sync-2" });
    expect(fake.shop(shop).inventory["gid://shopify/InventoryItem/1|gid://shopify/Location/1"]).toBe(-1);
  });

  it("returns stale levels (compare-and-set) and still applies the others", async () => {
    fake = await startFakeShopify();
    fake.shop(shop).inventory["gid://shopify/InventoryItem/2|gid://shopify/Location/1"] = 5;
    const compare = levels(3).map((l) => ({ ...l, changeFromQuantity: 0 }));
    const result = await syncShopifyInventory(admin(fake.url), compare, { syncId: "sync-3" });
    expect(result.updated).toBe(2);
    expect(result.stale.map((l) => l.inventoryItemId)).toEqual(["gid://shopify/InventoryItem/2"]);
    expect(fake.shop(shop).inventory["gid://shopify/InventoryItem/2|gid://shopify/Location/1"]).toBe(5);
    expect(fake.shop(shop).inventory["gid://shopify/InventoryItem/3|gid://shopify/Location/1"]).toBe(2);
  });
});
