import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { SHOPIFY_ADMIN_API_VERSION } from "~/integrations/shopify/api-version";
import { routeShopifyLibraryCalls } from "~/integrations/shopify/shop-base-url.server";
import { logger } from "~/logger.server";
import { recordAudit } from "~/services/audit-log.server";
import { EncryptedSessionStorage } from "~/models/session-storage.server";

export const SHOPIFY_API_VERSION = SHOPIFY_ADMIN_API_VERSION as ApiVersion;

const config = env();
// Offline (demo, tests) the shops live on the fake Shopify: the library's own calls (token exchange
// at install) go there too, like every Admin API call of ours.
routeShopifyLibraryCalls(config.SHOPIFY_ADMIN_API_BASE_URL);

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: SHOPIFY_API_VERSION,
  scopes: config.SCOPES.split(",").map((s) => s.trim()).filter(Boolean),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  // The template's Prisma session table, with tokens encrypted at rest (docs/decisions/004).
  sessionStorage: new EncryptedSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      // The shop row holds the merchant's settings; re-installing clears the uninstall mark.
      const shop = await prisma.shop.upsert({
        where: { platform_domain: { platform: "SHOPIFY", domain: session.shop } },
        create: { platform: "SHOPIFY", domain: session.shop },
        update: { uninstalledAt: null, installedAt: new Date() },
      });
      logger.info({ shop: session.shop }, "shop installed or re-authenticated");
      await recordAudit(prisma, { shopId: shop.id, action: "Shopify authorization (install or re-authentication)", detail: session.scope ?? null });
    },
  },
});

export default shopify;
export const apiVersion = SHOPIFY_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
