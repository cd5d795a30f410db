import { z } from "zod";
import type { Db } from "~/db.server";
import { InvoiceInputError } from "~/domain/invoice/build-invoice-draft";
import { AppError, isAppError } from "~/errors/app-error";
import type { WebhookEventStatus } from "~/generated/prisma/enums";
import { Prisma, type Shop } from "~/generated/prisma/client";
import { HOLD_REASON_OF_ERROR, HoldReason } from "./held-orders.server";
import { mapShopifyOrder } from "~/integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "~/integrations/shopify/order-payload";
import { buyerRedacted } from "~/integrations/shopify/protected-customer-data";
import { cancellationRefund, mapShopifyRefund } from "~/integrations/shopify/map-shopify-refund";
import { ShopifyRefundPayload } from "~/integrations/shopify/refund-payload";
import { DEFAULT_VAT_META_KEYS, mapWooOrder } from "~/integrations/woocommerce/map-woo-order";
import { WooOrderPayload, WooRefundPayload } from "~/integrations/woocommerce/order-payload";
import { mapWooRefund } from "~/integrations/woocommerce/map-woo-refund";
import type { ChannelRefund } from "~/domain/invoice/types";
import { exportCustomerData } from "./export-customer-data.server";
import { CHANNEL_PAYMENT_SELECT, paymentMethodLabel, recordChannelPayment } from "./record-channel-payment.server";
import { afterInvoiceIssued, afterInvoiceIssuedById, issuedDocumentOfInsert, type AfterIssueDeps, type AfterIssueInput } from "./after-invoice-issued.server";
import { issueCreditNote } from "./issue-credit-note.server";
import { logger } from "~/logger.server";
import { parseJsonExact } from "~/utils/parse-json-exact";
import { sqlOf } from "~/models/sql.server";
import { issueInvoice, type BuyerVatCheck, type IssueInvoiceResult } from "./issue-invoice.server";
import { endUnsignedMandate } from "./direct-debit.server";
import { syncMolliePayment, type PaymentEffects } from "./online-payment.server";

/**
 * What processing an inbox row needs from outside. Every collaborator is required: a worker that
 * forgot one does not compile, instead of issuing invoices whose store is never told (decision 024).
 */
export interface ProcessDeps {
  now: () => Date;
  /** Checks a buyer's VAT number in VIES (a retryable error when VIES cannot answer now). */
  checkVat: BuyerVatCheck;
  /** What follows an issued invoice or credit note (after-invoice-issued.server.ts). */
  afterIssue: AfterIssueDeps;
  /** What a payment that settles an invoice sets off (store write-back, thank-you e-mail). */
  payments: PaymentEffects;
  /** Reads the shop's Twikey feeds (mandates, transactions) and applies them. */
  readTwikeyFeeds: (shopId: string) => Promise<{ mandates: number; transactions: number }>;
  /** Fetches, stores and applies a document received over PEPPOL (decision 018). */
  receivePeppolDocument: (shopId: string, providerDocumentId: string) => Promise<string>;
  /** Reads and imports the new transactions of a followed Ponto account (its webhook said there are some). */
  readPontoTransactions: (shopId: string, pontoAccountId: string) => Promise<string>;
  /** Puts an inbox row back on the queue (an order's other webhooks held for its VAT, once it is invoiced). */
  requeueEvent: (eventId: string) => Promise<void>;
  /** Reads one refund of a WooCommerce order (its lines are not in the webhook). */
  wooRefund: (shopId: string, orderId: string, refundId: string) => Promise<WooRefundPayload>;
}

export interface ProcessOutcome {
  status: WebhookEventStatus | "ALREADY_DONE" | "MISSING";
  note?: string;
  invoiceId?: string;
}

