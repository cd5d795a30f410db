import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

/**
 * Where a call to a shop goes. Shopify's library always calls `https://<shop>.myshopify.com/...`
 * (token exchange at install, the Admin API); offline and in tests every shop lives under one base
 * URL instead (`SHOPIFY_ADMIN_API_BASE_URL`, path-prefixed by the shop domain, as our own Admin
 * client calls it). Anything that is not a shop URL is left alone.
 */
export function shopUrlOnBase(url: string, baseUrl: string): string {
  const match = /^https:\/\/([a-z0-9][a-z0-9-]*\.myshopify\.com)(\/.*)?$/i.exec(url);
  if (!match) return url;
  return `${baseUrl.replace(/\/$/, "")}/${match[1]!.toLowerCase()}${match[2] ?? "/"}`;
}

let routed = false;

/** Sends the Shopify library's calls to shops to `baseUrl` (no-op without a base URL). */
export function routeShopifyLibraryCalls(baseUrl: string | undefined): void {
  if (!baseUrl || routed) return;
  routed = true;
  const fetchShop = abstractFetch;
  setAbstractFetchFunc(((input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    const target = shopUrlOnBase(url, baseUrl);
    return fetchShop(target === url ? input : target, init);
  }) as typeof fetch);
}
