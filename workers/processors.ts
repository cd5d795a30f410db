import { withTimeout } from "./with-timeout";
import { UnrecoverableError, type Job, type JobsOptions } from "bullmq";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { AppError, isAppError } from "~/errors/app-error";
import { logger } from "~/logger.server";
import { JobPayloads, type JobName, type JobPayload } from "~/queues.server";
import { processWebhookEvent } from "~/services/process-webhook-event.server";
import { pruneSecurityRows } from "~/services/rate-limit.server";
import { reconcileInbox } from "~/services/reconcile-inbox.server";
import { ensureInvoiceDocuments } from "~/services/render-invoice-documents.server";
import { smtpMailer } from "~/integrations/mail/mailer.server";
import { queueCustomerEmail, queueDocumentEmail, queueDueReminders, sendCustomerEmail } from "~/services/customer-emails.server";
import { checkBuyerVatInVies } from "~/services/check-buyer-vat.server";
import { notifyMerchant } from "~/services/notify-merchant.server";
import { paymentEffects } from "~/services/payment-effects.server";
import { ensureJob } from "./ensure-job";
import { accessPointProvider, peppolDiscovery } from "~/integrations/peppol/access-point-provider.server";
import { queuePeppolDelivery, sendPeppolDocument } from "~/services/send-peppol-document.server";
import { importPeppolDocument } from "~/services/import-peppol-document.server";
import { pollPeppolInbox } from "~/services/poll-peppol-inbox.server";
import { activeMandate, collectInvoice, readTwikeyFeeds, sendUnsentCollections, twikeyForShop } from "~/services/direct-debit.server";
import { WooRefundPayload } from "~/integrations/woocommerce/order-payload";
import { wooClientForShop } from "~/services/connect-woo-store.server";
import { importStoreStock, pushStock } from "~/services/stock.server";
import { reachableShops, storeForInvoice, storeForShop } from "~/integrations/store/store-for-shop.server";

export interface WorkerContext {
  db: Db;
  enqueue: <N extends JobName>(name: N, payload: JobPayload<N>, options?: JobsOptions) => Promise<void>;
}

type Processor<N extends JobName> = (payload: JobPayload<N>, ctx: WorkerContext, job: Job) => Promise<unknown>;

/** The store's order shows the invoice's new PEPPOL state (metafield / order meta). */
async function tagOrderAgain(ctx: WorkerContext, invoiceId: string) {
  const invoice = await ctx.db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { peppolDelivery: { select: { state: true } } } });
  // Its own job id per state: the annotation job of the issuing may still be waiting or running.
  const version = `peppol-${(invoice.peppolDelivery?.state ?? "none").toLowerCase()}`;
  await ensureJob("annotate-order", { invoiceId, version });
}

