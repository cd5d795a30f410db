import type { Db } from "~/db.server";
import { ShopifyAdminClient, type UserError } from "~/integrations/shopify/admin-graphql-client.server";
import { shopifyAdminForShop } from "~/integrations/shopify/shopify-admin-for-shop.server";
import { INVOICE_METAFIELDS, TAG_ORDER } from "~/integrations/shopify/operations";
import { logger } from "~/logger.server";
import { paymentPageUrl } from "./public-urls.server";

/**
 * Writes Facto's state of an order on the Shopify order: a tag per document (visible and filterable in
 * the order list) and `facto.*` metafields — the invoice number, its status (issued / paid / credited),
 * the customer-facing invoice page and the credit notes. Called after an invoice or credit note is
 * issued and after a payment; it always writes the current state, so it is safe to run again (both
 * mutations are idempotent on Shopify's side).
 */
export async function tagShopifyOrder(db: Db, documentId: string, client?: ShopifyAdminClient): Promise<"written" | "skipped"> {
  const document = await db.invoice.findUniqueOrThrow({
    where: { id: documentId },
    select: { kind: true, originalInvoiceId: true, shop: { select: { domain: true, uninstalledAt: true } } },
  });
  if (document.shop.uninstalledAt) {
    // The app is gone from the shop: nothing may be written there any more (and no token exists).
    logger.info({ documentId, shop: document.shop.domain }, "shop uninstalled: order not tagged");
    return "skipped";
  }
  const invoiceId = document.kind === "CREDIT_NOTE" && document.originalInvoiceId ? document.originalInvoiceId : documentId;
  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: {
      formattedNumber: true,
      channelOrderId: true,
      status: true,
      publicToken: true,
      creditNotes: { select: { formattedNumber: true }, orderBy: { number: "asc" } },
      peppolDelivery: { select: { state: true } },
    },
  });
  const admin = client ?? (await shopifyAdminForShop(db, document.shop.domain));
  const orderGid = `gid://shopify/Order/${invoice.channelOrderId}`;
  const numbers = [invoice.formattedNumber, ...invoice.creditNotes.map((c) => c.formattedNumber)];

  const tagged = await admin.request<{ tagsAdd: { userErrors: UserError[] } }>(TAG_ORDER.document, TAG_ORDER.variables(orderGid, numbers.map((n) => `Facto ${n}`)), { estimatedCost: TAG_ORDER.cost });
  ShopifyAdminClient.assertNoUserErrors("tagsAdd", tagged.data.tagsAdd.userErrors);

  const text = (key: string, value: string) => ({ ownerId: orderGid, namespace: "facto", key, type: "single_line_text_field", value });
  const metafields = [text("invoice_number", invoice.formattedNumber), text("invoice_status", invoice.status.toLowerCase())];
  if (invoice.publicToken) metafields.push({ ownerId: orderGid, namespace: "facto", key: "invoice_url", type: "url", value: paymentPageUrl(invoice.publicToken) });
  if (invoice.creditNotes.length > 0) metafields.push(text("credit_notes", invoice.creditNotes.map((c) => c.formattedNumber).join(", ")));
  // The invoice's PEPPOL delivery (decision 018): delivered / failed / rejected … on the order.
  if (invoice.peppolDelivery) metafields.push(text("peppol_status", invoice.peppolDelivery.state.toLowerCase()));
  const set = await admin.request<{ metafieldsSet: { userErrors: UserError[] } }>(INVOICE_METAFIELDS.document, INVOICE_METAFIELDS.variables(metafields), { estimatedCost: INVOICE_METAFIELDS.cost });
  ShopifyAdminClient.assertNoUserErrors("metafieldsSet", set.data.metafieldsSet.userErrors);
  logger.info({ invoiceId, shop: document.shop.domain, order: invoice.channelOrderId, status: invoice.status }, "invoice state written on the Shopify order");
  return "written";
}
