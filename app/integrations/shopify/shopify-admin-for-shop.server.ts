import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import { logger } from "~/logger.server";
import { decryptSecret, encryptSecret } from "~/utils/encryption.server";
import { ShopifyAdminClient } from "./admin-graphql-client.server";
import { SHOPIFY_ADMIN_API_VERSION } from "./api-version";
import { refreshOfflineToken } from "./refresh-offline-token.server";

/** Refresh a little before the token actually expires, so a job never starts with a dying token. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface AdminForShopOptions {
  baseUrl?: string | undefined;
  apiKey?: string;
  apiSecret?: string;
  now?: () => Date;
}

/**
 * An Admin API client for a shop, authenticated with its offline session's token. Expiring offline
 * tokens are refreshed first when they are (nearly) expired — under a per-shop advisory lock, so
 * concurrent jobs refresh once and all use the new token.
 */
export async function shopifyAdminForShop(db: Db, shopDomain: string, options: AdminForShopOptions = {}): Promise<ShopifyAdminClient> {
  const config = { baseUrl: options.baseUrl ?? env().SHOPIFY_ADMIN_API_BASE_URL, apiKey: options.apiKey ?? env().SHOPIFY_API_KEY, apiSecret: options.apiSecret ?? env().SHOPIFY_API_SECRET };
  const now = options.now ?? (() => new Date());
  const session = await db.session.findFirst({ where: { shop: shopDomain, isOnline: false }, orderBy: { expires: { sort: "desc", nulls: "first" } } });
  if (!session?.accessToken) {
    throw new AppError("SHOP_NOT_INSTALLED", `No offline session for ${shopDomain}: the app is not installed there`);
  }
  let accessToken = decryptSecret(session.accessToken);
  if (session.expires && session.expires.getTime() - REFRESH_MARGIN_MS < now().getTime()) {
    accessToken = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`shopify-token:${shopDomain}`}))`;
      const current = await tx.session.findUniqueOrThrow({ where: { id: session.id } });
      if (current.expires && current.expires.getTime() - REFRESH_MARGIN_MS >= now().getTime()) return decryptSecret(current.accessToken); // another job refreshed it
      if (!current.refreshToken || (current.refreshTokenExpires && current.refreshTokenExpires < now())) {
        throw new AppError("SHOP_NOT_INSTALLED", `The access token of ${shopDomain} expired and cannot be refreshed: the merchant must open the app again`);
      }
      const fresh = await refreshOfflineToken({ shop: shopDomain, refreshToken: decryptSecret(current.refreshToken), ...config, now: now() });
      await tx.session.update({
        where: { id: session.id },
        data: {
          accessToken: encryptSecret(fresh.accessToken),
          expires: fresh.expires,
          ...(fresh.scope ? { scope: fresh.scope } : {}),
          ...(fresh.refreshToken ? { refreshToken: encryptSecret(fresh.refreshToken), refreshTokenExpires: fresh.refreshTokenExpires } : {}),
        },
      });
      logger.info({ shop: shopDomain, expires: fresh.expires }, "offline access token refreshed");
      return fresh.accessToken;
    });
  }
  return new ShopifyAdminClient({ shop: shopDomain, accessToken, apiVersion: SHOPIFY_ADMIN_API_VERSION, baseUrl: config.baseUrl });
}
