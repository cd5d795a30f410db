import { z } from "zod";
import type { Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import type { WooClient } from "~/integrations/woocommerce/woo-client.server";
import { wooClientForShop } from "~/services/connect-woo-store.server";
import { markWooOrderPaid, reconcileWooStore, setWooCustomerMandate, syncWooStock, tagWooOrder } from "~/services/woo-sync.server";
import type { PendingStock, StockWriteResult, StorePort, StoreStockItem } from "./store-port";

/** A WooCommerce store behind the store port: its REST API v3 with the connection's key. */
export function wooStore(db: Db, shop: { id: string; domain: string; uninstalledAt: Date | null }): StorePort {
  let client: Promise<WooClient> | null = null;
  // wooClientForShop refuses a store that is not connected (SHOP_NOT_INSTALLED: the job gives up).
  const api = () => (client ??= wooClientForShop(db, shop.id).then((c) => c.client));
  return {
    platform: "WOOCOMMERCE",
    annotateOrder: async (documentId) => tagWooOrder(db, documentId, await api()),
    markOrderPaid: async (invoiceId) => markWooOrderPaid(db, invoiceId, await api()),
    recordMandate: async (mandateId) => {
      const mandate = await db.mandate.findUniqueOrThrow({ where: { id: mandateId }, include: { customer: true } });
      if (!mandate.customer) return "skipped";
      if (!/^\d+$/.test(mandate.customer.externalId) || mandate.customer.externalId === "0") return "skipped"; // a guest order has no customer record
      await setWooCustomerMandate(await api(), mandate.customer.externalId, { mandateId: mandate.mndtId, status: mandate.status.toLowerCase() });
      return "synced";
    },
    readStock: async () => {
      if (shop.uninstalledAt) throw new AppError("SHOP_NOT_INSTALLED", `${shop.domain} is not connected: stock is not read there`);
      return readWooStock(await api());
    },
    writeStock: async (pending) => writeWooStock(await api(), pending),
    reconcileOrders: async (deps) => {
      const connection = await db.wooConnection.findUnique({ where: { shopId: shop.id }, select: { disconnectedAt: true } });
      if (!connection || connection.disconnectedAt) return { skipped: "not connected" };
      return reconcileWooStore(db, shop.id, await api(), deps);
    },
  };
}

const WooProduct = z.object({
  id: z.number(),
  name: z.string(),
  sku: z.string().nullish(),
  type: z.string().nullish(),
  manage_stock: z.union([z.boolean(), z.literal("parent")]).nullish(),
  stock_quantity: z.number().nullish(),
});

/** The store's products and variations that manage their stock and have a SKU. */
export async function readWooStock(client: WooClient): Promise<StoreStockItem[]> {
  const items: StoreStockItem[] = [];
  const pages = async (path: string, each: (row: unknown) => Promise<void> | void) => {
    for (let page = 1; ; page++) {
      const response = await client.get<unknown[]>(path, { per_page: 100, page });
      for (const row of response.data) await each(row);
      if (page >= Number(response.headers["x-wp-totalpages"] ?? 1)) return;
    }
  };
  await pages("products", async (row) => {
    const p = WooProduct.parse(row);
    if (p.type === "variable") {
      await pages(`products/${p.id}/variations`, (vrow) => {
        const v = WooProduct.parse({ name: p.name, ...(vrow as object) });
        if (v.manage_stock === true && v.sku?.trim()) items.push({ sku: v.sku.trim(), title: `${p.name} (${v.id})`, quantity: v.stock_quantity ?? 0, wooProductId: p.id, wooVariationId: v.id });
      });
    } else if (p.manage_stock === true && p.sku?.trim()) {
      items.push({ sku: p.sku.trim(), title: p.name, quantity: p.stock_quantity ?? 0, wooProductId: p.id, wooVariationId: null });
    }
  });
  return items;
}

/** Absolute quantities through the batch endpoints (≤100 items a call); refused items are reported. */
async function writeWooStock(client: WooClient, pending: PendingStock[]): Promise<StockWriteResult[]> {
  const linked = pending.filter((p) => p.wooProductId !== null);
  const result = await syncWooStock(client, linked.map((p) => ({ productId: p.wooProductId!, variationId: p.wooVariationId, quantity: p.quantity })));
  return linked.map((p) => {
    const refused = result.refused.find((r) => r.productId === p.wooProductId && r.variationId === p.wooVariationId);
    return { id: p.id, sent: p.quantity, error: refused ? `WooCommerce refused it: ${refused.message}` : null };
  });
}
