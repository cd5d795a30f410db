import { ShopifyAdminClient, type UserError } from "~/integrations/shopify/admin-graphql-client.server";
import { INVENTORY_BATCH_SIZE, SET_INVENTORY } from "~/integrations/shopify/operations";
import { logger } from "~/logger.server";

export interface StockLevel {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  /** What Facto last knew Shopify had (compare-and-set); null overwrites whatever is there. */
  changeFromQuantity: number | null;
}

export interface InventorySyncResult {
  updated: number;
  /** Levels Shopify refused because its quantity moved since we read it (re-read, then retry). */
  stale: StockLevel[];
  calls: number;
}

/**
 * Sets available quantities in Shopify with `inventorySetQuantities` (API 2026-04+ rules): batches of
 * at most 250, every quantity with its compare value, each batch under an idempotency key derived
 * from `syncId` so a retried job never applies a batch twice. The client paces the calls by the
 * shop's cost budget, so a large sync runs at the budget's speed without THROTTLED errors.
 */
export async function syncShopifyInventory(
  admin: ShopifyAdminClient,
  levels: StockLevel[],
  options: { syncId: string; reason?: string; referenceDocumentUri?: string },
): Promise<InventorySyncResult> {
  const result: InventorySyncResult = { updated: 0, stale: [], calls: 0 };
  for (let start = 0; start < levels.length; start += INVENTORY_BATCH_SIZE) {
    const batch = levels.slice(start, start + INVENTORY_BATCH_SIZE);
    const { data } = await admin.request<{ inventorySetQuantities: { userErrors: (UserError & { code?: string | null })[] } }>(
      SET_INVENTORY.document,
      SET_INVENTORY.variables(`${options.syncId}-${start / INVENTORY_BATCH_SIZE}`, batch, options),
      { estimatedCost: SET_INVENTORY.cost },
    );
    result.calls++;
    const errors = data.inventorySetQuantities.userErrors;
    const staleIndexes = errors.filter((e) => e.code === "CHANGE_FROM_QUANTITY_STALE").map((e) => Number(e.field?.[2]));
    if (errors.length > staleIndexes.length) ShopifyAdminClient.assertNoUserErrors("inventorySetQuantities", errors.filter((e) => e.code !== "CHANGE_FROM_QUANTITY_STALE"));
    if (staleIndexes.length > 0) {
      // The mutation is atomic: nothing in this batch was applied. The stale ones go back to the
      // caller; the others are sent again on their own.
      result.stale.push(...staleIndexes.map((i) => batch[i]!).filter(Boolean));
      const fresh = batch.filter((_, i) => !staleIndexes.includes(i));
      if (fresh.length > 0) {
        const again = await syncShopifyInventory(admin, fresh, { ...options, syncId: `${options.syncId}-${start / INVENTORY_BATCH_SIZE}-retry` });
        result.updated += again.updated;
        result.calls += again.calls;
        result.stale.push(...again.stale);
      }
    } else {
      result.updated += batch.length;
    }
  }
  logger.info({ updated: result.updated, stale: result.stale.length, calls: result.calls, syncId: options.syncId }, "inventory synced to Shopify");
  return result;
}
