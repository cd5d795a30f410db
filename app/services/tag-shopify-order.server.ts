import type { Db } from "~/db.server";
import { ShopifyAdminClient, type UserError } from "~/integrations/shopify/admin-graphql-client.server";
import { shopifyAdminForShop } from "~/integrations/shopify/shopify-admin-for-shop.server";
import { logger } from "~/logger.server";

const TAGS_ADD = `mutation FactoTagOrder($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`;

const METAFIELDS_SET = `mutation FactoInvoiceMetafields($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { key namespace } userErrors { field message code } }
}`;

/**
 * Writes the invoice number on the Shopify order: a tag (visible and filterable in the order list)
 * and a `facto.invoice_number` metafield. Both calls are idempotent on Shopify's side.
 */
export async function tagShopifyOrder(db: Db, invoiceId: string, client?: ShopifyAdminClient): Promise<void> {
  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: { formattedNumber: true, channel: true, channelOrderId: true, status: true, shop: { select: { domain: true, uninstalledAt: true } } },
  });
  if (invoice.channel !== "SHOPIFY") return;
  if (invoice.shop.uninstalledAt) {
    // The app is gone from the shop: nothing may be written there any more (and no token exists).
    logger.info({ invoiceId, shop: invoice.shop.domain }, "shop uninstalled: order not tagged");
    return;
  }
  const admin = client ?? (await shopifyAdminForShop(db, invoice.shop.domain));
  const orderGid = `gid://shopify/Order/${invoice.channelOrderId}`;

  const tagged = await admin.request<{ tagsAdd: { userErrors: UserError[] } }>(TAGS_ADD, {
    id: orderGid,
    tags: [`Facto ${invoice.formattedNumber}`],
  });
  ShopifyAdminClient.assertNoUserErrors("tagsAdd", tagged.data.tagsAdd.userErrors);

  const set = await admin.request<{ metafieldsSet: { userErrors: UserError[] } }>(METAFIELDS_SET, {
    metafields: [
      { ownerId: orderGid, namespace: "facto", key: "invoice_number", type: "single_line_text_field", value: invoice.formattedNumber },
      { ownerId: orderGid, namespace: "facto", key: "invoice_status", type: "single_line_text_field", value: invoice.status.toLowerCase() },
    ],
  });
  ShopifyAdminClient.assertNoUserErrors("metafieldsSet", set.data.metafieldsSet.userErrors);
  logger.info({ invoiceId, shop: invoice.shop.domain, order: invoice.channelOrderId }, "invoice number written on the Shopify order");
}
