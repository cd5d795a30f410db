import type { Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import { WooApiError, type WooClient } from "~/integrations/woocommerce/woo-client.server";
import { logger } from "~/logger.server";
import { decryptSecret } from "~/utils/encryption.server";
import { registerWebhook, webhookDeliveryUrl, type WooWebhookRemote } from "./connect-woo-store.server";
import { paymentPageUrl } from "./public-urls.server";
import { storeAndEnqueue } from "./webhook-intake.server";

/** Batch endpoints of WooCommerce accept at most 100 items per request (create + update + delete). */
export const WOO_BATCH_LIMIT = 100;
/** Orders modified this long before the cursor are listed again: clocks and commits are not exact. */
const OVERLAP_MS = 10 * 60_000;

/**
 * WooCommerce never retries a webhook and disables it after more than 5 failed deliveries, so every
 * connected store is reconciled on a schedule: Facto's webhooks are re-activated (or registered
 * again when they were deleted), and the orders modified since the last run are listed and go
 * through the inbox like webhooks (one invoice per order, whatever arrives twice).
 */
export async function reconcileWooStore(
  db: Db,
  shopId: string,
  client: WooClient,
  deps: { now: () => Date; enqueueProcessing: (eventId: string) => Promise<void> },
): Promise<{ webhooksRepaired: string[]; orders: number }> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { id: true, domain: true, ordersReconciledAt: true, wooConnection: { include: { webhooks: true } } } });
  const connection = shop.wooConnection;
  if (!connection || connection.disconnectedAt) return { webhooksRepaired: [], orders: 0 };

  const repaired: string[] = [];
  const { data: remote } = await client.get<WooWebhookRemote[]>("webhooks", { per_page: 100 });
  for (const hook of connection.webhooks) {
    const found = remote.find((r) => r.id === hook.remoteId);
    if (found && found.status === "active" && found.delivery_url === webhookDeliveryUrl(connection.id)) {
      await db.wooWebhook.update({ where: { id: hook.id }, data: { status: "active", checkedAt: deps.now() } });
      continue;
    }
    if (found) {
      await client.put(`webhooks/${found.id}`, { status: "active", delivery_url: webhookDeliveryUrl(connection.id) });
      await db.wooWebhook.update({ where: { id: hook.id }, data: { status: "active", checkedAt: deps.now() } });
      repaired.push(`${hook.topic}: re-activated (was ${found.status})`);
    } else {
      const created = await registerWebhook(client, connection.id, hook.topic, decryptSecret(connection.webhookSecret));
      await db.wooWebhook.update({ where: { id: hook.id }, data: { remoteId: created.id, status: created.status, checkedAt: deps.now() } });
      repaired.push(`${hook.topic}: registered again (it had been deleted)`);
    }
  }
  if (repaired.length) logger.warn({ shop: shop.domain, repaired }, "WooCommerce webhooks repaired");

  const since = new Date((shop.ordersReconciledAt ?? connection.connectedAt).getTime() - OVERLAP_MS);
  let cursor = shop.ordersReconciledAt ?? connection.connectedAt;
  let count = 0;
  for (let page = 1; ; page++) {
    const { data: orders, headers } = await client.get<({ id: number; date_modified_gmt?: string | null } & Record<string, unknown>)[]>("orders", {
      modified_after: since.toISOString().slice(0, 19),
      per_page: 100,
      page,
      orderby: "modified",
      order: "asc",
    });
    for (const order of orders) {
      const modified = order.date_modified_gmt ? new Date(`${order.date_modified_gmt.replace(/Z?$/, "")}Z`) : deps.now();
      await storeAndEnqueue(
        db,
        { platform: "WOOCOMMERCE", shopDomain: shop.domain, provider: "WOOCOMMERCE", deliveryId: `${connection.id}:poll:${order.id}:${order.date_modified_gmt ?? "?"}`, topic: "order.updated", rawJson: JSON.stringify(order), triggeredAt: modified },
        deps.enqueueProcessing,
      );
      if (modified > cursor) cursor = modified;
      count++;
    }
    const totalPages = Number(headers["x-wp-totalpages"] ?? "1");
    if (orders.length < 100 || page >= totalPages) break;
  }
  await db.shop.update({ where: { id: shopId }, data: { ordersReconciledAt: cursor } });
  return { webhooksRepaired: repaired, orders: count };
}

/** Reads the invoice behind a write-back; only WooCommerce invoices of a connected store qualify. */
async function wooInvoice(db: Db, invoiceId: string) {
  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: { id: true, shopId: true, channel: true, kind: true, channelOrderId: true, formattedNumber: true, publicToken: true, status: true, payments: { where: { status: "PAID" }, orderBy: { paidAt: "desc" }, take: 1 } },
  });
  return invoice.channel === "WOOCOMMERCE" && invoice.kind === "INVOICE" ? invoice : null;
}

