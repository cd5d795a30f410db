import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { AppError, isAppError } from "~/errors/app-error";
import { ShopifyAdminClient, type UserError } from "~/integrations/shopify/admin-graphql-client.server";
import { MANDATE_METAFIELD, MANDATE_TAG_ADD, MANDATE_TAG_REMOVE } from "~/integrations/shopify/operations";
import { TWIKEY_PRODUCTION, twikeyClient, type TwikeyClient, type TwikeyMandateEvent, type TwikeyTransactionEvent } from "~/integrations/twikey/twikey-client.server";
import { logger } from "~/logger.server";
import { decryptSecret } from "~/utils/encryption.server";
import { settleWithEffects, type PaymentEffects } from "./online-payment.server";
import { recordInvoiceEvent } from "./settle-invoice-payments.server";

/**
 * SEPA direct debit through the merchant's Twikey: mandates per customer (invited, signed,
 * cancelled), collections of invoices (one live collection per invoice, ever), and the feeds that
 * tell Facto what happened. Webhooks and the schedule only trigger a feed read; the feeds are the truth.
 */
export async function twikeyForShop(db: Db, shopId: string): Promise<TwikeyClient | null> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { twikeyApiKey: true, twikeyBaseUrl: true } });
  if (!shop.twikeyApiKey) return null;
  return twikeyClient({ baseUrl: shop.twikeyBaseUrl || TWIKEY_PRODUCTION, apiKey: decryptSecret(shop.twikeyApiKey) });
}

export const DIRECT_DEBIT = "DIRECT_DEBIT";

/** The customer's signed mandate, if any. */
export function activeMandate(db: Db, customerId: string) {
  return db.mandate.findFirst({ where: { customerId, status: "SIGNED" }, orderBy: { signedAt: "desc" } });
}

/**
 * A new invoice of a customer with a signed mandate, in a shop that collects automatically (Twikey set
 * up, auto-collection on), is collected without the merchant asking. Given the loaded invoice.
 */
export async function dueForAutoCollection(
  db: Db,
  invoice: { kind: string; status: string; customerId: string | null; shop: { twikeyApiKey: string | null; twikeyAutoCollect: boolean } },
): Promise<boolean> {
  if (invoice.kind !== "INVOICE" || !invoice.customerId || invoice.status !== "ISSUED" || !invoice.shop.twikeyApiKey || !invoice.shop.twikeyAutoCollect) return false;
  return Boolean(await activeMandate(db, invoice.customerId));
}

/**
 * Prepares a mandate for a customer (after checkout, on the payment page, or from the customer's
 * record) and returns Twikey's signing page. B2B when the customer is a business and the shop has a
 * B2B template. With sendInvite Twikey e-mails the invitation itself.
 */
export async function startMandate(db: Db, shopId: string, customerId: string, options: { sendInvite: boolean; client?: TwikeyClient }): Promise<{ mandateId: string; url: string | null; alreadyActive: boolean }> {
  const existing = await activeMandate(db, customerId);
  if (existing) return { mandateId: existing.mndtId, url: null, alreadyActive: true };
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { twikeyTemplateCore: true, twikeyTemplateB2b: true, defaultLanguage: true } });
  const customer = await db.customer.findFirst({ where: { id: customerId, shopId } });
  if (!customer) throw new AppError("NOT_FOUND", "Customer not found");
  const client = options.client ?? (await twikeyForShop(db, shopId));
  if (!client || !shop.twikeyTemplateCore) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "Direct debit is not set up for this shop (Twikey API key and contract template)");
  const business = Boolean(customer.vatNumber && customer.companyName);
  const template = business && shop.twikeyTemplateB2b ? shop.twikeyTemplateB2b : shop.twikeyTemplateCore;
  const invite = await client.invite({
    template,
    language: customer.language ?? shop.defaultLanguage,
    email: customer.email,
    name: customer.name,
    companyName: customer.companyName,
    vatNumber: customer.vatNumber,
    customerNumber: customer.id,
    sendInvite: options.sendInvite,
  });
  await db.mandate.upsert({
    where: { shopId_mndtId: { shopId, mndtId: invite.mndtId } },
    create: { shopId, customerId, mndtId: invite.mndtId, status: options.sendInvite ? "INVITED" : "PREPARED", scheme: business && shop.twikeyTemplateB2b ? "B2B" : "CORE", template, email: customer.email, inviteUrl: invite.url },
    update: { inviteUrl: invite.url, template, ...(options.sendInvite ? { status: "INVITED" } : {}) },
  });
  logger.info({ shopId, customerId, mndtId: invite.mndtId, sendInvite: options.sendInvite }, "mandate invitation prepared");
  return { mandateId: invite.mndtId, url: invite.url, alreadyActive: false };
}

