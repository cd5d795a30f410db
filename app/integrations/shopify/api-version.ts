/** The Admin API version Facto is written against (GraphQL only: REST is legacy). */
export const SHOPIFY_ADMIN_API_VERSION = "2026-10";
