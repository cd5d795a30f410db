/**
 * Every GraphQL document Facto sends to Shopify's Admin API, with the builder of the variables the code
 * sends with it. The one place they live, so that a unit test (operations.schema.test.ts) can validate
 * each document and the variables against Shopify's official Admin schema of the pinned API version and
 * price it by Shopify's cost rules (≤ 1,000 points per query; input lists ≤ 250) — decision 015.
 */

export interface ShopifyOperation<Args extends unknown[]> {
  name: string;
  document: string;
  variables: (...args: Args) => Record<string, unknown>;
  /** Requested cost by Shopify's formula at the largest variables the code builds (checked by the schema test). */
  cost: number;
}

const op = <Args extends unknown[]>(o: ShopifyOperation<Args>) => o;

/** Shopify refuses input arrays over 250 items and `first`/`last` over 250. */
export const SHOPIFY_MAX_INPUT_ARRAY = 250;

/* ---------------------------------------------------------------- orders (reconciliation) -- */

/** Orders per page and lines per order in the reconciliation query; larger orders are completed by the two queries below. */
export const RECENT_ORDERS_PAGE = 5;
export const RECENT_ORDERS_LINES = 10;
export const RECENT_ORDERS_SHIPPING_LINES = 5;
/** Line items fetched per page when an order has more than RECENT_ORDERS_LINES. */
export const ORDER_LINES_PAGE = 100;

const MONEY = `shopMoney { amount }`;
const LINE_ITEM = `name sku quantity requiresShipping originalUnitPriceSet { ${MONEY} } discountAllocations { allocatedAmountSet { ${MONEY} } } taxLines { rate }`;
const SHIPPING_LINE = `title originalPriceSet { ${MONEY} } discountAllocations { allocatedAmountSet { ${MONEY} } } taxLines { rate }`;
const ADDRESS = `name firstName lastName company address1 address2 zip city countryCodeV2`;

/** Orders changed since a moment, with what invoicing needs; each order's first lines (see FactoOrderLineItems). */
export const RECENT_ORDERS = op({
  name: "FactoRecentOrders",
  document: `query FactoRecentOrders($first: Int!, $after: String, $query: String!, $lines: Int!, $shippingLines: Int!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id legacyResourceId name createdAt updatedAt cancelledAt
      currencyCode taxesIncluded taxExempt email customerLocale
      displayFinancialStatus displayFulfillmentStatus
      customAttributes { key value }
      customer { id firstName lastName defaultEmailAddress { emailAddress } }
      billingAddress { ${ADDRESS} }
      shippingAddress { ${ADDRESS} }
      totalPriceSet { ${MONEY} }
      totalTaxSet { ${MONEY} }
      lineItems(first: $lines) { nodes { ${LINE_ITEM} } pageInfo { hasNextPage endCursor } }
      shippingLines(first: $shippingLines) { nodes { ${SHIPPING_LINE} } pageInfo { hasNextPage endCursor } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`,
  variables: (since: Date, after: string | null) => ({
    first: RECENT_ORDERS_PAGE,
    after,
    query: `updated_at:>'${since.toISOString()}'`,
    lines: RECENT_ORDERS_LINES,
    shippingLines: RECENT_ORDERS_SHIPPING_LINES,
  }),
  cost: 597,
});

/** The rest of an order's line items, after the ones FactoRecentOrders returned. */
export const ORDER_LINE_ITEMS = op({
  name: "FactoOrderLineItems",
  document: `query FactoOrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) { lineItems(first: $first, after: $after) { nodes { ${LINE_ITEM} } pageInfo { hasNextPage endCursor } } }
}`,
  variables: (orderGid: string, after: string | null) => ({ id: orderGid, first: ORDER_LINES_PAGE, after }),
  cost: 703,
});

/** The rest of an order's shipping lines. */
export const ORDER_SHIPPING_LINES = op({
  name: "FactoOrderShippingLines",
  document: `query FactoOrderShippingLines($id: ID!, $first: Int!, $after: String) {
  order(id: $id) { shippingLines(first: $first, after: $after) { nodes { ${SHIPPING_LINE} } pageInfo { hasNextPage endCursor } } }
}`,
  variables: (orderGid: string, after: string | null) => ({ id: orderGid, first: ORDER_LINES_PAGE, after }),
  cost: 703,
});

/* ---------------------------------------------------------------------- order write-back -- */

export const MARK_PAID = op({
  name: "FactoMarkPaid",
  document: `mutation FactoMarkPaid($input: OrderMarkAsPaidInput!) {
  orderMarkAsPaid(input: $input) { order { id displayFinancialStatus } userErrors { field message } }
}`,
  variables: (orderGid: string) => ({ input: { id: orderGid } }),
  cost: 10,
});