export interface DirectDebitDeps {
  effects: PaymentEffects;
  /** Tells the store the customer's mandate changed (Shopify customer metafield + tag, Woo meta). */
  syncMandateToStore: (mandateId: string) => Promise<void>;
  /** Collects the customer's open invoices that asked for it (a mandate signed on a payment page). */
  enqueueCollection: (invoiceId: string) => Promise<void>;
  /** Tells the merchant a collection failed. */
  notifyMerchant: (shopId: string, subject: string, text: string) => Promise<void>;
}

const FEED_LEASE_MS = 5 * 60_000;

/**
 * Reads both Twikey feeds from their saved positions until they are empty — one reader per shop at
 * a time (Twikey's feeds move on from X-RESUME-AFTER: two readers at once would read and apply the
 * same page twice and race on the saved position). The reader holds a lease on the shop; a trigger
 * that comes while it reads (webhook, schedule, exit page) marks the shop "read again" and returns:
 * the reader reads once more before it gives the lease back, in the same statement that checks the
 * mark, so no trigger is lost. A lease left by a crashed reader expires after five minutes.
 */
export async function readTwikeyFeeds(db: Db, shopId: string, client: TwikeyClient, deps: DirectDebitDeps): Promise<{ mandates: number; transactions: number; deferred?: true }> {
  const lease = randomUUID();
  const acquire = async () => {
    const now = new Date();
    const { count } = await db.shop.updateMany({
      where: { id: shopId, OR: [{ twikeyFeedLeaseUntil: null }, { twikeyFeedLeaseUntil: { lt: now } }] },
      data: { twikeyFeedLease: lease, twikeyFeedLeaseUntil: new Date(now.getTime() + FEED_LEASE_MS), twikeyFeedRerun: false },
    });
    return count === 1;
  };
  if (!(await acquire())) {
    await db.shop.update({ where: { id: shopId }, data: { twikeyFeedRerun: true } });
    // The reader may have given the lease back in between: then this trigger reads itself.
    if (!(await acquire())) {
      logger.info({ shopId }, "Twikey feeds are being read by another worker: it reads them once more");
      return { mandates: 0, transactions: 0, deferred: true };
    }
  }
  const total = { mandates: 0, transactions: 0 };
  try {
    for (;;) {
      const read = await readTwikeyFeedsOnce(db, shopId, client, deps, async () => {
        await db.shop.updateMany({ where: { id: shopId, twikeyFeedLease: lease }, data: { twikeyFeedLeaseUntil: new Date(Date.now() + FEED_LEASE_MS) } });
      });
      total.mandates += read.mandates;
      total.transactions += read.transactions;
      const { count: released } = await db.shop.updateMany({ where: { id: shopId, twikeyFeedLease: lease, twikeyFeedRerun: false }, data: { twikeyFeedLease: null, twikeyFeedLeaseUntil: null } });
      if (released) return total;
      const { count: again } = await db.shop.updateMany({ where: { id: shopId, twikeyFeedLease: lease }, data: { twikeyFeedRerun: false, twikeyFeedLeaseUntil: new Date(Date.now() + FEED_LEASE_MS) } });
      if (!again) return total; // the lease expired and another reader took over
    }
  } catch (error) {
    await db.shop.updateMany({ where: { id: shopId, twikeyFeedLease: lease }, data: { twikeyFeedLease: null, twikeyFeedLeaseUntil: null } }).catch(() => undefined);
    throw error;
  }
}

