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
    if (found && found.status !== "disabled") {
      // Paused by someone, or pointing elsewhere: set it back.
      await client.put(`webhooks/${found.id}`, { status: "active", delivery_url: webhookDeliveryUrl(connection.id) });
      await db.wooWebhook.update({ where: { id: hook.id }, data: { status: "active", checkedAt: deps.now() } });
      repaired.push(`${hook.topic}: re-activated (was ${found.status})`);
      continue;
    }
    // Gone, or disabled by WooCommerce after more than 5 failed deliveries. A disabled webhook keeps
    // its failure count when it is set active again (WC_Webhook::set_status leaves failure_count;
    // only a 2xx delivery resets it), so one more failure would disable it at once: register a new
    // one (failure count 0) and delete the old.
    const created = await registerWebhook(client, connection.id, hook.topic, decryptSecret(connection.webhookSecret));
    await db.wooWebhook.update({ where: { id: hook.id }, data: { remoteId: created.id, status: created.status, checkedAt: deps.now() } });
    if (found) {
      await client.delete(`webhooks/${found.id}`, { force: true }).catch((error: unknown) => logger.warn({ err: error, webhook: found.id }, "could not delete the disabled WooCommerce webhook"));
      repaired.push(`${hook.topic}: registered again (WooCommerce had disabled it after failed deliveries)`);
    } else repaired.push(`${hook.topic}: registered again (it had been deleted)`);
  }
  if (repaired.length) logger.warn({ shop: shop.domain, repaired }, "WooCommerce webhooks repaired");

  const since = new Date((shop.ordersReconciledAt ?? connection.connectedAt).getTime() - OVERLAP_MS);
  let cursor = shop.ordersReconciledAt ?? connection.connectedAt;
  let count = 0;
  for (let page = 1; ; page++) {
    const { data: orders, headers } = await client.get<({ id: number; date_modified_gmt?: string | null } & Record<string, unknown>)[]>("orders", {
      // Without dates_are_gmt WooCommerce reads modified_after in the store's own time zone
      // (WC_REST_CRUD_Controller::prepare_objects_query): a store at UTC−5 would skip 5 hours.
      modified_after: since.toISOString().slice(0, 19),
      dates_are_gmt: "true",
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

/** Reads the invoice behind a write-back (the store port calls this for WooCommerce shops only). */
async function wooInvoice(db: Db, invoiceId: string) {
  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: { id: true, shopId: true, kind: true, channelOrderId: true, formattedNumber: true, publicToken: true, status: true, payments: { where: { status: "PAID" }, orderBy: { paidAt: "desc" }, take: 1 }, peppolDelivery: { select: { state: true } } },
  });
  return invoice.kind === "INVOICE" ? invoice : null;
}

/**
 * The invoice number, payment page, PEPPOL state and credit notes on the WooCommerce order, as
 * order meta. A credit note writes its invoice's order (its numbers under `_facto_credit_notes`).
 */
export async function tagWooOrder(db: Db, documentId: string, client: WooClient): Promise<"tagged" | "skipped"> {
  const document = await db.invoice.findUniqueOrThrow({ where: { id: documentId }, select: { kind: true, originalInvoiceId: true } });
  const invoice = await wooInvoice(db, document.kind === "CREDIT_NOTE" && document.originalInvoiceId ? document.originalInvoiceId : documentId);
  if (!invoice) return "skipped";
  const creditNotes = await db.invoice.findMany({ where: { originalInvoiceId: invoice.id, kind: "CREDIT_NOTE" }, orderBy: { createdAt: "asc" }, select: { formattedNumber: true } });
  await client.put(`orders/${invoice.channelOrderId}`, {
    meta_data: [
      { key: "_facto_invoice_number", value: invoice.formattedNumber },
      ...(invoice.publicToken ? [{ key: "_facto_payment_url", value: paymentPageUrl(invoice.publicToken) }] : []),
      // The invoice's PEPPOL delivery state (decision 018).
      ...(invoice.peppolDelivery ? [{ key: "_facto_peppol_status", value: invoice.peppolDelivery.state.toLowerCase() }] : []),
      ...(creditNotes.length ? [{ key: "_facto_credit_notes", value: creditNotes.map((c) => c.formattedNumber).join(", ") }] : []),
    ],
  });
  return "tagged";
}

/**
 * A payment Facto recorded marks the WooCommerce order paid, with the payment's transaction id and
 * the invoice number in the order's meta. WooCommerce's `set_paid` only acts on an order that
 * `needs_payment()` — pending or failed (WC_REST_Orders_V2_Controller::save_object) — and does
 * nothing at all to an on-hold order, which is exactly where a bank-transfer (BACS) order waits.
 * So: an order that needs payment gets `set_paid` (WooCommerce's payment_complete(): status, date
 * paid, stock); an on-hold one gets the status the merchant chose (default processing), which
 * WooCommerce also stamps with a date paid. An order the store already has as paid only gets the
 * meta: a second payment event changes nothing.
 */
export async function markWooOrderPaid(db: Db, invoiceId: string, client: WooClient): Promise<"marked" | "already-paid" | "skipped"> {
  const invoice = await wooInvoice(db, invoiceId);
  if (!invoice || invoice.status !== "PAID") return "skipped";
  const connection = await db.wooConnection.findUnique({ where: { shopId: invoice.shopId }, select: { paidStatus: true } });
  const { data: order } = await client.get<{ status: string; date_paid_gmt?: string | null; needs_payment?: boolean; transaction_id?: string; meta_data?: { key: string; value: unknown }[] }>(`orders/${invoice.channelOrderId}`);
  const alreadyPaid = Boolean(order.date_paid_gmt) || ["processing", "completed", "refunded"].includes(order.status);
  const payment = invoice.payments[0];
  const transactionId = payment?.externalId && payment.provider !== "CHANNEL" ? payment.externalId : null;
  const paidStatus = connection?.paidStatus ?? "processing";
  const change = alreadyPaid ? {} : order.needs_payment || order.status === "pending" || order.status === "failed" ? { set_paid: true } : { status: paidStatus };
  const meta = [
    { key: "_facto_invoice_number", value: invoice.formattedNumber },
    { key: "_facto_paid_via", value: payment ? `${payment.provider.toLowerCase()}${payment.method ? ` (${payment.method})` : ""}` : "facto" },
  ];
  const setTransaction = Boolean(transactionId) && (!alreadyPaid || !order.transaction_id);
  const metaInPlace = meta.every((m) => order.meta_data?.some((o) => o.key === m.key && o.value === m.value));
  if (alreadyPaid && !setTransaction && metaInPlace) return "already-paid"; // a second payment event: nothing to write
  await client.put(`orders/${invoice.channelOrderId}`, { ...change, ...(setTransaction ? { transaction_id: transactionId } : {}), meta_data: meta });
  // set_paid leaves the order processing (or completed when every item is virtual and downloadable);
  // a merchant who wants paid orders completed gets that too.
  if ("set_paid" in change && paidStatus === "completed") await client.put(`orders/${invoice.channelOrderId}`, { status: "completed" });
  logger.info({ invoiceId, order: invoice.channelOrderId, alreadyPaid, change }, "WooCommerce order marked paid");
  return alreadyPaid ? "already-paid" : "marked";
}

/** Customer meta keys of the SEPA mandate. */
export const WOO_MANDATE_META = { mandate: "facto_sepa_mandate", status: "facto_sepa_mandate_status" } as const;

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

/**
 * The customer's SEPA mandate on their WooCommerce customer record (meta), for the shop's checkout.
 * The keys are not "protected" (no leading underscore): WooCommerce's customers endpoint drops
 * protected meta on write and hides it on read (WC_REST_Customers_V2_Controller::
 * update_customer_meta_fields / get_formatted_item_data filter on is_protected_meta()).
 */
export async function setWooCustomerMandate(client: WooClient, customerId: string, mandate: { mandateId: string; status: string }): Promise<void> {
  if (!/^\d+$/.test(customerId) || customerId === "0") throw new AppError("BAD_REQUEST", "A guest order has no WooCommerce customer to update");
  try {
    await client.put(`customers/${customerId}`, {
      meta_data: [
        { key: WOO_MANDATE_META.mandate, value: mandate.mandateId },
        { key: WOO_MANDATE_META.status, value: mandate.status },
      ],
    });
  } catch (error) {
    // An unknown customer: WooCommerce 11 answers 404 wc_user_invalid_id (src/Internal/Utilities/Users.php);
    // older controllers threw 400 woocommerce_rest_invalid_id (WC_REST_Customers_V1_Controller::update_item).
    if (error instanceof WooApiError && (error.wooCode === "woocommerce_rest_invalid_id" || error.status === 404)) throw new AppError("UPSTREAM_REJECTED", `WooCommerce has no customer ${customerId}`, { cause: error });
    throw error;
  }
}
