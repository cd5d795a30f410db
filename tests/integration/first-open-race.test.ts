import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { ensureShopifyShop } from "~/models/retry-on-unique-conflict.server";
import { EncryptedSessionStorage } from "~/models/session-storage.server";
import { adminIdToken, embeddedQuery } from "../support/shopify-admin-token";
import { adoptStackEnv } from "../support/stack";

/**
 * A shop's first open of the embedded admin runs several loaders at once, each exchanging the
 * id_token for a session and making the shop's row. Prisma 7's upsert is a read then a write, so
 * those writes race on their unique keys (P2002): every one must still answer.
 */
const stack = inject("stack");
const SHOP = "first-open-race.myshopify.com";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
let db: Db;

beforeAll(() => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 6);
});
afterAll(async () => db?.$disconnect());

describe("a shop's first open, with its loaders in parallel", () => {
  it("stores one session and one shop row however many requests race, and answers every request", async () => {
    const token = adminIdToken({ shop: SHOP, apiKey: stack.shopifyApiKey, apiSecret: stack.shopifyApiSecret });
    const answers = await Promise.all(Array.from({ length: 4 }, () => fetch(`${stack.appUrl}/app?${embeddedQuery(SHOP, token)}`, { headers: { "User-Agent": BROWSER_UA } })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await db.shop.count({ where: { domain: SHOP } })).toBe(1);
  }, 60_000);

  it("the session storage and the shop row survive a unique-key race on their own (10 rounds of 5 at once)", async () => {
    const storage = new EncryptedSessionStorage(db);
    const session = new Session({ id: "offline_race-2.myshopify.com", shop: "race-2.myshopify.com", state: "s", isOnline: false, accessToken: "shpat_race" });
    await Promise.all(Array.from({ length: 5 }, () => storage.storeSession(session)));
    expect(await db.session.count({ where: { id: session.id } })).toBe(1);
    for (let round = 0; round < 10; round++) {
      const domain = `race-3-${round}.myshopify.com`;
      await Promise.all(Array.from({ length: 5 }, () => ensureShopifyShop(db, domain)));
      expect(await db.shop.count({ where: { domain } })).toBe(1);
    }
  });
});