async function readTwikeyFeedsOnce(db: Db, shopId: string, client: TwikeyClient, deps: DirectDebitDeps, renew: () => Promise<void>): Promise<{ mandates: number; transactions: number }> {
  let mandates = 0;
  let transactions = 0;
  for (let round = 0; round < 50; round++) {
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { twikeyMandateFeedPosition: true } });
    const { events, last } = await client.mandateFeed(shop.twikeyMandateFeedPosition);
    for (const event of events) await applyMandateEvent(db, shopId, client, event, deps);
    mandates += events.length;
    if (last) await db.shop.update({ where: { id: shopId }, data: { twikeyMandateFeedPosition: last } });
    await renew();
    if (!events.length || !last) break;
  }
  for (let round = 0; round < 50; round++) {
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { twikeyTransactionFeedPosition: true } });
    const { events, last } = await client.transactionFeed(shop.twikeyTransactionFeedPosition);
    for (const event of events) await applyTransactionEvent(db, shopId, event, deps);
    transactions += events.length;
    if (last) await db.shop.update({ where: { id: shopId }, data: { twikeyTransactionFeedPosition: last } });
    await renew();
    if (!events.length || !last) break;
  }
  return { mandates, transactions };
}

async function applyMandateEvent(db: Db, shopId: string, client: TwikeyClient, e: TwikeyMandateEvent, deps: DirectDebitDeps) {
  if (!e.mndtId) return;
  let mandate = await db.mandate.findUnique({ where: { shopId_mndtId: { shopId, mndtId: e.mndtId } } });
  if (!mandate) {
    // A mandate signed outside Facto (e.g. Twikey's own form): link it by the customer number we use.
    const customer = e.customerNumber && /^[0-9a-f-]{36}$/i.test(e.customerNumber) ? await db.customer.findFirst({ where: { id: e.customerNumber, shopId } }) : null;
    mandate = await db.mandate.create({ data: { shopId, customerId: customer?.id ?? null, mndtId: e.mndtId, status: "PREPARED", email: e.email } });
  }
  if (e.kind === "suspended" || (e.kind === "updated" && mandate.status === "SUSPENDED")) {
    // A suspension is an amendment, not a signature: the mandate is not collected until it resumes
    // (and an amendment of a suspended mandate — new address, say — does not resume it).
    if (mandate.status === "CANCELLED") return;
    await db.mandate.update({ where: { id: mandate.id }, data: { status: "SUSPENDED", ...(e.iban ? { iban: e.iban } : {}), ...(e.bic ? { bic: e.bic } : {}), ...(e.debtorName ? { debtorName: e.debtorName } : {}) } });
    if (mandate.customerId && !(await db.mandate.findFirst({ where: { customerId: mandate.customerId, status: "SIGNED", id: { not: mandate.id } } }))) {
      await db.customer.update({ where: { id: mandate.customerId }, data: { paymentMethod: null } });
    }
    if (mandate.status !== "SUSPENDED") await deps.syncMandateToStore(mandate.id);
    logger.info({ shopId, mndtId: e.mndtId, reason: e.amendmentReason }, "mandate suspended");
    return;
  }
  if (e.kind === "cancelled") {
    await db.mandate.update({ where: { id: mandate.id }, data: { status: "CANCELLED", cancelledAt: e.at ? new Date(e.at) : new Date(), cancelReason: e.cancelReason } });
    if (mandate.customerId && !(await db.mandate.findFirst({ where: { customerId: mandate.customerId, status: "SIGNED", id: { not: mandate.id } } }))) {
      await db.customer.update({ where: { id: mandate.customerId }, data: { paymentMethod: null } });
    }
    await deps.syncMandateToStore(mandate.id);
    logger.info({ shopId, mndtId: e.mndtId, reason: e.cancelReason }, "mandate cancelled");
    return;
  }
  if (mandate.status === "CANCELLED") return; // a late amendment of a cancelled mandate signs nothing
  // A resumption takes a suspended mandate back to signed; a plain amendment of a mandate Facto did
  // not know as signed is the mandate as Twikey has it now (amendments only exist for signed ones).
  const wasSigned = mandate.status === "SIGNED" || mandate.status === "SUSPENDED";
  const pdf = await client.mandatePdf(e.mndtId).catch((error) => {
    logger.warn({ err: error, mndtId: e.mndtId }, "the signed mandate PDF could not be fetched; kept without it");
    return null;
  });
  await db.mandate.update({
    where: { id: mandate.id },
    data: { status: "SIGNED", scheme: e.scheme ?? mandate.scheme, iban: e.iban, bic: e.bic, debtorName: e.debtorName, email: e.email ?? mandate.email, signedAt: mandate.signedAt ?? (e.at ? new Date(e.at) : new Date()), ...(pdf ? { pdf: new Uint8Array(pdf) } : {}) },
  });
  if (mandate.customerId) await db.customer.update({ where: { id: mandate.customerId }, data: { paymentMethod: DIRECT_DEBIT } });
  await deps.syncMandateToStore(mandate.id);
  if (!wasSigned && mandate.customerId) {
    // Invoices the customer chose to pay by direct debit on their payment page are collected now.
    const asked = await db.invoiceEvent.findMany({ where: { shopId, type: "mandate.requested", invoice: { customerId: mandate.customerId, status: "ISSUED" } }, select: { invoiceId: true } });
    for (const { invoiceId } of asked) await deps.enqueueCollection(invoiceId);
  }
  logger.info({ shopId, mndtId: e.mndtId, kind: e.kind }, e.kind === "resumed" ? "mandate resumed" : "mandate signed");
}