type Handler = (db: Db, event: LoadedEvent, deps: ProcessDeps) => Promise<{ status: WebhookEventStatus; note?: string; invoiceId?: string; invoicedOrderId?: string }>;
/** An inbox row being processed, with its shop's row. */
export interface LoadedEvent {
  id: string;
  shopId: string;
  provider: string;
  topic: string;
  triggeredAt: Date | null;
  issueAsComputedAt: Date | null;
  payload: unknown;
  shop: Shop;
}

/**
 * The inbox row still to process, with this attempt counted, and its shop's whole row — in one
 * statement (it was four: the row, its payload as text, the attempt, the shop — decisions 030, 032);
 * null when it is processed already or missing. The payload is read as text and parsed here, so that
 * large ids keep every digit.
 */
export async function claimEvent(db: Db, eventId: string): Promise<LoadedEvent | null> {
  const [row] = await db.$queryRaw<(ClaimedColumns & Shop)[]>`
    UPDATE "WebhookEvent" w SET "attempts" = w."attempts" + 1
    FROM "Shop" s
    WHERE w."id" = ${eventId}::uuid AND w."status" = 'RECEIVED' AND s."id" = w."shopId"
    RETURNING w."id" AS "eventId", w."shopId", w."provider"::text AS "provider", w."topic", w."triggeredAt", w."issueAsComputedAt", w."payload"::text AS "payload", s.*`;
  if (!row) return null;
  const { eventId: id, shopId, provider, topic, triggeredAt, issueAsComputedAt, payload, ...shop } = row;
  return { id, shopId, provider, topic, triggeredAt, issueAsComputedAt, payload: parseJsonExact(payload), shop: shop as Shop };
}

interface ClaimedColumns {
  eventId: string;
  shopId: string;
  provider: string;
  topic: string;
  triggeredAt: Date | null;
  issueAsComputedAt: Date | null;
  payload: string;
}

/**
 * Processes one inbox row. Idempotent: a processed row is skipped, and every handler can run again
 * after a crash without doing its work twice. A permanent problem (bad payload, incomplete shop
 * settings) marks the row FAILED with the reason and does not retry; anything else is rethrown so
 * the job retries with backoff.
 */
export async function processWebhookEvent(db: Db, eventId: string, deps: ProcessDeps): Promise<ProcessOutcome> {
  // The whole shop row comes with it: issuing reads it too (it is passed on, not read again).
  const event = await claimEvent(db, eventId);
  if (!event) return (await db.webhookEvent.findUnique({ where: { id: eventId }, select: { id: true } })) ? { status: "ALREADY_DONE" } : { status: "MISSING" };
  const log = logger.child({ eventId, shop: event.shop.domain, topic: event.topic });

  const handler = HANDLERS[event.provider]?.[event.topic];
  try {
    const result = handler
      ? await handler(db, event, deps)
      : { status: "IGNORED" as const, note: `no handler for ${event.provider} ${event.topic}` };
    log.info({ status: result.status, note: result.note, invoiceId: result.invoiceId }, "webhook processed");
    if (result.status === "PROCESSED" && result.invoicedOrderId) {
      // The usual case, one statement: this row done, the order's rows held for their VAT released.
      for (const held of await finishEvent(db, event, result, deps.now(), result.invoicedOrderId)) await deps.requeueEvent(held);
    } else {
      await finishEvent(db, event, result, deps.now(), null);
      if (result.status === "PROCESSED" && result.invoiceId) await releaseInvoicedHolds(db, event.shopId, result, deps);
    }
    const { invoicedOrderId: _known, ...outcome } = result;
    return outcome;
  } catch (error) {
    // Bad payloads and orders that cannot make a lawful invoice will not improve by retrying.
    const permanent = isAppError(error) ? !error.retryable : error instanceof z.ZodError || error instanceof InvoiceInputError;
    const message = error instanceof z.ZodError ? `invalid payload: ${z.prettifyError(error)}` : error instanceof Error ? error.message : String(error);
    const hold = permanent ? holdOf(error) : null;
    await db.webhookEvent.update({
      where: { id: eventId },
      data: permanent
        ? { status: "FAILED", processedAt: deps.now(), lastError: message, holdReason: hold?.reason ?? null, holdDetail: hold?.detail ?? Prisma.DbNull }
        : { lastError: message },
    });
    if (permanent) {
      log.warn({ err: error }, "webhook could not be processed (permanent)");
      return { status: "FAILED", note: message };
    }
    log.error({ err: error }, "webhook processing failed; will retry");
    throw error;
  }
}

