import { Session } from "@shopify/shopify-api";
import type { Db } from "~/db.server";
import { SAMPLE_SELLER } from "~/domain/pdf/sample-invoice";
import { encryptSecret } from "~/utils/encryption.server";
import { EncryptedSessionStorage } from "~/models/session-storage.server";

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

/** A connected WooCommerce store (as the connect flow leaves it), with the demo merchant's settings. */
export async function seedWooStore(db: Db, options: { storeUrl: string; webhookSecret: string; invoiceTrigger?: SeedShopOptions["invoiceTrigger"] }) {
  const domain = new URL(options.storeUrl).host;
  const shop = await db.shop.upsert({
    where: { platform_domain: { platform: "WOOCOMMERCE", domain } },
    create: { platform: "WOOCOMMERCE", domain, name: "Atelier Lumière (WooCommerce)", ...SAMPLE_SELLER, invoiceTrigger: options.invoiceTrigger ?? "ORDER_CREATED" },
    update: { invoiceTrigger: options.invoiceTrigger ?? "ORDER_CREATED" },
  });
  const connection = await db.wooConnection.upsert({
    where: { shopId: shop.id },
    create: {
      shopId: shop.id,
      storeUrl: options.storeUrl,
      consumerKey: encryptSecret("ck_demo"),
      consumerSecret: encryptSecret("cs_demo"),
      webhookSecret: encryptSecret(options.webhookSecret),
    },
    update: { webhookSecret: encryptSecret(options.webhookSecret), disconnectedAt: null },
  });
  return { shopId: shop.id, connectionId: connection.id };
}
