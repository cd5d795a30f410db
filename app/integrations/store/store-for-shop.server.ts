import type { Db } from "~/db.server";
import type { Platform } from "~/generated/prisma/enums";
import { shopifyStore } from "./shopify-store.server";
import type { StorePort } from "./store-port";
import { wooStore } from "./woocommerce-store.server";

type ShopRow = { id: string; domain: string; platform: Platform; uninstalledAt: Date | null; ordersReconciledAt: Date | null };

/** One implementation of the store port per platform: the only place that knows which is which. */
const STORES: Record<Platform, (db: Db, shop: ShopRow) => StorePort> = {
  SHOPIFY: shopifyStore,
  WOOCOMMERCE: wooStore,
};

const SHOP = { id: true, domain: true, platform: true, uninstalledAt: true, ordersReconciledAt: true } as const;

/** The store a shop sells on. */
export async function storeForShop(db: Db, shopId: string): Promise<StorePort> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: SHOP });
  return STORES[shop.platform](db, shop);
}

/** The store an invoice's (or credit note's) order lives in. */
export async function storeForInvoice(db: Db, invoiceId: string): Promise<StorePort> {
  const { shop } = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { shop: { select: SHOP } } });
  return STORES[shop.platform](db, shop);
}

/** Every shop whose store Facto can still talk to (installed Shopify shops, connected WooCommerce stores). */
export async function reachableShops(db: Db): Promise<{ id: string }[]> {
  return db.shop.findMany({ where: { uninstalledAt: null, OR: [{ wooConnection: null }, { wooConnection: { disconnectedAt: null } }] }, select: { id: true } });
}
