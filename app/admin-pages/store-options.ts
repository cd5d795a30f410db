// What the WooCommerce store page shows and accepts, for its component and its action alike.

/** What an order paid through Facto becomes in WooCommerce (both are "paid" statuses: wc_get_is_paid_statuses()). */
export const WOO_PAID_STATUSES = ["processing", "completed"] as const;

/** The pages of a WooCommerce store's admin, in its navigation's order: [path below /woo/stores/:shopId, label]. */
export const STORE_PAGES: readonly (readonly [string, string])[] = [
  ["", "Store & invoices"],
  ["/settings", "Settings"],
  ["/customers", "Customers"],
  ["/stock", "Stock"],
  ["/payments", "Payments & e-mails"],
  ["/peppol", "PEPPOL"],
  ["/incoming", "Incoming"],
  ["/bank", "Bank statements"],
  ["/bank-settings", "Bank settings"],
  ["/products", "VAT of products"],
  ["/danger-zone", "Danger zone"],
];
