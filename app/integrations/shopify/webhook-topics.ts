/** The Shopify topics Facto subscribes to (shopify.app.toml) and processes. */
export const SHOPIFY_TOPICS = [
  "orders/create",
  "orders/paid",
  "orders/updated",
  "orders/cancelled",
  "refunds/create",
  "app/uninstalled",
  "app/scopes_update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];
