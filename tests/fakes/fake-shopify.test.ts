import { afterEach, describe, expect, it } from "vitest";
import { rootFields, startFakeShopify, type FakeShopify } from "./fake-shopify";
import { signShopifyWebhook } from "./send-webhook";

let fake: FakeShopify | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const shop = "fake-test.myshopify.com";
async function gql(query: string, variables: Record<string, unknown> = {}, token = "shpat_x") {
  const res = await fetch(`${fake!.url}/${shop}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("fake Shopify Admin GraphQL", () => {
  it("answers with Shopify's cost extension and leaky bucket", async () => {
    fake = await startFakeShopify({ bucketSize: 100, restoreRate: 50 });
    const { status, body } = await gql("{ shop { name currencyCode } }");
    expect(status).toBe(200);
    expect(body.data.shop.currencyCode).toBe("EUR");
    expect(body.extensions.cost).toEqual({
      requestedQueryCost: 1,
      actualQueryCost: 1,
      throttleStatus: { maximumAvailable: 100, currentlyAvailable: 99, restoreRate: 50 },
    });
  });

  it("rejects a bad token with 401 like Shopify", async () => {
    fake = await startFakeShopify({ accessTokens: { [shop]: "right" } });
    const { status, body } = await gql("{ shop { name } }", {}, "wrong");
    expect(status).toBe(401);
    expect(body.errors).toContain("Invalid API key or access token");
  });

  it("throttles when the bucket cannot afford the query, and recovers at the restore rate", async () => {
    fake = await startFakeShopify({ bucketSize: 25, restoreRate: 100 });
    const mutation = `mutation T($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }`;
    const vars = { id: "gid://shopify/Order/1", tags: ["a"] };
    expect((await gql(mutation, vars)).body.data.tagsAdd.userErrors).toEqual([]);
    expect((await gql(mutation, vars)).body.data).toBeDefined();
    const throttled = await gql(mutation, vars);
    expect(throttled.body.errors[0].extensions.code).toBe("THROTTLED");
    expect(throttled.body.extensions.cost.actualQueryCost).toBeNull();
    expect(fake.state.throttledCount).toBe(1);
    await new Promise((r) => setTimeout(r, 120)); // 100 points/s: 10 points back in 100 ms
    expect((await gql(mutation, vars)).body.data.tagsAdd.node.id).toBe("gid://shopify/Order/1");
  });

  it("records tags, payments and metafields per shop", async () => {
    fake = await startFakeShopify();
    await gql(`mutation T($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { message } } }`, { id: "gid://shopify/Order/7", tags: ["Facto INV-0001"] });
    await gql(`mutation M($input: OrderMarkAsPaidInput!) { orderMarkAsPaid(input: $input) { order { id } userErrors { message } } }`, { input: { id: "gid://shopify/Order/7" } });
    const again = await gql(`mutation M($input: OrderMarkAsPaidInput!) { orderMarkAsPaid(input: $input) { order { id } userErrors { message } } }`, { input: { id: "gid://shopify/Order/7" } });
    expect(again.body.data.orderMarkAsPaid.userErrors[0].message).toContain("cannot be marked as paid");
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ ownerId: "gid://shopify/Order/7", namespace: "facto", key: `k${i}`, type: "single_line_text_field", value: "v" }));
    expect((await gql(`mutation S($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { userErrors { code } } }`, { metafields: tooMany })).body.data.metafieldsSet.userErrors[0].code).toBe("LESS_THAN_OR_EQUAL_TO");
    await gql(`mutation S($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { userErrors { code } } }`, { metafields: tooMany.slice(0, 2) });
    const state = await (await fetch(`${fake.url}/_state/${shop}`)).json();
    expect(state).toMatchObject({
      tags: { "gid://shopify/Order/7": ["Facto INV-0001"] },
      paidOrders: ["gid://shopify/Order/7"],
      metafields: { "gid://shopify/Order/7": { "facto.k0": { value: "v" }, "facto.k1": { value: "v" } } },
    });
  });

  it("answers unknown root fields with a GraphQL error", async () => {
    fake = await startFakeShopify();
    const { body } = await gql("{ products(first: 5) { nodes { id } } }");
    expect(body.errors[0].message).toBe("Field 'products' doesn't exist on type 'QueryRoot'");
  });

  it("charges connection sizes", async () => {
    fake = await startFakeShopify();
    fake.addOrder(shop, { id: 1, name: "#1" });
    const { body } = await gql("query O($n: Int!) { orders(first: $n) { nodes { id name } pageInfo { hasNextPage } } }", { n: 50 });
    expect(body.extensions.cost.requestedQueryCost).toBe(51);
    expect(body.data.orders.nodes).toEqual([expect.objectContaining({ id: "gid://shopify/Order/1", name: "#1" })]);
  });
});

describe("rootFields", () => {
  it("finds top-level selections, skipping arguments and nested fields", () => {
    expect(rootFields(`mutation X($a: ID!) { tagsAdd(id: $a, tags: ["x { y }"]) { node { id } } metafieldsSet(metafields: []) { userErrors { code } } }`)).toEqual(["tagsAdd", "metafieldsSet"]);
  });
});

describe("signShopifyWebhook", () => {
  it("matches a known HMAC-SHA256 vector", () => {
    // echo -n '{"id":1}' | openssl dgst -sha256 -hmac secret -binary | base64
    expect(signShopifyWebhook('{"id":1}', "secret")).toBe("A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=");
  });
});

describe("fake inventorySetQuantities (API 2026-04 rules)", () => {
  const mutation = (directive = '@idempotent(key: $key)') =>
    `mutation S($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) ${directive} { inventoryAdjustmentGroup { id } userErrors { field message code } } }`;
  const q = (n: number, extra: Record<string, unknown> = { changeFromQuantity: null }) =>
    Array.from({ length: n }, (_, i) => ({ inventoryItemId: `gid://shopify/InventoryItem/${i}`, locationId: "gid://shopify/Location/1", quantity: 3, ...extra }));

  it("requires the @idempotent directive and changeFromQuantity, caps quantities at 250, charges per element", async () => {
    fake = await startFakeShopify();
    expect((await gql(mutation(""), { input: { quantities: q(1) }, key: "k0" })).body.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_REQUIRED");
    expect((await gql(mutation(), { input: { quantities: q(1, {}) }, key: "k1" })).body.data.inventorySetQuantities.userErrors[0].code).toBe("INVALID_INPUT");
    const tooMany = await gql(mutation(), { input: { quantities: q(251) }, key: "k2" });
    expect(tooMany.body.data.inventorySetQuantities.userErrors[0].message).toContain("250");
    const ok = await gql(mutation(), { input: { quantities: q(250) }, key: "k3" });
    expect(ok.body.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(ok.body.extensions.cost.requestedQueryCost).toBe(260);
  });
});