/** Job name → processor: each a thin call into a service. */
export const processors: { [N in JobName]: Processor<N> } = {
  "process-webhook": ({ eventId }, ctx) =>
    processWebhookEvent(ctx.db, eventId, {
      now: () => new Date(),
      checkVat: checkBuyerVatInVies(),
      enqueueOrderTagging: (invoiceId) => ctx.enqueue("annotate-order", { invoiceId }),
      wooRefund: async (shopId, orderId, refundId) => {
        const { client } = await wooClientForShop(ctx.db, shopId);
        return WooRefundPayload.parse((await client.get(`orders/${orderId}/refunds/${refundId}`)).data);
      },
      afterDocuments: async (invoiceId, kind) => {
        // PEPPOL (decision 018): a business buyer's document goes over PEPPOL; its e-mail waits for the outcome.
        const peppol = await queuePeppolDelivery(ctx.db, invoiceId, accessPointProvider()?.name ?? null);
        if (peppol.queued) await ctx.enqueue("peppol-send", { invoiceId });
        const { emailId } = peppol.emailNow ? await queueDocumentEmail(ctx.db, invoiceId, kind) : { emailId: null };
        if (emailId) await ctx.enqueue("send-email", { emailId });
        if (kind === "INVOICE" && (await dueForAutoCollection(ctx.db, invoiceId))) await ctx.enqueue("twikey-collect", { invoiceId });
      },
      readTwikeyFeeds: (shopId) => readFeedsOf(ctx, shopId),
      receivePeppolDocument: async (shopId, documentId) => {
        const provider = accessPointProvider();
        if (!provider) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "PEPPOL is not configured");
        return importPeppolDocument(ctx.db, shopId, documentId, {
          provider,
          notifyMerchant: (id, subject, text) => notifyMerchant(ctx.db, id, subject, text),
          onSettled: (invoiceId) => tagOrderAgain(ctx, invoiceId),
        });
      },
      payments: paymentEffects(ctx.db, ctx.enqueue),
      requeueEvent: (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined),
    }),
  "send-email": ({ emailId }, ctx) => sendCustomerEmail(ctx.db, emailId, smtpMailer()),
  "mark-order-paid": async ({ invoiceId }, ctx) => (await storeForInvoice(ctx.db, invoiceId)).markOrderPaid(invoiceId),
  "annotate-order": async ({ invoiceId }, ctx) => (await storeForInvoice(ctx.db, invoiceId)).annotateOrder(invoiceId),
  "reconcile-stores": async (_payload, ctx) => {
    const shops = await reachableShops(ctx.db);
    for (const shop of shops) await ensureJob("reconcile-store-orders", { shopId: shop.id });
    return { shops: shops.length };
  },
  "reconcile-store-orders": async ({ shopId }, ctx) =>
    (await storeForShop(ctx.db, shopId)).reconcileOrders({ now: () => new Date(), enqueueProcessing: (eventId) => ctx.enqueue("process-webhook", { eventId }) }),
  "twikey-feeds-all": async (_payload, ctx) => {
    const shops = await ctx.db.shop.findMany({ where: { twikeyApiKey: { not: null }, uninstalledAt: null }, select: { id: true } });
    for (const shop of shops) await ensureJob("twikey-feeds", { shopId: shop.id });
    return { shops: shops.length };
  },
  "twikey-feeds": ({ shopId }, ctx) => readFeedsOf(ctx, shopId),
  "twikey-collect": ({ invoiceId }, ctx) =>
    collectInvoice(ctx.db, invoiceId, undefined, async (id) => {
      const { emailId } = await queueCustomerEmail(ctx.db, id, "COLLECTION_NOTICE");
      if (emailId) await ctx.enqueue("send-email", { emailId });
    }),
  "sync-mandate-to-store": async ({ mandateId }, ctx) => {
    const { shopId } = await ctx.db.mandate.findUniqueOrThrow({ where: { id: mandateId }, select: { shopId: true } });
    return (await storeForShop(ctx.db, shopId)).recordMandate(mandateId);
  },
  "import-stock": async ({ shopId }, ctx) => importStoreStock(ctx.db, shopId, await (await storeForShop(ctx.db, shopId)).readStock()),
  "sync-stock": async ({ shopId }, ctx) => {
    const store = await storeForShop(ctx.db, shopId);
    const total = { written: 0, failed: 0 };
    // An adjustment made while a run writes is picked up by the next pass (or by "sync-stock-all").
    for (let pass = 0; pass < 3; pass++) {
      const result = await pushStock(ctx.db, shopId, store);
      total.written += result.written;
      total.failed += result.failed;
      if ((await ctx.db.stockItem.count({ where: { shopId, syncPending: true, syncError: null } })) === 0) break;
    }
    return total;
  },
  "sync-stock-all": async (_payload, ctx) => {
    const shops = await ctx.db.stockItem.findMany({ where: { syncPending: true, shop: { uninstalledAt: null } }, distinct: ["shopId"], select: { shopId: true } });
    for (const { shopId } of shops) await ensureJob("sync-stock", { shopId });
    return { shops: shops.length };
  },
  "queue-reminders": (_payload, ctx) => queueDueReminders(ctx.db, new Date(), (emailId) => ctx.enqueue("send-email", { emailId })),
  "render-documents": ({ invoiceId }, ctx) => ensureInvoiceDocuments(ctx.db, invoiceId),
  "peppol-poll-all": async (_payload, ctx) => {
    if (!accessPointProvider()) return { skipped: "PEPPOL is not configured" };
    const shops = await ctx.db.shop.findMany({ where: { peppolRegistration: "ACTIVE", peppolReceivingHere: true, uninstalledAt: null }, select: { id: true } });
    for (const shop of shops) await ensureJob("peppol-poll", { shopId: shop.id });
    return { shops: shops.length };
  },
  "peppol-poll": async ({ shopId }, ctx) => {
    const provider = accessPointProvider();
    if (!provider) return { skipped: "PEPPOL is not configured" };
    return pollPeppolInbox(ctx.db, shopId, provider, (eventId) => ctx.enqueue("process-webhook", { eventId }));
  },
  "peppol-send": async ({ invoiceId }, ctx) => {
    const provider = accessPointProvider();
    if (!provider) return { state: "SKIPPED", reason: "PEPPOL is not configured" };
    return sendPeppolDocument(ctx.db, invoiceId, {
      provider,
      discovery: peppolDiscovery(),
      now: () => new Date(),
      ttlHours: env().PEPPOL_LOOKUP_TTL_HOURS,
      queueEmail: async (id, kind) => {
        const { emailId } = await queueDocumentEmail(ctx.db, id, kind);
        if (emailId) await ctx.enqueue("send-email", { emailId });
      },
      notifyMerchant: (shopId, subject, text) => notifyMerchant(ctx.db, shopId, subject, text),
      onSettled: (id) => tagOrderAgain(ctx, id),
    });
  },
  "reconcile-inbox": async (_payload, ctx) => {
    const result = await reconcileInbox(ctx.db, {
      now: () => new Date(),
      olderThanSeconds: env().RECONCILE_AFTER_SECONDS,
      ensureWebhookJob: (eventId) => ensureJob("process-webhook", { eventId }),
      ensureRenderJob: (invoiceId) => ensureJob("render-documents", { invoiceId }),
    });
    // Old rate-limit counters, used tokens and expired sessions go with the same periodic run.
    await pruneSecurityRows(ctx.db);
    return result;
  },
};

