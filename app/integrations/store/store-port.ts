import type { Platform } from "~/generated/prisma/enums";

/**
 * What Facto asks of the shop platform a merchant sells on — one implementation per platform
 * (shopify-store.server.ts, woocommerce-store.server.ts), chosen by store-for-shop.server.ts. Jobs
 * and services talk to this port only: no platform branch outside the implementations (a test
 * holds that), and a third platform is one more file here.
 */
export interface StorePort {
  readonly platform: Platform;
  /** The order shows its documents: invoice number, status, payment page, credit notes, PEPPOL state. */
  annotateOrder(documentId: string): Promise<unknown>;
  /** A payment Facto recorded marks the order paid in the store (once: a second call changes nothing). */
  markOrderPaid(invoiceId: string): Promise<unknown>;
  /** The customer's SEPA mandate (Facto's row) on the store's customer record. */
  recordMandate(mandateId: string): Promise<unknown>;
  /** The store's products with a SKU and their quantity. */
  readStock(): Promise<StoreStockItem[]>;
  /** Writes Facto's pending quantities; says per item whether the store took it. */
  writeStock(pending: PendingStock[]): Promise<StockWriteResult[]>;
  /** Lists the orders changed since the last run through the inbox (a missed webhook never means a missing invoice). */
  reconcileOrders(deps: { now: () => Date; enqueueProcessing: (eventId: string) => Promise<void> }): Promise<unknown>;
}

export interface StoreStockItem {
  sku: string;
  title: string;
  quantity: number;
  shopifyInventoryItemId?: string;
  shopifyLocationId?: string;
  wooProductId?: number;
  wooVariationId?: number | null;
}

/** A stock item whose quantity the merchant changed, as Facto keeps it. */
export interface PendingStock {
  id: string;
  quantity: number;
  storeQuantity: number | null;
  shopifyInventoryItemId: string | null;
  shopifyLocationId: string | null;
  wooProductId: number | null;
  wooVariationId: number | null;
}

/** An item the store took (`error` null) or refused / could not take now (`error` says why). */
export interface StockWriteResult {
  id: string;
  sent: number;
  error: string | null;
}
