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

  it("refuses documents that do not validate against Shopify's Admin schema, and variables of the wrong type", async () => {
    fake = await startFakeShopify();
    const unknown = await gql("{ notAField }");
    expect(unknown.status).toBe(200);
    expect(unknown.body.errors[0]).toMatchObject({ message: 'Cannot query field "notAField" on type "QueryRoot".', extensions: { code: "undefinedField" } });
    expect(unknown.body.data).toBeUndefined();
    // Customer.email is deprecated but still valid; a field of another type is not.
    expect((await gql("{ orders(first: 1) { nodes { id firstName } } }")).body.errors[0].message).toContain('Cannot query field "firstName" on type "Order"');
    const badVariable = await gql("query O($n: Int!) { orders(first: $n) { nodes { id } } }", { n: "fifty" });
    expect(badVariable.body.errors[0].extensions.code).toBe("INVALID_VARIABLE");
    expect(fake.state.requests).toEqual([]); // nothing executed, nothing charged
  });

  it("says so when a valid root field is one the fake does not implement", async () => {
    fake = await startFakeShopify();
    const { body } = await gql("{ products(first: 5) { nodes { id } } }");
    expect(body.errors[0]).toMatchObject({ message: "The fake Shopify does not implement QueryRoot.products", extensions: { code: "FAKE_NOT_IMPLEMENTED" } });
  });

  it("charges connection sizes by Shopify's formula (2 + first × node)", async () => {
    fake = await startFakeShopify();
    fake.addOrder(shop, { id: 1, name: "#1" });
    const { body } = await gql("query O($n: Int!) { orders(first: $n) { nodes { id name } pageInfo { hasNextPage } } }", { n: 50 });
    expect(body.extensions.cost.requestedQueryCost).toBe(52);
    expect(body.data.orders.nodes).toEqual([{ id: "gid://shopify/Order/1", name: "#1" }]);
  });

  it("refuses a query over 1,000 points with MAX_COST_EXCEEDED, before executing or charging it", async () => {
    fake = await startFakeShopify();
    const { status, body } = await gql("{ orders(first: 50) { nodes { id lineItems(first: 250) { nodes { name originalUnitPriceSet { shopMoney { amount } } } } } } }");
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^Query cost is 37652, which exceeds the single query max cost limit \(1000\)\./), extensions: expect.objectContaining({ code: "MAX_COST_EXCEEDED", cost: 37652, maxCost: 1000 }) }),
    ]);
    expect(fake.state.pointsSpent).toBe(0);
  });

  it("refuses input lists over 250 with MAX_INPUT_SIZE_EXCEEDED", async () => {
    fake = await startFakeShopify();
    const ids = Array.from({ length: 251 }, (_, i) => `gid://shopify/InventoryItem/${i + 1}`);
    const { body } = await gql("query N($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids });
    expect(body.errors).toEqual([{ message: "The input array size of 251 is greater than the maximum allowed of 250.", path: ["nodes", "ids"], extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" } }]);
  });

  it("answers only the selected fields (aliases and fragments included) and real enum values", async () => {
    fake = await startFakeShopify();
    fake.addOrder(shop, { id: 2, name: "#2", financial_status: "partially_refunded", fulfillment_status: "partial", line_items: [{ name: "A", quantity: 1, price: "1.00" }] });
    const { body } = await gql("{ orders(first: 5) { nodes { ref: id ... on Order { displayFulfillmentStatus displayFinancialStatus } } } }");
    expect(body.errors).toBeUndefined();
    expect(body.data.orders).toEqual({ nodes: [{ ref: "gid://shopify/Order/2", displayFulfillmentStatus: "PARTIALLY_FULFILLED", displayFinancialStatus: "PARTIALLY_REFUNDED" }] });
  });

  it("pages an order's line items (first/after) like Shopify's connections", async () => {
    fake = await startFakeShopify();
    fake.addOrder(shop, { id: 3, name: "#3", line_items: Array.from({ length: 5 }, (_, i) => ({ name: `L${i}`, quantity: 1, price: "1.00" })) });
    const page = (after: string | null) => gql("query L($id: ID!, $after: String) { order(id: $id) { lineItems(first: 2, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } } }", { id: "gid://shopify/Order/3", after });
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { body }: { body: any } = await page(after);
      names.push(...body.data.order.lineItems.nodes.map((n: { name: string }) => n.name));
      if (!body.data.order.lineItems.pageInfo.hasNextPage) break;
      after = body.data.order.lineItems.pageInfo.endCursor;
    }
    expect(names).toEqual(["L0", "L1", "L2", "L3", "L4"]);
  });

  it("compares updated_at as instants, not strings", async () => {
    fake = await startFakeShopify();
    fake.addOrder(shop, { id: 4, name: "#4", updated_at: "2026-11-29T10:00:00+01:00" }); // 09:00Z
    fake.addOrder(shop, { id: 5, name: "#5", updated_at: "2026-11-29T09:45:00Z" });
    const { body } = await gql(`{ orders(first: 5, query: "updated_at:>'2026-11-29T09:30:00.000Z'") { nodes { name } } }`);
    expect(body.data.orders.nodes).toEqual([{ name: "#5" }]);
  });

  it("refuses protected customer data to an app Shopify has not approved (ACCESS_DENIED, fields redacted)", async () => {
    fake = await startFakeShopify();
    fake.addOrder(shop, { id: 6, name: "#6", email: "jan@example.be", customer: { id: 9, email: "jan@example.be", first_name: "Jan" }, billing_address: { first_name: "Jan", city: "Gent", country_code: "BE" } });
    await fetch(`${fake.url}/_control/protected-customer-data/${shop}`, { method: "POST", body: JSON.stringify({ granted: false }) });
    const { status, body } = await gql("{ orders(first: 1) { nodes { name email customer { firstName } billingAddress { city } } } }");
    expect(status).toBe(200);
    expect(body.data.orders.nodes).toEqual([{ name: "#6", email: null, customer: null, billingAddress: null }]);
    expect(body.errors.map((e: any) => [e.path.join("."), e.extensions.code])).toEqual([
      ["orders.nodes.0.email", "ACCESS_DENIED"],
      ["orders.nodes.0.customer", "ACCESS_DENIED"],
      ["orders.nodes.0.billingAddress", "ACCESS_DENIED"],
    ]);
    expect(body.errors[1].message).toMatch(/^This app is not approved to access the Customer object\./);
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
  const mutation = (directive = "@idempotent(key: $key)") =>
    `mutation S($input: InventorySetQuantitiesInput!${directive ? ", $key: String!" : ""}) { inventorySetQuantities(input: $input) ${directive} { inventoryAdjustmentGroup { id } userErrors { field message code } } }`;
  const input = (n: number, extra: Record<string, unknown> = { changeFromQuantity: null }, quantity = 3) => ({
    name: "available",
    reason: "correction",
    quantities: Array.from({ length: n }, (_, i) => ({ inventoryItemId: `gid://shopify/InventoryItem/${i}`, locationId: "gid://shopify/Location/1", quantity, ...extra })),
  });
  const level = (i: number) => fake!.shop(shop).inventory[`gid://shopify/InventoryItem/${i}|gid://shopify/Location/1`];

  it("requires the @idempotent directive and changeFromQuantity on every quantity; a mutation costs 10", async () => {
    fake = await startFakeShopify();
    const noKey = await gql(mutation(""), { input: input(1) });
    expect(noKey.body.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_REQUIRED");
    const noCompare = await gql(mutation(), { input: input(1, {}), key: "k1" });
    expect(noCompare.body.errors[0].message).toContain("changeFromQuantity must be given");
    expect(noCompare.body.data.inventorySetQuantities).toBeNull();
    expect(level(0)).toBeUndefined();
    const ok = await gql(mutation(), { input: input(250), key: "k3" });
    expect(ok.body.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(ok.body.extensions.cost.requestedQueryCost).toBe(10);
    expect((await gql(mutation(), { input: input(251), key: "k4" })).body.errors[0].extensions.code).toBe("MAX_INPUT_SIZE_EXCEEDED");
  });

  it("only real InventorySetQuantitiesUserErrorCode values: CHANGE_FROM_QUANTITY_STALE, nothing applied", async () => {
    fake = await startFakeShopify();
    fake.shop(shop).inventory["gid://shopify/InventoryItem/1|gid://shopify/Location/1"] = 7;
    const { body } = await gql(mutation(), { input: input(2, { changeFromQuantity: 0 }), key: "stale" });
    expect(body.data.inventorySetQuantities.userErrors).toEqual([{ field: ["input", "quantities", "1", "changeFromQuantity"], message: "The changeFromQuantity value does not match persisted value.", code: "CHANGE_FROM_QUANTITY_STALE" }]);
    expect(level(0)).toBeUndefined();
  });

  it("a reused key: the same input gets the first answer without applying again; other input IDEMPOTENCY_KEY_PARAMETER_MISMATCH", async () => {
    fake = await startFakeShopify();
    const first = await gql(mutation(), { input: input(1), key: "same" });
    fake.shop(shop).inventory["gid://shopify/InventoryItem/0|gid://shopify/Location/1"] = 1; // sold one meanwhile
    const replay = await gql(mutation(), { input: input(1), key: "same" });
    expect(replay.body.data).toEqual(first.body.data);
    expect(level(0)).toBe(1);
    const other = await gql(mutation(), { input: input(1, { changeFromQuantity: null }, 9), key: "same" });
    expect(other.body.data.inventorySetQuantities).toEqual({ inventoryAdjustmentGroup: null, userErrors: [{ field: null, message: "The same idempotency key cannot be used with different operation parameters.", code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" }] });
    expect(level(0)).toBe(1);
  });
});