/** The invoice number (and payment page) on the WooCommerce order, as order meta. */
export async function tagWooOrder(db: Db, invoiceId: string, client: WooClient): Promise<"tagged" | "skipped"> {
  const invoice = await wooInvoice(db, invoiceId);
  if (!invoice) return "skipped";
  await client.put(`orders/${invoice.channelOrderId}`, {
    meta_data: [
      { key: "_facto_invoice_number", value: invoice.formattedNumber },
      ...(invoice.publicToken ? [{ key: "_facto_payment_url", value: paymentPageUrl(invoice.publicToken) }] : []),
    ],
  });
  return "tagged";
}

/**
 * A payment Facto recorded marks the WooCommerce order paid: `set_paid` (status processing, date
 * paid, stock reduced by WooCommerce) with the payment's transaction id and the invoice number. An
 * order the store already has as paid only gets the meta (set_paid twice would reduce stock twice).
 */
export async function markWooOrderPaid(db: Db, invoiceId: string, client: WooClient): Promise<"marked" | "already-paid" | "skipped"> {
  const invoice = await wooInvoice(db, invoiceId);
  if (!invoice || invoice.status !== "PAID") return "skipped";
  const { data: order } = await client.get<{ status: string; date_paid_gmt?: string | null }>(`orders/${invoice.channelOrderId}`);
  const alreadyPaid = Boolean(order.date_paid_gmt) || ["processing", "completed", "refunded"].includes(order.status);
  const payment = invoice.payments[0];
  await client.put(`orders/${invoice.channelOrderId}`, {
    ...(alreadyPaid ? {} : { set_paid: true }),
    ...(payment?.externalId && payment.provider !== "CHANNEL" ? { transaction_id: payment.externalId } : {}),
    meta_data: [
      { key: "_facto_invoice_number", value: invoice.formattedNumber },
      { key: "_facto_paid_via", value: payment ? `${payment.provider.toLowerCase()}${payment.method ? ` (${payment.method})` : ""}` : "facto" },
    ],
  });
  logger.info({ invoiceId, order: invoice.channelOrderId, alreadyPaid }, "WooCommerce order marked paid");
  return alreadyPaid ? "already-paid" : "marked";
}

export interface WooStockLevel {
  productId: number;
  /** A variation of productId, or null for a simple product. */
  variationId: number | null;
  quantity: number;
}

/**
 * Stock levels to WooCommerce: simple products through `products/batch`, variations through
 * `products/<id>/variations/batch`, at most 100 items per request. Items the store refuses (unknown
 * id) are reported, the rest is applied.
 */
export async function syncWooStock(client: WooClient, levels: WooStockLevel[]): Promise<{ updated: number; calls: number; refused: { productId: number; variationId: number | null; message: string }[] }> {
  const result = { updated: 0, calls: 0, refused: [] as { productId: number; variationId: number | null; message: string }[] };
  const apply = async (path: string, items: { id: number; manage_stock: true; stock_quantity: number }[], productOf: (id: number) => { productId: number; variationId: number | null }) => {
    for (let i = 0; i < items.length; i += WOO_BATCH_LIMIT) {
      const chunk = items.slice(i, i + WOO_BATCH_LIMIT);
      const { data } = await client.post<{ update?: { id: number; error?: { message: string } }[] }>(path, { update: chunk });
      result.calls++;
      for (const item of data.update ?? []) {
        if (item.error) result.refused.push({ ...productOf(item.id), message: item.error.message });
        else result.updated++;
      }
    }
  };
  const simple = levels.filter((l) => l.variationId === null);
  await apply("products/batch", simple.map((l) => ({ id: l.productId, manage_stock: true, stock_quantity: l.quantity })), (id) => ({ productId: id, variationId: null }));
  const byParent = new Map<number, WooStockLevel[]>();
  for (const l of levels.filter((x) => x.variationId !== null)) byParent.set(l.productId, [...(byParent.get(l.productId) ?? []), l]);
  for (const [parent, list] of byParent) {
    await apply(`products/${parent}/variations/batch`, list.map((l) => ({ id: l.variationId!, manage_stock: true, stock_quantity: l.quantity })), (id) => ({ productId: parent, variationId: id }));
  }
  return result;
}

/** The customer's SEPA mandate on their WooCommerce customer record (meta), for the shop's checkout. */
export async function setWooCustomerMandate(client: WooClient, customerId: string, mandate: { mandateId: string; status: string }): Promise<void> {
  if (!/^\d+$/.test(customerId) || customerId === "0") throw new AppError("BAD_REQUEST", "A guest order has no WooCommerce customer to update");
  try {
    await client.put(`customers/${customerId}`, {
      meta_data: [
        { key: "_facto_sepa_mandate", value: mandate.mandateId },
        { key: "_facto_sepa_mandate_status", value: mandate.status },
      ],
    });
  } catch (error) {
    if (error instanceof WooApiError && error.status === 404) throw new AppError("UPSTREAM_REJECTED", `WooCommerce has no customer ${customerId}`, { cause: error });
    throw error;
  }
}
