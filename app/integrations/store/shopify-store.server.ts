import type { Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import type { ShopifyAdminClient } from "~/integrations/shopify/admin-graphql-client.server";
import { INVENTORY_ITEMS, INVENTORY_ITEMS_CHUNK, STOCK } from "~/integrations/shopify/operations";
import { shopifyAdminForShop } from "~/integrations/shopify/shopify-admin-for-shop.server";
import { syncMandateToShopify } from "~/services/direct-debit.server";
import { markShopifyOrderPaid } from "~/services/mark-shopify-order-paid.server";
import { reconcileShopifyOrders } from "~/services/reconcile-shopify-orders.server";
import { syncShopifyInventory, type StockLevel } from "~/services/sync-shopify-inventory.server";
import { tagShopifyOrder } from "~/services/tag-shopify-order.server";
import type { PendingStock, StockWriteResult, StorePort, StoreStockItem } from "./store-port";

interface InventoryItemNode {
  id: string;
  inventoryLevels: { nodes: { location: { id: string }; quantities: { name: string; quantity: number }[] }[] };
}

const levelOf = (item: InventoryItemNode) => {
  const level = item.inventoryLevels.nodes[0];
  return level ? { locationId: level.location.id, quantity: level.quantities.find((q) => q.name === "available")?.quantity ?? 0 } : null;
};

/** A Shopify shop behind the store port: the GraphQL Admin API with the shop's offline token. */
export function shopifyStore(db: Db, shop: { id: string; domain: string; uninstalledAt: Date | null; ordersReconciledAt: Date | null }): StorePort {
  let admin: Promise<ShopifyAdminClient> | null = null;
  const adminApi = () => (admin ??= shopifyAdminForShop(db, shop.domain));
  const installed = () => {
    if (shop.uninstalledAt) throw new AppError("SHOP_NOT_INSTALLED", `${shop.domain} uninstalled Facto: nothing is written there any more`);
  };
  return {
    platform: "SHOPIFY",
    // tagShopifyOrder itself skips a shop that uninstalled Facto (the invoice stays, the shop is not told).
    annotateOrder: (documentId) => tagShopifyOrder(db, documentId),
    markOrderPaid: async (invoiceId) => {
      const marked = await markShopifyOrderPaid(db, invoiceId);
      // The order's facto.invoice_status metafield follows ("paid").
      if (marked !== "skipped") await tagShopifyOrder(db, invoiceId);
      return marked;
    },
    recordMandate: async (mandateId) => {
      installed();
      return syncMandateToShopify(db, mandateId, await adminApi());
    },
    readStock: async () => {
      installed();
      return readShopifyStock(await adminApi());
    },
    writeStock: async (pending) => {
      installed();
      return writeShopifyStock(await adminApi(), shop.id, pending);
    },
    reconcileOrders: async (deps) => {
      if (shop.uninstalledAt) return { skipped: "uninstalled" };
      return reconcileShopifyOrders(db, await adminApi(), shop, deps);
    },
  };
}

/** The shop's variants that have a SKU, with their available quantity at their (first) location. */
export async function readShopifyStock(admin: ShopifyAdminClient): Promise<StoreStockItem[]> {
  const items: StoreStockItem[] = [];
  let after: string | null = null;
  for (;;) {
    const { data }: { data: { productVariants: { nodes: { sku: string | null; displayName: string; inventoryItem: InventoryItemNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } } =
      await admin.request(STOCK.document, STOCK.variables(after), { estimatedCost: STOCK.cost });
    for (const v of data.productVariants.nodes) {
      const level = levelOf(v.inventoryItem);
      if (!v.sku?.trim() || !level) continue; // without a SKU (or a stocked location) Facto cannot match it to invoice lines
      items.push({ sku: v.sku.trim(), title: v.displayName, quantity: level.quantity, shopifyInventoryItemId: v.inventoryItem.id, shopifyLocationId: level.locationId });
    }
    if (!data.productVariants.pageInfo.hasNextPage) return items;
    after = data.productVariants.pageInfo.endCursor;
  }
}

/**
 * Compare-and-set against what Facto last saw in Shopify (`inventorySetQuantities` with compare
 * quantities); when the store moved meanwhile (a sale), Facto reads the new value and writes again.
 */
async function writeShopifyStock(admin: ShopifyAdminClient, shopId: string, pending: PendingStock[]): Promise<StockWriteResult[]> {
  const linked = pending.filter((p) => p.shopifyInventoryItemId && p.shopifyLocationId);
  const levels = (list: PendingStock[]): StockLevel[] => list.map((p) => ({ inventoryItemId: p.shopifyInventoryItemId!, locationId: p.shopifyLocationId!, quantity: p.quantity, changeFromQuantity: p.storeQuantity }));
  const syncId = `stock-${shopId}-${Date.now()}`;
  const first = await syncShopifyInventory(admin, levels(linked), { syncId, reason: "correction" });
  const staleIds = new Set(first.stale.map((s) => s.inventoryItemId));
  let stillStale = new Set<string>();
  if (staleIds.size > 0) {
    // Shopify refuses input arrays over 250 ids and queries over 1,000 points: re-read in chunks.
    const ids = [...staleIds];
    const fresh = new Map<string, number>();
    for (let i = 0; i < ids.length; i += INVENTORY_ITEMS_CHUNK) {
      const chunk = ids.slice(i, i + INVENTORY_ITEMS_CHUNK);
      const { data } = await admin.request<{ nodes: (InventoryItemNode | null)[] }>(INVENTORY_ITEMS.document, INVENTORY_ITEMS.variables(chunk), { estimatedCost: INVENTORY_ITEMS.cost });
      for (const n of data.nodes) if (n && n.id) fresh.set(n.id, levelOf(n)?.quantity ?? 0);
    }
    const retry = linked.filter((p) => staleIds.has(p.shopifyInventoryItemId!)).map((p) => ({ ...p, storeQuantity: fresh.get(p.shopifyInventoryItemId!) ?? p.storeQuantity }));
    const second = await syncShopifyInventory(admin, levels(retry), { syncId: `${syncId}-reread`, reason: "correction" });
    stillStale = new Set(second.stale.map((s) => s.inventoryItemId));
  }
  return linked.map((p) => ({ id: p.id, sent: p.quantity, error: stillStale.has(p.shopifyInventoryItemId!) ? "The store's quantity kept changing while Facto wrote it; it will be tried again" : null }));
}
