import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "~/errors/app-error";
import { startFakeShopify, type FakeShopify } from "../../../tests/fakes/fake-shopify";
import { resetShopifyBuckets, ShopifyAdminClient } from "./admin-graphql-client.server";

const shop = "client-test.myshopify.com";
const TAG = `mutation T($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }`;
let fake: FakeShopify | undefined;

beforeEach(() => resetShopifyBuckets());
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function client(baseUrl: string, token = "shpat_test") {
  return new ShopifyAdminClient({ shop, accessToken: token, apiVersion: "2026-10", baseUrl, maxRetries: 3, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50) + ms / 10)) });
}

describe("ShopifyAdminClient", () => {
  it("spends the bucket without ever being THROTTLED, waiting for points instead", async () => {
    // A small bucket (30 points, 200/s): 40 mutations of 10 points need ~1.5 s of restore.
    fake = await startFakeShopify({ bucketSize: 30, restoreRate: 200 });
    const admin = new ShopifyAdminClient({ shop, accessToken: "t", apiVersion: "2026-10", baseUrl: fake.url });
    for (let i = 0; i < 40; i++) {
      const { data } = await admin.request<{ tagsAdd: { node: { id: string } } }>(TAG, { id: `gid://shopify/Order/${i}`, tags: ["x"] });
      expect(data.tagsAdd.node.id).toBe(`gid://shopify/Order/${i}`);
    }
    // The first call learns the bucket; afterwards the client waits rather than overdraw.
    expect(fake.state.throttledCount).toBe(0);
    expect(admin.stats.pointsSpent).toBe(400);
    expect(admin.stats.waitedMs).toBeGreaterThan(0);
  });

  it("backs off and retries when THROTTLED (a second process spent the bucket)", async () => {
    fake = await startFakeShopify({ bucketSize: 20, restoreRate: 100 });
    const a = client(fake.url);
    await a.request(TAG, { id: "gid://shopify/Order/1", tags: ["a"] });
    await a.request(TAG, { id: "gid://shopify/Order/2", tags: ["a"] });
    resetShopifyBuckets(); // another process does not know what this one spent
    const b = new ShopifyAdminClient({ shop, accessToken: "t", apiVersion: "2026-10", baseUrl: fake.url });
    const { data } = await b.request<{ tagsAdd: { node: { id: string } } }>(TAG, { id: "gid://shopify/Order/3", tags: ["b"] });
    expect(data.tagsAdd.node.id).toBe("gid://shopify/Order/3");
    expect(b.stats.throttled).toBe(1);
  });

  it("retries 5xx answers with backoff, then succeeds", async () => {
    let calls = 0;
    const server = createServer((_req, res) => {
      calls++;
      if (calls < 3) {
        res.writeHead(502).end("bad gateway");
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ data: { shop: { name: "x" } } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { data } = await client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).request<{ shop: { name: string } }>("{ shop { name } }");
      expect(data.shop.name).toBe("x");
      expect(calls).toBe(3);
    } finally {
      server.close();
    }
  });

  it("gives up on a revoked token with a non-retryable error", async () => {
    fake = await startFakeShopify({ accessTokens: { [shop]: "right" } });
    const error = await client(fake.url, "revoked").request("{ shop { name } }").catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "UPSTREAM_REJECTED", retryable: false });
  });

  it("reports an unreachable Shopify as retryable", async () => {
    const error = await client("http://127.0.0.1:9").request("{ shop { name } }").catch((e) => e);
    expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
  });

  it("turns userErrors into a typed refusal", () => {
    expect(() => ShopifyAdminClient.assertNoUserErrors("tagsAdd", [{ field: ["id"], message: "Resource not found" }])).toThrow("tagsAdd: Resource not found");
    expect(() => ShopifyAdminClient.assertNoUserErrors("tagsAdd", [])).not.toThrow();
  });
});
