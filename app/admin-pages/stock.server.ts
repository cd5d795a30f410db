import { prisma } from "~/db.server";
import type { Shop } from "~/generated/prisma/client";
import { runStockAction, stockOverview } from "~/services/stock.server";

// Stock (Shopify admin /app/stock, WooCommerce admin /woo/stores/:shopId/stock): stock per SKU as Facto keeps
// it, the store's quantity at the last sync, manual adjustments (written back to the store by a job) and the
// latest movements. `platform` names the store in the page's texts.
export async function stockLoader(shop: Shop, base: string, platform: "Shopify" | "WooCommerce", url: URL) {
  return { ...(await stockOverview(prisma, shop.id, url.searchParams.get("q") ?? "")), base, platform };
}

export const stockAction = (shop: Shop, platform: "Shopify" | "WooCommerce", form: FormData) => runStockAction(prisma, shop, platform, form);