/**
 * A permanent failure that waits for the merchant, as a code (WebhookEvent.holdReason): the admin lists
 * these and the setting that can release them re-queues them by code, never by the text of lastError.
 */
function holdOf(error: unknown): { reason: HoldReason; detail: Prisma.InputJsonValue | typeof Prisma.DbNull } | null {
  if (!isAppError(error)) return null;
  const reason = HOLD_REASON_OF_ERROR[error.code];
  if (!reason) return null;
  const detail = error.details?.["hold"];
  return { reason, detail: detail && typeof detail === "object" ? (detail as Prisma.InputJsonObject) : Prisma.DbNull };
}

/**
 * Marks the row processed (its status, when, the note; no hold) and, given the order it invoiced,
 * releases that order's other rows held for their VAT (back to RECEIVED) — one statement. Returns the
 * released rows' ids, for the caller to requeue.
 */
async function finishEvent(db: Db, event: LoadedEvent, result: { status: WebhookEventStatus; note?: string }, at: Date, invoicedOrderId: string | null): Promise<string[]> {
  const released = await sqlOf(db).query<{ id: string }>(
    `WITH done AS (
       UPDATE "WebhookEvent" SET "status" = $2::"WebhookEventStatus", "processedAt" = $3::timestamp(3), "lastError" = $4, "holdReason" = NULL, "holdDetail" = NULL
       WHERE "id" = $1::uuid
     )
     UPDATE "WebhookEvent" SET "status" = 'RECEIVED', "processedAt" = NULL
     WHERE $5::text IS NOT NULL AND "shopId" = $6::uuid AND "status" = 'FAILED' AND "holdReason" = $7 AND "holdDetail" -> 'orderId' = to_jsonb($5::text) AND "id" <> $1::uuid
     RETURNING "id"`,
    // Dates as UTC ISO strings: a Date given to `pg` would be written in the process's time zone.
    [event.id, result.status, at.toISOString(), result.note ?? null, invoicedOrderId, event.shopId, HoldReason.VAT_MISMATCH],
  );
  return released.map((r) => r.id);
}

/**
 * Once an order has its invoice, its other webhooks still held for their VAT (one arrived while the
 * merchant's choice was being processed) go back to the queue: they find the invoice issued and do
 * the rest of their work (a payment). Without a requeue the inbox reconciler picks them up.
 */
async function releaseInvoicedHolds(db: Db, shopId: string, result: { invoiceId?: string; invoicedOrderId?: string }, deps: ProcessDeps) {
  // The order handlers say which order they invoiced; otherwise the document says whether it is an order's invoice.
  const invoice = result.invoicedOrderId ? { kind: "INVOICE", sourceId: result.invoicedOrderId } : await db.invoice.findUnique({ where: { id: result.invoiceId! }, select: { kind: true, sourceId: true } });
  if (invoice?.kind !== "INVOICE") return;
  const held = await db.webhookEvent.findMany({
    where: { shopId, status: "FAILED", holdReason: HoldReason.VAT_MISMATCH, holdDetail: { path: ["orderId"], equals: invoice.sourceId } },
    select: { id: true },
  });
  if (held.length === 0) return;
  await db.webhookEvent.updateMany({ where: { id: { in: held.map((e) => e.id) } }, data: { status: "RECEIVED", processedAt: null } });
  for (const e of held) await deps.requeueEvent(e.id);
}

/**
 * The after-issue pipeline of an order's invoice: from the invoice as this job inserted it (with the
 * shop row the job read), or — already issued by an earlier delivery or attempt — read back.
 */
