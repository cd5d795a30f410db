import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";
import { decryptSecret } from "~/utils/encryption.server";
import { SHOPIFY_ADMIN_API_VERSION } from "./api-version";
import { ShopifyAdminClient } from "./admin-graphql-client.server";

/** An Admin API client for a shop, authenticated with its offline session's token. */
export async function shopifyAdminForShop(db: Db, shopDomain: string): Promise<ShopifyAdminClient> {
  const session = await db.session.findFirst({
    where: { shop: shopDomain, isOnline: false },
    select: { accessToken: true },
    orderBy: { expires: { sort: "desc", nulls: "first" } },
  });
  if (!session?.accessToken) {
    throw new AppError("SHOP_NOT_INSTALLED", `No offline session for ${shopDomain}: the app is not installed there`);
  }
  return new ShopifyAdminClient({
    shop: shopDomain,
    accessToken: decryptSecret(session.accessToken),
    apiVersion: SHOPIFY_ADMIN_API_VERSION,
    baseUrl: env().SHOPIFY_ADMIN_API_BASE_URL,
  });
}
