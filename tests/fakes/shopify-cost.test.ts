import { describe, expect, it } from "vitest";
import { requestedQueryCost } from "./shopify-cost";
import { shopifyAdminSchema } from "./shopify-schema";

/** Shopify's cost rules (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits, "Cost calculation") on small cases. */
describe("requestedQueryCost (Shopify's calculated query cost)", () => {
  const schema = shopifyAdminSchema();
  it("object 1, scalars and enums 0", () => {
    expect(requestedQueryCost(schema, "{ shop { id name currencyCode } }").cost).toBe(1);
    expect(requestedQueryCost(schema, "{ shop { id billingAddress { city } } }").cost).toBe(2);
  });
  it("connection: 2 + first × (cost of one node), nested connections multiply; edges/node as nodes", () => {
    expect(requestedQueryCost(schema, "{ products(first: 10) { nodes { title variants(first: 5) { nodes { price } } } } }").cost).toBe(2 + 10 * (1 + 2 + 5 * 1));
    expect(requestedQueryCost(schema, "query P($n: Int) { products(first: $n) { edges { cursor node { id } } pageInfo { hasNextPage } } }", { n: 50 }).cost).toBe(52);
    expect(requestedQueryCost(schema, "{ products(last: 3) { nodes { id } } }").cost).toBe(5);
  });
  it("nodes(ids:) costs its selection once per id; interfaces take the largest possible selection", () => {
    expect(requestedQueryCost(schema, `{ nodes(ids: ["gid://shopify/Order/1", "gid://shopify/Order/2"]) { id ... on Order { billingAddress { city } } } }`).cost).toBe(2 * 2);
  });
  it("a mutation costs 10", () => {
    expect(requestedQueryCost(schema, `mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["a"]) { node { id } userErrors { message } } }`).cost).toBe(10);
  });
  it("reports input lists over 250, inline or through variables", () => {
    const ids = Array.from({ length: 251 }, (_, i) => `gid://shopify/Order/${i}`);
    expect(requestedQueryCost(schema, "query N($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids }).oversizedInputs).toEqual([{ path: ["nodes", "ids"], size: 251 }]);
    const q = Array.from({ length: 300 }, () => ({ inventoryItemId: "gid://shopify/InventoryItem/1", locationId: "gid://shopify/Location/1", quantity: 1, changeFromQuantity: null }));
    const report = requestedQueryCost(schema, `mutation S($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) @idempotent(key: "k") { userErrors { code } } }`, { input: { name: "available", reason: "correction", quantities: q } });
    expect(report.oversizedInputs).toEqual([{ path: ["inventorySetQuantities", "input", "quantities"], size: 300 }]);
  });
});
