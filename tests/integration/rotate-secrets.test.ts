import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { decryptSecret, decryptWithAny, encryptSecret } from "~/utils/encryption.server";
import { createDatabaseIfMissing, dropDatabase, migrateDatabase } from "~/utils/migrate.server";
import { databaseUrlFor, ROOT } from "../support/stack";

/**
 * `npm run secrets:rotate` on a populated database of its own (the running stack keeps its key):
 * every secret — Mollie and Twikey keys, WooCommerce keys and webhook secrets, Shopify access and
 * refresh tokens — is re-encrypted under the new key with the same plaintext; meanwhile the old and
 * the new key both open every value (no downtime); a second run changes nothing; a value no key opens
 * is named and left alone.
 */
const stack = inject("stack");
const OLD = randomBytes(32);
const NEW = randomBytes(32);
const databaseUrl = databaseUrlFor(`facto_rotate_${randomBytes(4).toString("hex")}`);
let db: Db;

const plain = {
  mollie: (i: number) => `live_${"m".repeat(25)}${i}`,
  twikey: (i: number) => `twikey-api-${i}`,
  website: (i: number) => `twikey-site-${i}`,
  ck: (i: number) => `ck_${String(i).padStart(40, "0")}`,
  cs: (i: number) => `cs_${String(i).padStart(40, "1")}`,
  hook: (i: number) => `hook${String(i).padStart(28, "x")}`,
  access: (i: number) => `shpat_${i}${"a".repeat(20)}`,
  refresh: (i: number) => `shprt_${i}${"r".repeat(20)}`,
};

function rotate() {
  const { DATABASE_URL: _db, ENCRYPTION_KEY: _key, ...rest } = stack.processEnv;
  return spawnSync("npm", ["run", "--silent", "secrets:rotate"], {
    cwd: ROOT,
    env: { ...process.env, ...rest, NODE_ENV: "production", DATABASE_URL: databaseUrl, ENCRYPTION_KEY: NEW.toString("hex"), ENCRYPTION_KEY_PREVIOUS: OLD.toString("base64") },
    encoding: "utf8",
    timeout: 60_000,
  });
}

beforeAll(async () => {
  await createDatabaseIfMissing(databaseUrl);
  await migrateDatabase(databaseUrl, { log: () => {} });
  db = createPrisma(databaseUrl, 2);
  for (let i = 0; i < 12; i++) {
    const shop = await db.shop.create({
      data: { platform: i % 2 ? "WOOCOMMERCE" : "SHOPIFY", domain: `rotate-${i}.example`, name: `Shop ${i}`, mollieApiKey: encryptSecret(plain.mollie(i), OLD), twikeyApiKey: i % 3 ? encryptSecret(plain.twikey(i), OLD) : null, twikeyWebsiteKey: i % 3 ? encryptSecret(plain.website(i), OLD) : null },
    });
    if (i % 2) await db.wooConnection.create({ data: { shopId: shop.id, storeUrl: `https://rotate-${i}.example`, consumerKey: encryptSecret(plain.ck(i), OLD), consumerSecret: encryptSecret(plain.cs(i), OLD), webhookSecret: encryptSecret(plain.hook(i), OLD) } });
    else await db.session.create({ data: { id: `offline_rotate-${i}.example`, shop: `rotate-${i}.example`, state: "installed", accessToken: encryptSecret(plain.access(i), OLD), refreshToken: i % 4 ? null : encryptSecret(plain.refresh(i), OLD) } });
  }
  // One shop whose key was already written under the new key by a process running with both keys.
  await db.shop.create({ data: { platform: "SHOPIFY", domain: "rotate-new.example", name: "New", mollieApiKey: encryptSecret(plain.mollie(99), NEW) } });
  // A session without a token (stored as "").
  await db.session.create({ data: { id: "offline_empty.example", shop: "empty.example", state: "installed", accessToken: "" } });
}, 60_000);

afterAll(async () => {
  await db?.$disconnect();
  await dropDatabase(databaseUrl);
});

async function everySecret(): Promise<string[]> {
  const shops = await db.shop.findMany({ select: { mollieApiKey: true, twikeyApiKey: true, twikeyWebsiteKey: true } });
  const woo = await db.wooConnection.findMany({ select: { consumerKey: true, consumerSecret: true, webhookSecret: true } });
  const sessions = await db.session.findMany({ select: { accessToken: true, refreshToken: true } });
  return [...shops.flatMap((s) => [s.mollieApiKey, s.twikeyApiKey, s.twikeyWebsiteKey]), ...woo.flatMap((w) => [w.consumerKey, w.consumerSecret, w.webhookSecret]), ...sessions.flatMap((s) => [s.accessToken, s.refreshToken])].filter((v): v is string => Boolean(v));
}

describe("npm run secrets:rotate", () => {
  it("re-encrypts every secret under the new key, same plaintext; both keys open everything meanwhile; a second run changes nothing", async () => {
    const before = await everySecret();
    expect(before.length).toBe(12 + 8 * 2 + 6 * 3 + 6 + 3 + 1);
    const plaintexts = before.map((v) => decryptWithAny(v, [NEW, OLD]).plaintext); // what a process with both keys reads
    expect(before.filter((v) => decryptWithAny(v, [NEW, OLD]).keyIndex === 1)).toHaveLength(before.length - 1);

    const run = rotate();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${before.length - 1} secret(s) re-encrypted under the new key, 1 already under it, 0 failed`);

    const after = await everySecret();
    expect(after.map((v) => decryptSecret(v, NEW)).sort()).toEqual([...plaintexts].sort());
    for (const v of after) expect(() => decryptSecret(v, OLD)).toThrow();
    const shop3 = await db.shop.findUniqueOrThrow({ where: { platform_domain: { platform: "WOOCOMMERCE", domain: "rotate-3.example" } }, include: { wooConnection: true } });
    expect(decryptSecret(shop3.wooConnection!.consumerSecret, NEW)).toBe(plain.cs(3));
    expect(decryptSecret(shop3.mollieApiKey!, NEW)).toBe(plain.mollie(3));
    expect((await db.session.findUniqueOrThrow({ where: { id: "offline_empty.example" } })).accessToken).toBe("");

    const again = rotate();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`0 secret(s) re-encrypted under the new key, ${before.length} already under it, 0 failed`);
  }, 120_000);

  it("names a secret no key opens, leaves it as it is and fails", async () => {
    const lost = encryptSecret("from-a-forgotten-key", randomBytes(32));
    const shop = await db.shop.create({ data: { platform: "SHOPIFY", domain: "rotate-lost.example", name: "Lost", mollieApiKey: lost } });
    const run = rotate();
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`Shop.mollieApiKey ${shop.id}: no key opens it`);
    expect((await db.shop.findUniqueOrThrow({ where: { id: shop.id } })).mollieApiKey).toBe(lost);
  }, 120_000);
});
