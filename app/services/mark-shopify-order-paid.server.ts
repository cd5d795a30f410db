import type { Db } from "~/db.server";
import { ShopifyAdminClient, type UserError } from "~/integrations/shopify/admin-graphql-client.server";
import { shopifyAdminForShop } from "~/integrations/shopify/shopify-admin-for-shop.server";
import { MARK_PAID } from "~/integrations/shopify/operations";
import { logger } from "~/logger.server";

/**
 * A payment Facto recorded (online, transfer, direct debit) marks the Shopify order paid, so the
 * merchant sees one truth in Shopify admin. Shopify refuses when nothing is outstanding any more —
 * that means the order is already paid, which is the goal, so it is not an error.
 */
export async function markShopifyOrderPaid(db: Db, invoiceId: string, client?: ShopifyAdminClient): Promise<"marked" | "already-paid" | "skipped"> {
  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: { channel: true, kind: true, channelOrderId: true, shop: { select: { domain: true, uninstalledAt: true } } },
  });
  if (invoice.kind !== "INVOICE" || invoice.shop.uninstalledAt) return "skipped"; // the store port calls this for Shopify shops only
  const admin = client ?? (await shopifyAdminForShop(db, invoice.shop.domain));
  const { data } = await admin.request<{ orderMarkAsPaid: { userErrors: UserError[] } }>(MARK_PAID.document, MARK_PAID.variables(`gid://shopify/Order/${invoice.channelOrderId}`), { estimatedCost: MARK_PAID.cost });
  const errors = data.orderMarkAsPaid.userErrors;
  if (errors.some((e) => /cannot be marked as paid|already paid|no outstanding/i.test(e.message))) return "already-paid";
  ShopifyAdminClient.assertNoUserErrors("orderMarkAsPaid", errors);
  logger.info({ invoiceId, order: invoice.channelOrderId, shop: invoice.shop.domain }, "Shopify order marked paid");
  return "marked";
}