/**
 * Twikey's `Invite` webhook with reason removed or expired: the invitation (a prepared, unsigned
 * mandate) is gone, so it ends — it never reaches the mandate feed, which only carries signed,
 * amended and cancelled mandates. A signed mandate is never touched by this.
 */
export async function endUnsignedMandate(db: Db, shopId: string, mndtId: string, reason: string): Promise<"ended" | "ignored"> {
  const { count } = await db.mandate.updateMany({
    where: { shopId, mndtId, status: { in: ["PREPARED", "INVITED"] } },
    data: { status: "CANCELLED", cancelledAt: new Date(), cancelReason: `invitation ${reason} in Twikey`, inviteUrl: null },
  });
  if (count) logger.info({ shopId, mndtId, reason }, "unsigned mandate ended");
  return count ? "ended" : "ignored";
}

async function applyTransactionEvent(db: Db, shopId: string, e: TwikeyTransactionEvent, deps: DirectDebitDeps) {
  const line = await db.payment.findFirst({ where: { shopId, provider: "DIRECT_DEBIT", externalId: e.id } });
  if (!line) return;
  if (e.state === "PAID" && line.status !== "PAID") {
    // Conditional update: two feed readers at once apply the event once.
    const { count } = await db.payment.updateMany({ where: { id: line.id, status: { not: "PAID" } }, data: { status: "PAID", failureReason: null, paidAt: e.bookedAt ? new Date(`${e.bookedAt.slice(0, 10)}T12:00:00Z`) : new Date(), method: `SEPA direct debit (mandate ${line.mandateReference ?? "?"})` } });
    if (!count) return;
    await recordInvoiceEvent(db, { shopId, invoiceId: line.invoiceId, type: "payment.paid", message: `Collected by direct debit: ${line.currency} ${line.amount.toFixed(2)} (mandate ${line.mandateReference ?? "?"}, transaction ${e.id})` });
    await settleWithEffects(db, line.invoiceId, deps.effects);
  } else if (e.state === "ERROR" && !e.final && line.status === "PENDING") {
    // swagger (GET /creditor/transaction, example): `"final": false, "state": "ERROR", "bkerror": "MS03"`
    // — Twikey will present it again (its dunning): the collection is still live, the invoice stays
    // claimed so nothing starts a second debit. Only a final ERROR frees it.
    const reason = [e.bankError, e.bankMessage].filter(Boolean).join(": ") || "refused by the bank";
    const { count } = await db.payment.updateMany({ where: { id: line.id, status: "PENDING", NOT: { failureReason: reason } }, data: { failureReason: reason } });
    const first = count || (await db.payment.updateMany({ where: { id: line.id, status: "PENDING", failureReason: null }, data: { failureReason: reason } })).count;
    if (first) await recordInvoiceEvent(db, { shopId, invoiceId: line.invoiceId, type: "collection.retrying", message: `Direct debit refused by the bank for now (${reason}); Twikey tries again — the collection stays open` });
  } else if (e.state === "ERROR" && e.final && line.status !== "FAILED") {
    const reason = [e.bankError, e.bankMessage].filter(Boolean).join(": ") || "refused by the bank";
    // The collection is over: the invoice may be collected again (or paid otherwise).
    const { count } = await db.payment.updateMany({ where: { id: line.id, status: { not: "FAILED" } }, data: { status: "FAILED", failureReason: reason, collectionFor: null } });
    if (!count) return;
    await recordInvoiceEvent(db, { shopId, invoiceId: line.invoiceId, type: "collection.failed", message: `Direct debit failed (${reason}): the invoice is unpaid again` });
    await settleWithEffects(db, line.invoiceId, deps.effects);
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: line.invoiceId }, select: { formattedNumber: true, buyer: true } });
    await deps.notifyMerchant(shopId, `Direct debit of ${invoice.formattedNumber} failed (${e.bankError ?? "bank"})`, `The collection of invoice ${invoice.formattedNumber} (${line.currency} ${line.amount.toFixed(2)}, mandate ${line.mandateReference}) was refused by the bank: ${reason}.\nThe invoice is unpaid again; contact ${(invoice.buyer as { name?: string }).name ?? "the customer"} or collect it again from Facto.`);
  }
}

