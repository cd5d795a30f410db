import { Session } from "@shopify/shopify-api";
import type { Db } from "~/db.server";
import { SAMPLE_SELLER } from "~/domain/pdf/sample-invoice";
import { EncryptedSessionStorage } from "~/utils/session-storage.server";

export interface SeedShopOptions {
  domain: string;
  accessToken?: string;
  /** Leave the company settings empty (a shop that has not finished onboarding). */
  withoutSettings?: boolean;
  invoiceTrigger?: "ORDER_CREATED" | "ORDER_PAID" | "ORDER_FULFILLED";
}

/**
 * A Shopify shop as it is after install and onboarding: an offline session (what OAuth stores)
 * and a Belgian merchant's company settings. Used by the integration tests and the offline demo.
 */
export async function seedShopifyShop(db: Db, options: SeedShopOptions): Promise<{ shopId: string }> {
  const settings = options.withoutSettings
    ? {}
    : {
        name: "Atelier Lumière",
        ...SAMPLE_SELLER,
        defaultLanguage: "nl",
        paymentTermDays: 14,
      };
  const shop = await db.shop.upsert({
    where: { platform_domain: { platform: "SHOPIFY", domain: options.domain } },
    create: { platform: "SHOPIFY", domain: options.domain, invoiceTrigger: options.invoiceTrigger ?? "ORDER_CREATED", ...settings },
    update: { uninstalledAt: null, invoiceTrigger: options.invoiceTrigger ?? "ORDER_CREATED", ...settings },
  });
  await new EncryptedSessionStorage(db).storeSession(
    new Session({
      id: `offline_${options.domain}`,
      shop: options.domain,
      state: "installed",
      isOnline: false,
      scope: "read_orders,write_orders,read_customers,write_customers,read_products,write_inventory,read_inventory",
      accessToken: options.accessToken ?? "shpat_demo_token",
    }),
  );
  return { shopId: shop.id };
}