/**
 * Reads a shop's Twikey feeds (one reader per shop: readTwikeyFeeds holds a lease); what they say
 * sets off store syncs, collections and e-mails as jobs.
 */
async function readFeedsOf(ctx: WorkerContext, shopId: string) {
  const client = await twikeyForShop(ctx.db, shopId);
  if (!client) return { mandates: 0, transactions: 0 };
  // Collections Twikey queued but Facto never got to send to the bank (a job stopped in between).
  await sendUnsentCollections(ctx.db, shopId, client).catch((err: unknown) => logger.warn({ err, shopId }, "unsent Twikey collections could not be sent yet"));
  return readTwikeyFeeds(ctx.db, shopId, client, {
    effects: paymentEffects(ctx.db, ctx.enqueue),
    syncMandateToStore: async (mandateId) => {
      const m = await ctx.db.mandate.findUniqueOrThrow({ where: { id: mandateId }, select: { status: true, updatedAt: true } });
      await ctx.enqueue("sync-mandate-to-store", { mandateId, version: `${m.status}-${m.updatedAt.getTime()}` });
    },
    enqueueCollection: (invoiceId) => ctx.enqueue("twikey-collect", { invoiceId }),
    notifyMerchant: (id, subject, text) => notifyMerchant(ctx.db, id, subject, text),
  });
}

/** A new invoice of a customer with a signed mandate, in a shop that collects automatically. */
async function dueForAutoCollection(db: Db, invoiceId: string): Promise<boolean> {
  const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { customerId: true, status: true, shop: { select: { twikeyApiKey: true, twikeyAutoCollect: true } } } });
  if (!invoice.customerId || invoice.status !== "ISSUED" || !invoice.shop.twikeyApiKey || !invoice.shop.twikeyAutoCollect) return false;
  return Boolean(await activeMandate(db, invoice.customerId));
}


/**
 * The base processor: validates the payload with the job's zod schema and decides retry vs give-up.
 * A payload that does not parse, or an AppError that is not retryable, ends the job for good
 * (UnrecoverableError); every other error is retried with the queue's backoff.
 */
export async function runJob(job: Job, ctx: WorkerContext): Promise<unknown> {
  const name = job.name as JobName;
  const log = logger.child({ job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
  const schema = JobPayloads[name];
  if (!schema) throw new UnrecoverableError(`unknown job ${job.name}`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    log.error({ issues: parsed.error.issues }, "job payload rejected");
    throw new UnrecoverableError(`invalid payload for ${job.name}`);
  }
  const delay = env().FACTO_FAULT_JOB_DELAY_MS;
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  try {
    const result = await withTimeout((processors[name] as Processor<JobName>)(parsed.data, ctx, job), env().JOB_TIMEOUT_MS, job.name);
    log.debug({ result }, "job done");
    return result;
  } catch (error) {
    if (isAppError(error) && !error.retryable) {
      log.warn({ code: error.code, err: error }, "job gave up");
      throw new UnrecoverableError(`${error.code}: ${error.message}`);
    }
    log.error({ err: error }, "job failed; will retry");
    throw error;
  }
}

