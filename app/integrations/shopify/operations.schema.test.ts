import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { getVariableValues, Kind, NoDeprecatedCustomRule, parse, specifiedRules, validate, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { requestedQueryCost, SHOPIFY_MAX_QUERY_COST } from "../../../tests/fakes/shopify-cost";
import { shopifyAdminSchema } from "../../../tests/fakes/shopify-schema";
import { SHOPIFY_ADMIN_API_VERSION } from "./api-version";
import * as ops from "./operations";

/**
 * Every GraphQL document Facto sends, checked against Shopify's official Admin schema of the API
 * version Facto pins (@shopify/dev-mcp's admin_<version>.json.gz, decision 015): it parses and
 * validates, uses no deprecated field, the variables the code builds coerce to the declared types,
 * the requested cost by Shopify's formula is at most 1,000 and no input list is over 250.
 */
const schema = shopifyAdminSchema();
const ORDER = "gid://shopify/Order/450789469";
const CUSTOMER = "gid://shopify/Customer/207119551";
const quantities = (n: number) => Array.from({ length: n }, (_, i) => ({ inventoryItemId: `gid://shopify/InventoryItem/${i + 1}`, locationId: "gid://shopify/Location/1", quantity: i, changeFromQuantity: i % 2 ? null : i + 1 }));

/** The variables each operation is sent with, at the largest the code builds. */
const cases: { op: ops.ShopifyOperation<never[]>; variables: Record<string, unknown> }[] = [
  { op: ops.RECENT_ORDERS, variables: ops.RECENT_ORDERS.variables(new Date("2026-11-01T00:00:00Z"), "eyJsYXN0X2lkIjo0NTB9") },
  { op: ops.RECENT_ORDERS, variables: ops.RECENT_ORDERS.variables(new Date("2026-11-01T00:00:00Z"), null) },
  { op: ops.ORDER_LINE_ITEMS, variables: ops.ORDER_LINE_ITEMS.variables(ORDER, "cursor") },
  { op: ops.ORDER_SHIPPING_LINES, variables: ops.ORDER_SHIPPING_LINES.variables(ORDER, "cursor") },
  { op: ops.MARK_PAID, variables: ops.MARK_PAID.variables(ORDER) },
  { op: ops.TAG_ORDER, variables: ops.TAG_ORDER.variables(ORDER, Array.from({ length: 300 }, (_, i) => `Facto CN-${i}`)) },
  {
    op: ops.INVOICE_METAFIELDS,
    variables: ops.INVOICE_METAFIELDS.variables([
      { ownerId: ORDER, namespace: "facto", key: "invoice_number", type: "single_line_text_field", value: "INV-2026-0001" },
      { ownerId: ORDER, namespace: "facto", key: "invoice_url", type: "url", value: "https://facto.example/pay/abc" },
    ]),
  },
  { op: ops.MANDATE_METAFIELD, variables: ops.MANDATE_METAFIELD.variables(CUSTOMER, JSON.stringify({ mandateId: "MNDT1", status: "signed" })) },
  { op: ops.MANDATE_TAG_ADD, variables: ops.MANDATE_TAG_ADD.variables(CUSTOMER, "Facto direct debit") },
  { op: ops.MANDATE_TAG_REMOVE, variables: ops.MANDATE_TAG_REMOVE.variables(CUSTOMER, "Facto direct debit") },
  { op: ops.STOCK, variables: ops.STOCK.variables("cursor") },
  { op: ops.INVENTORY_ITEMS, variables: ops.INVENTORY_ITEMS.variables(Array.from({ length: ops.INVENTORY_ITEMS_CHUNK }, (_, i) => `gid://shopify/InventoryItem/${i + 1}`)) },
  { op: ops.SET_INVENTORY, variables: ops.SET_INVENTORY.variables("stock-1-0", quantities(ops.INVENTORY_BATCH_SIZE), { reason: "correction", referenceDocumentUri: "facto://stock/1" }) },
] as never;

describe(`Shopify Admin GraphQL ${SHOPIFY_ADMIN_API_VERSION}: the documents Facto sends`, () => {
  it("covers every operation in the registry", () => {
    expect(new Set(cases.map((c) => c.op.name))).toEqual(new Set(ops.SHOPIFY_OPERATIONS.map((o) => o.name)));
  });

  it.each(cases.map((c) => [c.op.name, c] as const))("%s validates against the schema, with the variables the code builds, and costs ≤ 1,000", (_name, { op, variables }) => {
    const document = parse(op.document);
    expect(validate(schema, document, [...specifiedRules, NoDeprecatedCustomRule]).map((e) => e.message)).toEqual([]);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    expect(operation.name?.value).toBe(op.name);
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    expect(coerced.errors?.map((e) => e.message) ?? []).toEqual([]);
    const report = requestedQueryCost(schema, document, variables);
    expect(report.oversizedInputs).toEqual([]);
    expect(report.cost).toBeLessThanOrEqual(SHOPIFY_MAX_QUERY_COST);
    // The estimate the client paces the bucket with is the real requested cost.
    expect(report.cost).toBe(op.cost);
  });

  it("inventorySetQuantities: every quantity carries changeFromQuantity (the schema: 'This field is mandatory ... even if that value is `null`')", () => {
    const sent = ops.SET_INVENTORY.variables("k", quantities(3)) as { input: { quantities: Record<string, unknown>[] } };
    expect(sent.input.quantities.every((q) => "changeFromQuantity" in q)).toBe(true);
    expect(() => ops.SET_INVENTORY.variables("k", quantities(251))).toThrow(/at most 250/);
    expect(() => ops.INVENTORY_ITEMS.variables(Array.from({ length: ops.INVENTORY_ITEMS_CHUNK + 1 }, (_, i) => `gid://shopify/InventoryItem/${i}`))).toThrow(/chunk/);
  });

  it("the reconciliation query that listed 50 orders × 250 lines cost 95,152 points (Shopify refuses > 1,000)", () => {
    // The document as it was before decision 015 (also reading the now deprecated Customer.email).
    const before = `query FactoRecentOrders($first: Int!, $after: String, $query: String!) {
      orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
        nodes {
          id legacyResourceId name createdAt updatedAt cancelledAt currencyCode taxesIncluded taxExempt email customerLocale
          displayFinancialStatus displayFulfillmentStatus customAttributes { key value } customer { id email firstName lastName }
          billingAddress { name } shippingAddress { name } totalPriceSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } }
          lineItems(first: 250) { nodes { name sku quantity requiresShipping originalUnitPriceSet { shopMoney { amount } } discountAllocations { allocatedAmountSet { shopMoney { amount } } } taxLines { rate } } }
          shippingLines(first: 20) { nodes { title originalPriceSet { shopMoney { amount } } discountAllocations { allocatedAmountSet { shopMoney { amount } } } taxLines { rate } } }
        }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    expect(validate(schema, parse(before), [NoDeprecatedCustomRule]).map((e) => e.message)).toEqual(["The field Customer.email is deprecated. Use `defaultEmailAddress.emailAddress` instead."]);
    expect(requestedQueryCost(schema, before, { first: 50, after: null, query: "updated_at:>'2026-11-01T00:00:00.000Z'" }).cost).toBe(95_152);
  });

  it("no GraphQL document is written outside the registry (app/, workers/)", () => {
    const root = path.resolve(__dirname, "../../..");
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (entry === "generated" || entry === "node_modules") continue;
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry)) files.push(full);
      }
    };
    walk(path.join(root, "app"));
    walk(path.join(root, "workers"));
    const offenders = files.filter((f) => !f.endsWith(path.join("shopify", "operations.ts")) && /[`"']\s*(#graphql\s*)?(query|mutation)\s+[A-Za-z_]\w*\s*[({]/.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });
});