export const TAG_ORDER = op({
  name: "FactoTagOrder",
  document: `mutation FactoTagOrder($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`,
  variables: (orderGid: string, tags: string[]) => ({ id: orderGid, tags: tags.slice(0, SHOPIFY_MAX_INPUT_ARRAY) }),
  cost: 10,
});

export interface MetafieldInput {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export const INVOICE_METAFIELDS = op({
  name: "FactoInvoiceMetafields",
  document: `mutation FactoInvoiceMetafields($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { key namespace } userErrors { field message code } }
}`,
  variables: (metafields: MetafieldInput[]) => ({ metafields }),
  cost: 10,
});

/* ------------------------------------------------------------------- customers (mandates) -- */

export const MANDATE_METAFIELD = op({
  name: "FactoMandate",
  document: `mutation FactoMandate($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { metafields { key } userErrors { field message } } }`,
  variables: (customerGid: string, value: string) => ({ metafields: [{ ownerId: customerGid, namespace: "facto", key: "sepa_mandate", type: "json", value }] }),
  cost: 10,
});

export const MANDATE_TAG_ADD = op({
  name: "FactoMandateTagAdd",
  document: `mutation FactoMandateTagAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { field message } } }`,
  variables: (customerGid: string, tag: string) => ({ id: customerGid, tags: [tag] }),
  cost: 10,
});

export const MANDATE_TAG_REMOVE = op({
  name: "FactoMandateTagRemove",
  document: `mutation FactoMandateTagRemove($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { userErrors { field message } } }`,
  variables: (customerGid: string, tag: string) => ({ id: customerGid, tags: [tag] }),
  cost: 10,
});

/* ------------------------------------------------------------------------------- stock -- */

export const STOCK_PAGE = 100;
const INVENTORY_ITEM = `id inventoryLevels(first: 1) { nodes { location { id } quantities(names: ["available"]) { name quantity } } }`;

export const STOCK = op({
  name: "FactoStock",
  document: `query FactoStock($first: Int!, $after: String) {
  productVariants(first: $first, after: $after) {
    nodes { id sku displayName inventoryItem { ${INVENTORY_ITEM} } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  variables: (after: string | null) => ({ first: STOCK_PAGE, after }),
  cost: 702,
});

/** Inventory items re-read per request: by Shopify's cost rules each costs 1 + 2 + 1 × 3 = 6 points, so 160 ids stay under 1,000. */
export const INVENTORY_ITEMS_CHUNK = 160;

export const INVENTORY_ITEMS = op({
  name: "FactoInventoryItems",
  document: `query FactoInventoryItems($ids: [ID!]!) {
  nodes(ids: $ids) { ... on InventoryItem { ${INVENTORY_ITEM} } }
}`,
  variables: (ids: string[]) => {
    if (ids.length > INVENTORY_ITEMS_CHUNK) throw new Error(`FactoInventoryItems takes at most ${INVENTORY_ITEMS_CHUNK} ids (got ${ids.length}): chunk them`);
    return { ids };
  },
  cost: 960,
});

export interface InventoryQuantity {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  changeFromQuantity: number | null;
}

export const INVENTORY_BATCH_SIZE = SHOPIFY_MAX_INPUT_ARRAY;

export const SET_INVENTORY = op({
  name: "FactoSetInventory",
  document: `mutation FactoSetInventory($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`,
  variables: (key: string, quantities: InventoryQuantity[], options: { reason?: string; referenceDocumentUri?: string } = {}) => {
    if (quantities.length > INVENTORY_BATCH_SIZE) throw new Error(`inventorySetQuantities takes at most ${INVENTORY_BATCH_SIZE} quantities (got ${quantities.length})`);
    return {
      key,
      input: {
        name: "available",
        reason: options.reason ?? "correction",
        ...(options.referenceDocumentUri ? { referenceDocumentUri: options.referenceDocumentUri } : {}),
        // changeFromQuantity is always present (null opts out of the compare-and-swap): the schema says
        // "This field is mandatory: you must explicitly pass in a value, even if that value is `null`".
        quantities: quantities.map((q) => ({ inventoryItemId: q.inventoryItemId, locationId: q.locationId, quantity: q.quantity, changeFromQuantity: q.changeFromQuantity })),
      },
    };
  },
  cost: 10,
});

/** All of them, for the schema test. */
export const SHOPIFY_OPERATIONS = [
  RECENT_ORDERS,
  ORDER_LINE_ITEMS,
  ORDER_SHIPPING_LINES,
  MARK_PAID,
  TAG_ORDER,
  INVOICE_METAFIELDS,
  MANDATE_METAFIELD,
  MANDATE_TAG_ADD,
  MANDATE_TAG_REMOVE,
  STOCK,
  INVENTORY_ITEMS,
  SET_INVENTORY,
] as const;