function afterIssuing(db: Db, issued: IssueInvoiceResult, shop: Shop, input: AfterIssueInput, deps: AfterIssueDeps) {
  return issued.fresh
    ? afterInvoiceIssued(db, issuedDocumentOfInsert(issued.fresh, shop), input, deps)
    : afterInvoiceIssuedById(db, issued.invoiceId, input, deps);
}

/** The merchant's "Issue as computed by Facto" on a held row reaches issueInvoice. */
const asComputed = (event: LoadedEvent) => (event.issueAsComputedAt ? { issueAsComputed: { at: event.issueAsComputedAt } } : {});

const handleOrder: Handler = async (db, event, deps) => {
  const payload = ShopifyOrderPayload.parse(event.payload);
  const due = invoiceDue(event.shop.invoiceTrigger, payload);
  if (!due.due) return { status: "IGNORED", note: due.reason };
  if (buyerRedacted(payload)) {
    // Shopify has not approved Facto's access to the buyer's name and address: no lawful invoice can be
    // made. The merchant is told (admin home); the event stays FAILED, not retried, until they retry it.
    const reason = `Shopify sent order ${payload.name ?? payload.id} without the buyer's name and address: Facto's access to protected customer data is not approved`;
    await db.shop.update({ where: { id: event.shopId }, data: { customerDataDeniedAt: deps.now(), customerDataDeniedReason: reason } });
    throw new AppError("UPSTREAM_REJECTED", reason);
  }
  if (event.shop.customerDataDeniedAt) await db.shop.update({ where: { id: event.shopId }, data: { customerDataDeniedAt: null, customerDataDeniedReason: null } });
  // Paid in Shopify's checkout: recorded with the invoice (or, already issued, before its documents are rendered), so they say "Paid".
  const paidAt = new Date(payload.processed_at ?? payload.updated_at ?? payload.created_at);
  const paidInStore = payload.financial_status === "paid" ? { paidAt: Number.isNaN(paidAt.getTime()) ? deps.now() : paidAt, method: paymentMethodLabel(payload.payment_gateway_names) } : null;
  const order = mapShopifyOrder(payload);
  const issued = await issueInvoice(db, { shopId: event.shopId, order, now: deps.now(), ...asComputed(event), checkVat: deps.checkVat, shop: event.shop, paidInStore });
  await afterIssuing(db, issued, event.shop, { paidInStore }, deps.afterIssue);
  return {
    status: "PROCESSED",
    invoiceId: issued.invoiceId,
    invoicedOrderId: order.orderId,
    ...(issued.created ? {} : { note: `order already invoiced as ${issued.formattedNumber}` }),
  };
};

/** Whether the merchant's invoice trigger says this order state gets its invoice now. */
export function invoiceDue(
  trigger: "ORDER_CREATED" | "ORDER_PAID" | "ORDER_FULFILLED",
  order: Pick<ShopifyOrderPayload, "financial_status" | "fulfillment_status" | "cancelled_at">,
): { due: true } | { due: false; reason: string } {
  if (order.cancelled_at) return { due: false, reason: "order is cancelled" };
  switch (trigger) {
    case "ORDER_CREATED":
      return { due: true };
    case "ORDER_PAID":
      return order.financial_status === "paid" || order.financial_status === "partially_refunded"
        ? { due: true }
        : { due: false, reason: `invoice on payment: order is ${order.financial_status ?? "unpaid"}` };
    case "ORDER_FULFILLED":
      return order.fulfillment_status === "fulfilled"
        ? { due: true }
        : { due: false, reason: `invoice on fulfilment: order is ${order.fulfillment_status ?? "unfulfilled"}` };
  }
}

const handleCredit = (toRefund: (payload: unknown) => ChannelRefund): Handler => async (db, event, deps) => {
  const refund = toRefund(event.payload);
  const result = await issueCreditNote(db, { shopId: event.shopId, channel: "SHOPIFY", refund, now: deps.now() });
  if (result.status === "nothing-to-credit") return { status: "IGNORED", note: result.reason };
  await afterInvoiceIssuedById(db, result.creditNoteId, { paidInStore: null }, deps.afterIssue);
  return { status: "PROCESSED", invoiceId: result.creditNoteId, ...(result.status === "already-issued" ? { note: `already credited by ${result.formattedNumber}` } : {}) };
};