/**
 * Collects an invoice through Twikey. One live collection per invoice, ever: the payment line claims
 * `collectionFor = invoice id` (unique) before Twikey is called, with its own id as Idempotency-Key,
 * so a retried job, a second click or a concurrent auto-collection can never debit twice.
 */
/** How long a collection request in flight belongs to its caller before a retry may take it over. */
const COLLECTION_LEASE_MS = 30_000;

export async function collectInvoice(db: Db, invoiceId: string, client?: TwikeyClient, notify?: (invoiceId: string) => Promise<void>): Promise<{ status: "collecting" | "already-collecting" | "skipped"; reason?: string; transactionId?: string }> {
  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: { id: true, shopId: true, kind: true, status: true, amountDue: true, currency: true, formattedNumber: true, customerId: true, shop: { select: { legalName: true, name: true } } },
  });
  if (invoice.kind !== "INVOICE" || invoice.status !== "ISSUED" || !invoice.amountDue.greaterThan(0)) return { status: "skipped", reason: `the invoice is ${invoice.status.toLowerCase()}` };
  if (invoice.currency !== "EUR") return { status: "skipped", reason: "SEPA direct debit collects EUR only" };
  const mandate = invoice.customerId ? await activeMandate(db, invoice.customerId) : null;
  if (!mandate) return { status: "skipped", reason: "the customer has no signed mandate" };

  let line = await db.payment.findUnique({ where: { collectionFor: invoiceId } });
  if (line?.externalId) {
    // Created in Twikey but not yet sent to the bank (the job stopped in between): send it now.
    if (!line.sentToBankAt) await sendToBank(db, line.id, client);
    return { status: "already-collecting", transactionId: line.externalId };
  }
  if (!line) {
    try {
      line = await db.payment.create({
        data: { shopId: invoice.shopId, invoiceId, provider: "DIRECT_DEBIT", status: "PENDING", amount: invoice.amountDue, currency: "EUR", mandateReference: mandate.mndtId, collectionFor: invoiceId },
      });
    } catch (error) {
      if ((error as { code?: string }).code === "P2002") return { status: "already-collecting" };
      throw error;
    }
  } else {
    // A line without its Twikey transaction: another caller is requesting it right now, or a job stopped in
    // between. Only one caller takes it over, and only once it has been left alone for a while: a fresh line is
    // someone else's (retry later); a stale one is claimed by moving its updatedAt (compare-and-set). Twikey's
    // idempotency key (the line's id) covers a takeover of a request that did reach Twikey.
    const inProgress = new AppError("IN_PROGRESS", `The direct debit of ${invoice.formattedNumber} is being requested right now`);
    if (Date.now() - line.updatedAt.getTime() < COLLECTION_LEASE_MS) throw inProgress;
    const claimed = await db.payment.updateMany({ where: { id: line.id, externalId: null, updatedAt: line.updatedAt }, data: { updatedAt: new Date() } });
    if (claimed.count !== 1) throw inProgress;
  }
  const twikey = client ?? (await twikeyForShop(db, invoice.shopId));
  if (!twikey) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "Direct debit is not set up for this shop");
  let transactionId: string;
  try {
    const { id } = await twikey.createTransaction({
      mndtId: mandate.mndtId,
      amount: line.amount.toFixed(2),
      message: `${invoice.shop.legalName ?? invoice.shop.name ?? ""} ${invoice.formattedNumber}`.trim(),
      ref: invoice.formattedNumber,
      idempotencyKey: line.id,
    });
    transactionId = id;
    await db.payment.update({ where: { id: line.id }, data: { externalId: id } });
    await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId, type: "collection.started", message: `Direct debit requested: ${line.currency} ${line.amount.toFixed(2)} from mandate ${mandate.mndtId} (transaction ${id})` });
  } catch (error) {
    if (isAppError(error) && !error.retryable) {
      await db.payment.update({ where: { id: line.id }, data: { status: "FAILED", failureReason: error.message.slice(0, 500), collectionFor: null } });
      await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId, type: "collection.failed", message: `Direct debit could not be requested: ${error.message}`.slice(0, 500) });
    }
    throw error;
  }
  // Twikey only queues a transaction: it reaches the bank once a collection is executed. The
  // transaction exists now, so a failure here never frees the invoice: the job (or the next feed
  // read, sendUnsentCollections) sends it later.
  try {
    await sendToBank(db, line.id, twikey);
  } catch (error) {
    await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId, type: "collection.unsent", message: `Twikey has the collection (transaction ${transactionId}) but did not send it to the bank yet: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500) });
    if (!isAppError(error) || error.retryable) throw error;
  }
  // The SEPA pre-notification, when the shop wants Facto to send it.
  await notify?.(invoiceId);
  return { status: "collecting", transactionId };
}

/** The contract template a mandate's collections run under: the one Facto invited with, else by scheme. */
async function templateOf(db: Db, shopId: string, mndtId: string): Promise<string | null> {
  const [mandate, shop] = await Promise.all([
    db.mandate.findUnique({ where: { shopId_mndtId: { shopId, mndtId } }, select: { template: true, scheme: true } }),
    db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { twikeyTemplateCore: true, twikeyTemplateB2b: true } }),
  ]);
  return mandate?.template ?? (mandate?.scheme === "B2B" && shop.twikeyTemplateB2b ? shop.twikeyTemplateB2b : shop.twikeyTemplateCore);
}

const today = () => new Date().toISOString().slice(0, 10);

/** The external id of a collection in a pain.008 file for the merchant's own bank (invoice-actions). */
const OWN_BANK_PREFIX = "pain008:";

/**
 * Sends a queued collection to the bank: `POST /creditor/collect` for the mandate's template,
 * restricted to its mandate (swagger: "Prepare a collection file and sent to collecting agent";
 * `mndtId`: "Optional array of mandateId's (default = all with billable entries)"). Without this
 * call a transaction waits in Twikey unless the merchant turned on Twikey's automatic sending;
 * with it, Facto does not depend on that setting (a transaction is in one collection only, so
 * both at once collect it once). Marks the line sent.
 */
async function sendToBank(db: Db, paymentId: string, client?: TwikeyClient): Promise<void> {
  const line = await db.payment.findUniqueOrThrow({ where: { id: paymentId }, select: { id: true, shopId: true, invoiceId: true, mandateReference: true, sentToBankAt: true, externalId: true } });
  // A line of a pain.008 file (the merchant's own bank) is not Twikey's to send.
  if (line.sentToBankAt || !line.mandateReference || !line.externalId || line.externalId.startsWith(OWN_BANK_PREFIX)) return;
  const template = await templateOf(db, line.shopId, line.mandateReference);
  const twikey = client ?? (await twikeyForShop(db, line.shopId));
  if (!twikey || !template) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "Direct debit is not set up for this shop");
  const { id } = await twikey.collect({ template, collectionDate: today(), mndtIds: [line.mandateReference] });
  const { count } = await db.payment.updateMany({ where: { id: line.id, sentToBankAt: null }, data: { sentToBankAt: new Date() } });
  if (count) await recordInvoiceEvent(db, { shopId: line.shopId, invoiceId: line.invoiceId, type: "collection.sent", message: `Sent to the bank by Twikey (transaction ${line.externalId}${id ? `, collection ${id}` : ""})` });
}

/** Collections Twikey has but that were never sent to the bank (a job stopped in between): sent now. */
export async function sendUnsentCollections(db: Db, shopId: string, client: TwikeyClient): Promise<number> {
  const lines = await db.payment.findMany({ where: { shopId, provider: "DIRECT_DEBIT", status: "PENDING", externalId: { not: null }, NOT: { externalId: { startsWith: OWN_BANK_PREFIX } }, sentToBankAt: null, createdAt: { lt: new Date(Date.now() - 60_000) } }, select: { id: true } });
  for (const line of lines) await sendToBank(db, line.id, client);
  return lines.length;
}

const MANDATE_TAG = "Facto direct debit";

/** The mandate on the Shopify customer: metafield facto.sepa_mandate (JSON) and a tag while it is signed. */
export async function syncMandateToShopify(db: Db, mandateId: string, admin: ShopifyAdminClient): Promise<"synced" | "skipped"> {
  const mandate = await db.mandate.findUniqueOrThrow({ where: { id: mandateId }, include: { customer: true } });
  if (!mandate.customer) return "skipped"; // the store port calls this for Shopify shops only
  const ownerId = `gid://shopify/Customer/${mandate.customer.externalId}`;
  const value = JSON.stringify({ mandateId: mandate.mndtId, status: mandate.status.toLowerCase(), scheme: mandate.scheme, signedAt: mandate.signedAt?.toISOString() ?? null });
  const { data } = await admin.request<{ metafieldsSet: { userErrors: UserError[] } }>(MANDATE_METAFIELD.document, MANDATE_METAFIELD.variables(ownerId, value), { estimatedCost: MANDATE_METAFIELD.cost });
  ShopifyAdminClient.assertNoUserErrors("metafieldsSet", data.metafieldsSet.userErrors);
  const signed = mandate.status === "SIGNED";
  const tag = signed ? MANDATE_TAG_ADD : MANDATE_TAG_REMOVE;
  const tagged = await admin.request<{ tagsAdd?: { userErrors: UserError[] }; tagsRemove?: { userErrors: UserError[] } }>(tag.document, tag.variables(ownerId, MANDATE_TAG), { estimatedCost: tag.cost });
  ShopifyAdminClient.assertNoUserErrors(signed ? "tagsAdd" : "tagsRemove", (signed ? tagged.data.tagsAdd : tagged.data.tagsRemove)?.userErrors);
  return "synced";
}

