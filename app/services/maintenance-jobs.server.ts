import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { ensureJob, type Enqueue } from "~/queues.server";
import { queueDueReminders } from "./customer-emails.server";
import { pruneSecurityRows } from "./rate-limit.server";
import { reconcileInbox } from "./reconcile-inbox.server";

/**
 * The periodic inbox run: inbox rows never processed and invoices without documents get their job
 * again (Redis lost); old rate-limit counters, used tokens and expired sessions go with it.
 */
export async function runInboxReconciliation(db: Db): Promise<{ webhooks: number; documents: number }> {
  const result = await reconcileInbox(db, {
    now: () => new Date(),
    olderThanSeconds: env().RECONCILE_AFTER_SECONDS,
    ensureWebhookJob: (eventId) => ensureJob("process-webhook", { eventId }),
    ensureRenderJob: (invoiceId) => ensureJob("render-documents", { invoiceId }),
  });
  await pruneSecurityRows(db);
  return result;
}

/** Reminders due today go on the outbox, each with its "send-email" job. */
export function queueReminders(db: Db, enqueue: Enqueue) {
  return queueDueReminders(db, new Date(), (emailId) => enqueue("send-email", { emailId }));
}