const refundFromWebhook = (payload: unknown) => mapShopifyRefund(ShopifyRefundPayload.parse(payload));
const cancellationFromWebhook = (payload: unknown) => {
  const order = ShopifyOrderPayload.parse(payload);
  return cancellationRefund(mapShopifyOrder(order).orderId, order.cancelled_at, null);
};

const ScopesUpdate = z.object({ current: z.array(z.string()) });
const DataRequestPayload = z.object({
  customer: z.object({ id: z.union([z.number(), z.string()]).transform(String).nullish(), email: z.string().nullish() }),
});
const CustomersRedact = z.object({ customer: z.object({ id: z.union([z.number(), z.string()]).transform(String) }) });

const SHOPIFY_HANDLERS: Record<string, Handler> = {
  "orders/create": handleOrder,
  "orders/updated": handleOrder,
  "orders/paid": handleOrder,
  "orders/cancelled": handleCredit(cancellationFromWebhook),
  "refunds/create": handleCredit(refundFromWebhook),
  "app/uninstalled": async (db, event, deps) => {
    // Webhooks can arrive after the shop re-installed: only the uninstall that is newer than the install counts.
    if (event.triggeredAt && event.triggeredAt < event.shop.installedAt) return { status: "IGNORED", note: "stale uninstall" };
    await db.$transaction([
      db.session.deleteMany({ where: { shop: event.shop.domain } }),
      db.shop.update({ where: { id: event.shopId }, data: { uninstalledAt: deps.now() } }),
    ]);
    return { status: "PROCESSED" };
  },
  "app/scopes_update": async (db, event) => {
    const { current } = ScopesUpdate.parse(event.payload);
    await db.session.updateMany({ where: { shop: event.shop.domain }, data: { scope: current.join(",") } });
    return { status: "PROCESSED" };
  },
  "customers/data_request": async (db, event, deps) => {
    const { customer } = DataRequestPayload.parse(event.payload);
    const request = await exportCustomerData(db, event.shopId, { externalId: customer.id ?? null, email: customer.email ?? null }, deps.now());
    return { status: "PROCESSED", note: `export ${request.id} ready for the merchant to download` };
  },
  "customers/redact": async (db, event) => {
    const { customer } = CustomersRedact.parse(event.payload);
    // Issued invoices are kept 10 years by law (with the buyer data printed on them); a customer
    // record without invoices is personal data we no longer need.
    const deleted = await db.customer.deleteMany({
      where: { shopId: event.shopId, channel: "SHOPIFY", externalId: customer.id, invoices: { none: {} } },
    });
    return { status: "PROCESSED", note: `${deleted.count} customer record(s) without invoices deleted` };
  },
  "shop/redact": async (db, event) => {
    const deleted = await db.customer.deleteMany({ where: { shopId: event.shopId, invoices: { none: {} } } });
    await db.session.deleteMany({ where: { shop: event.shop.domain } });
    return { status: "PROCESSED", note: `${deleted.count} customer record(s) without invoices deleted; invoices kept for the legal 10 years` };
  },
};


/** WooCommerce statuses after checkout that make an order "placed" (pending = not paid yet, maybe abandoned). */
const WOO_PLACED = ["on-hold", "processing", "completed"];

/** Whether a WooCommerce order is due for its invoice under the merchant's trigger. */
export function wooInvoiceDue(trigger: "ORDER_CREATED" | "ORDER_PAID" | "ORDER_FULFILLED", status: string): { due: true } | { due: false; reason: string } {
  if (trigger === "ORDER_FULFILLED") return status === "completed" ? { due: true } : { due: false, reason: `invoice on fulfilment: order is ${status}` };
  if (trigger === "ORDER_PAID") return status === "processing" || status === "completed" ? { due: true } : { due: false, reason: `invoice on payment: order is ${status}` };
  return WOO_PLACED.includes(status) ? { due: true } : { due: false, reason: `order is ${status}: not placed yet` };
}