/**
 * "Pay by direct debit — sign a mandate" on the payment page: prepares the customer's mandate and
 * notes that this invoice is to be collected once it is signed (the mandate feed does that).
 */
export async function requestMandateFromPaymentPage(db: Db, token: string): Promise<{ url: string }> {
  const invoice = await db.invoice.findUnique({ where: { publicToken: token }, select: { id: true, shopId: true, customerId: true, status: true, kind: true } });
  if (!invoice || invoice.kind !== "INVOICE") throw new AppError("NOT_FOUND", "This payment link is not valid");
  if (invoice.status !== "ISSUED") throw new AppError("BAD_REQUEST", "This invoice is not open any more");
  if (!invoice.customerId) throw new AppError("BAD_REQUEST", "Direct debit needs a customer account for this invoice");
  const started = await startMandate(db, invoice.shopId, invoice.customerId, { sendInvite: false });
  if (started.alreadyActive || !started.url) throw new AppError("BAD_REQUEST", "You already have a direct debit mandate: this invoice will be collected with it");
  await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId: invoice.id, type: "mandate.requested", message: `The customer chose direct debit and is signing mandate ${started.mandateId}` });
  return { url: started.url };
}

/**
 * The merchant cancels a signed mandate (optionally only one of this customer's): Twikey cancels it,
 * and its mandate feed then takes the customer back to paying by transfer. Returns the mandate id.
 */
export async function cancelMandateInTwikey(db: Db, shopId: string, mndtId: string, customerId?: string): Promise<string> {
  const mandate = await db.mandate.findFirst({ where: { shopId, mndtId, status: "SIGNED", ...(customerId ? { customerId } : {}) } });
  const client = await twikeyForShop(db, shopId);
  if (!mandate || !client) throw new AppError("NOT_FOUND", "Mandate not found");
  await client.cancelMandate(mandate.mndtId, "Cancelled by the merchant");
  return mandate.mndtId;
}
