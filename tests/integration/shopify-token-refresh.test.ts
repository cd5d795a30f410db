import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { resetShopifyBuckets } from "~/integrations/shopify/admin-graphql-client.server";
import { shopifyAdminForShop } from "~/integrations/shopify/shopify-admin-for-shop.server";
import { EncryptedSessionStorage } from "~/models/session-storage.server";
import { startFakeShopify, type FakeShopify } from "../fakes/fake-shopify";
import { adoptStackEnv } from "../support/stack";

/** Expiring offline tokens: background jobs refresh them (once, under a lock) before calling Shopify. */
const stack = inject("stack");
let db: Db;
let fake: FakeShopify;
const shop = "expiring-token.myshopify.com";

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 4);
  fake = await startFakeShopify({ accessTokens: { [shop]: "never-the-old-token" }, apiKey: "key", apiSecret: "secret" });
});
afterAll(async () => {
  await fake.close();
  await db.$disconnect();
});

async function storeSession(expires: Date, refreshTokenExpires: Date) {
  await new EncryptedSessionStorage(db).storeSession(
    new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_old", expires, refreshToken: "shprt_1", refreshTokenExpires }),
  );
}

describe("expiring offline tokens", () => {
  it("refreshes an expired token once for concurrent jobs, stores the new pair encrypted, and calls Shopify with it", async () => {
    resetShopifyBuckets();
    fake.shop(shop).refreshToken = "shprt_1";
    await storeSession(new Date(Date.now() - 60_000), new Date(Date.now() + 86_400_000));
    const options = { baseUrl: fake.url, apiKey: "key", apiSecret: "secret" };
    const clients = await Promise.all([1, 2, 3].map(() => shopifyAdminForShop(db, shop, options)));
    expect(fake.shop(shop).tokenRefreshes).toBe(1);
    for (const admin of clients) {
      const { data } = await admin.request<{ shop: { myshopifyDomain: string } }>("{ shop { myshopifyDomain } }");
      expect(data.shop.myshopifyDomain).toBe(shop);
    }
    const row = await db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    expect(row.expires!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(row.accessToken).not.toContain("shpat");
    expect(row.refreshToken).not.toContain("shprt");
  });

  it("asks the merchant to open the app again when the refresh token expired too", async () => {
    await storeSession(new Date(Date.now() - 60_000), new Date(Date.now() - 1000));
    await expect(shopifyAdminForShop(db, shop, { baseUrl: fake.url, apiKey: "key", apiSecret: "secret" })).rejects.toMatchObject({ code: "SHOP_NOT_INSTALLED", retryable: false });
  });
});