const handleWooOrder: Handler = async (db, event, deps) => {
  const payload = WooOrderPayload.parse(event.payload);
  const existing = await db.invoice.findFirst({ where: { shopId: event.shopId, channel: "WOOCOMMERCE", kind: "INVOICE", channelOrderId: payload.id }, select: { ...CHANNEL_PAYMENT_SELECT, formattedNumber: true } });
  const notes: string[] = [];
  let invoiceId = existing?.id;
  if (!existing) {
    const due = wooInvoiceDue(event.shop.invoiceTrigger, payload.status);
    if (!due.due) return { status: "IGNORED", note: due.reason };
    const connection = await db.wooConnection.findUnique({ where: { shopId: event.shopId }, select: { vatMetaKeys: true } });
    const order = mapWooOrder(payload, connection?.vatMetaKeys.length ? { vatMetaKeys: [...DEFAULT_VAT_META_KEYS, ...connection.vatMetaKeys] } : {});
    const paidInStore = wooPaid(payload) ? wooPayment(payload) : null;
    const issued = await issueInvoice(db, { shopId: event.shopId, order, now: deps.now(), ...asComputed(event), checkVat: deps.checkVat, shop: event.shop, paidInStore });
    invoiceId = issued.invoiceId;
    await afterIssuing(db, issued, event.shop, { paidInStore }, deps.afterIssue);
    if (!issued.created) notes.push(`order already invoiced as ${issued.formattedNumber}`);
  } else if (wooPaid(payload)) {
    // Paid later in WooCommerce (bank transfer confirmed by the owner, a gateway's callback...).
    if ((await recordChannelPayment(db, existing, wooPayment(payload)))?.becamePaid) notes.push("paid in the store");
  }

  // Refunds (order.updated lists them): each becomes its credit note, once.
  if (payload.refunds.length && invoiceId) {
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { taxExclusiveTotal: true, taxInclusiveTotal: true } });
    const share = invoice.taxInclusiveTotal.isZero() ? "1" : invoice.taxExclusiveTotal.div(invoice.taxInclusiveTotal).toString();
    for (const listed of payload.refunds) {
      const credited = await db.invoice.findFirst({ where: { shopId: event.shopId, channel: "WOOCOMMERCE", kind: "CREDIT_NOTE", sourceId: `refund:${listed.id}` }, select: { formattedNumber: true } });
      if (credited) continue;
      const refund = mapWooRefund(payload.id, await deps.wooRefund(event.shopId, payload.id, listed.id), payload.prices_include_tax, { netShareOfGross: share });
      const result = await issueCreditNote(db, { shopId: event.shopId, channel: "WOOCOMMERCE", refund, now: deps.now() });
      if (result.status === "nothing-to-credit") {
        notes.push(`refund ${listed.id}: ${result.reason}`);
        continue;
      }
      // The same pipeline as every credit note: also the store write-back WooCommerce credit notes used to miss.
      await afterInvoiceIssuedById(db, result.creditNoteId, { paidInStore: null }, deps.afterIssue);
      notes.push(`refund ${listed.id} credited by ${result.formattedNumber}`);
    }
  }
  // The order's invoice (mapWooOrder's orderId is the payload's id): its rows held for their VAT are released with this one's.
  return { status: "PROCESSED", ...(invoiceId ? { invoiceId, invoicedOrderId: payload.id } : {}), ...(notes.length ? { note: notes.join("; ") } : {}) };
};

const wooPaid = (o: WooOrderPayload) => Boolean(o.date_paid_gmt) && (o.status === "processing" || o.status === "completed");
/** The payment of an order WooCommerce has as paid (date_paid_gmt is UTC without a zone). */
const wooPayment = (o: WooOrderPayload) => ({ paidAt: new Date(`${o.date_paid_gmt!.replace(/Z?$/, "")}Z`), method: o.payment_method_title || "Online" });

