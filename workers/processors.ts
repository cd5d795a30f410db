import { UnrecoverableError, type Job } from "bullmq";
import { withTimeout } from "./with-timeout";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { isAppError } from "~/errors/app-error";
import { smtpMailer } from "~/integrations/mail/mailer.server";
import { logger } from "~/logger.server";
import { JobPayloads, type Enqueue, type JobName, type JobPayload } from "~/queues.server";
import { sendCustomerEmail } from "~/services/customer-emails.server";
import { collectInvoiceWithNotice, readShopTwikeyFeeds, scheduleTwikeyFeeds } from "~/services/direct-debit-jobs.server";
import { queueReminders, runInboxReconciliation } from "~/services/maintenance-jobs.server";
import { checkPeppolRegistration, deliverPeppolDocument, pollShopPeppolInbox, schedulePeppolPolls } from "~/services/peppol-jobs.server";
import { schedulePontoSyncs, syncShopPonto } from "~/services/ponto-jobs.server";
import { processWebhookDeps } from "~/services/process-webhook-deps.server";
import { processWebhookEvent } from "~/services/process-webhook-event.server";
import { ensureInvoiceDocuments } from "~/services/render-invoice-documents.server";
import {
  annotateOrder,
  importStockFromStore,
  markOrderPaid,
  reconcileStoreOrders,
  scheduleStockSync,
  scheduleStoreReconciliation,
  syncMandateToStore,
  syncStockToStore,
} from "~/services/store-sync.server";

export interface WorkerContext {
  db: Db;
  enqueue: Enqueue;
}

type Processor<N extends JobName> = (payload: JobPayload<N>, ctx: WorkerContext, job: Job) => Promise<unknown>;

/**
 * Job name → processor: each one call into a service with the job's payload, the database and the
 * worker's enqueue. Decisions live in the services (decision 024); workers/processors.test.ts calls
 * every entry.
 */
export const processors: { [N in JobName]: Processor<N> } = {
  "process-webhook": ({ eventId }, { db, enqueue }) => processWebhookEvent(db, eventId, processWebhookDeps(db, enqueue)),
  "render-documents": ({ invoiceId }, { db }) => ensureInvoiceDocuments(db, invoiceId),
  "send-email": ({ emailId }, { db }) => sendCustomerEmail(db, emailId, smtpMailer()),
  "annotate-order": ({ invoiceId }, { db }) => annotateOrder(db, invoiceId),
  "mark-order-paid": ({ invoiceId }, { db }) => markOrderPaid(db, invoiceId),
  "sync-mandate-to-store": ({ mandateId }, { db }) => syncMandateToStore(db, mandateId),
  "reconcile-stores": (_payload, { db }) => scheduleStoreReconciliation(db),
  "reconcile-store-orders": ({ shopId }, { db, enqueue }) => reconcileStoreOrders(db, shopId, enqueue),
  "import-stock": ({ shopId }, { db }) => importStockFromStore(db, shopId),
  "sync-stock": ({ shopId }, { db }) => syncStockToStore(db, shopId),
  "sync-stock-all": (_payload, { db }) => scheduleStockSync(db),
  "twikey-feeds-all": (_payload, { db }) => scheduleTwikeyFeeds(db),
  "twikey-feeds": ({ shopId }, { db, enqueue }) => readShopTwikeyFeeds(db, shopId, enqueue),
  "twikey-collect": ({ invoiceId }, { db, enqueue }) => collectInvoiceWithNotice(db, invoiceId, enqueue),
  "queue-reminders": (_payload, { db, enqueue }) => queueReminders(db, enqueue),
  "peppol-send": ({ invoiceId }, { db, enqueue }) => deliverPeppolDocument(db, invoiceId, enqueue),
  "peppol-poll-all": (_payload, { db }) => schedulePeppolPolls(db),
  "peppol-poll": ({ shopId }, { db, enqueue }) => pollShopPeppolInbox(db, shopId, enqueue),
  "peppol-registration-check": ({ shopId }, { db }) => checkPeppolRegistration(db, shopId),
  "reconcile-inbox": (_payload, { db }) => runInboxReconciliation(db),
  "ponto-sync-all": (_payload, { db }) => schedulePontoSyncs(db),
  "ponto-sync": (payload, { db, enqueue }) => syncShopPonto(db, payload, enqueue),
};

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