const WOO_HANDLERS: Record<string, Handler> = {
  "order.created": handleWooOrder,
  "order.updated": handleWooOrder,
  "order.deleted": async () => ({ status: "IGNORED", note: "a deleted order keeps its invoice; corrections are credit notes" }),
  "product.updated": async () => ({ status: "IGNORED", note: "product changes are not synced yet" }),
};

const MolliePaymentHint = z.object({ id: z.string().regex(/^tr_[A-Za-z0-9]+$/) });

const MOLLIE_HANDLERS: Record<string, Handler> = {
  // Mollie's webhook only says "look at payment tr_…": the payment is fetched and its state recorded.
  payment: async (db, event, deps) => {
    const { id } = MolliePaymentHint.parse(event.payload);
    const result = await syncMolliePayment(db, event.shopId, id, deps.payments);
    if (!result.invoiceId) return { status: "IGNORED", note: result.status };
    return { status: "PROCESSED", invoiceId: result.invoiceId, note: `payment ${id} ${result.status}` };
  },
};

/** Twikey's webhook query (GET, no body), stored as its parameters: only what Facto acts on is read. */
const TwikeyHint = z.object({ type: z.string().optional(), event: z.string().optional(), reason: z.string().optional(), mandateNumber: z.string().max(100).optional() }).loose();

const TWIKEY_HANDLERS: Record<string, Handler> = {
  // A webhook is a trigger: read both feeds from their saved positions.
  feed: async (db, event, deps) => {
    // `Invite` with reason removed|expired: an unsigned mandate ended (it never shows in the feed).
    const params = TwikeyHint.parse(event.payload);
    let ended = "";
    if (params.type === "contract" && params.event?.toLowerCase() === "invite" && /^(removed|expired)$/i.test(params.reason ?? "") && params.mandateNumber) {
      ended = `; invitation ${params.mandateNumber} ${(await endUnsignedMandate(db, event.shopId, params.mandateNumber, params.reason!.toLowerCase())) === "ended" ? "ended" : "unknown or signed"}`;
    }
    const read = await deps.readTwikeyFeeds(event.shopId);
    return { status: "PROCESSED", note: `${read.mandates} mandate and ${read.transactions} transaction event(s) read${ended}` };
  },
  event: async () => ({ status: "IGNORED", note: "Twikey test event" }),
};

const PEPPOL_HANDLERS: Record<string, Handler> = {
  // The provider's webhook only names the document: it is fetched with Facto's credentials.
  "document.received": async (_db, event, deps) => {
    const { documentId } = z.object({ documentId: z.string().min(1).max(200) }).parse(event.payload);
    return { status: "PROCESSED", note: await deps.receivePeppolDocument(event.shopId, documentId) };
  },
};

const PontoAccountEvent = z.object({ data: z.object({ relationships: z.object({ account: z.object({ data: z.object({ id: z.string().min(1).max(100) }) }) }).loose() }) });

const PONTO_HANDLERS: Record<string, Handler> = {
  // Ponto synchronised the account and found new transactions (decision 027): they are read and imported.
  "pontoConnect.account.transactionsCreated": async (_db, event, deps) => {
    const accountId = PontoAccountEvent.parse(event.payload).data.relationships.account.data.id;
    return { status: "PROCESSED", note: await deps.readPontoTransactions(event.shopId, accountId) };
  },
};

const HANDLERS: Partial<Record<string, Record<string, Handler>>> = { SHOPIFY: SHOPIFY_HANDLERS, WOOCOMMERCE: WOO_HANDLERS, MOLLIE: MOLLIE_HANDLERS, TWIKEY: TWIKEY_HANDLERS, PEPPOL: PEPPOL_HANDLERS, PONTO: PONTO_HANDLERS };
