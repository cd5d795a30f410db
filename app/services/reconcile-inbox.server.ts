import type { Db } from "~/db.server";
import { logger } from "~/logger.server";

export interface ReconcileDeps {
  now: () => Date;
  olderThanSeconds: number;
  /** Makes sure a job exists (or is retried) for the event; returns true when it had to act. */
  ensureWebhookJob: (eventId: string) => Promise<boolean>;
  ensureRenderJob: (invoiceId: string) => Promise<boolean>;
}

/**
 * The safety net under the queue: inbox rows still RECEIVED after a while (Redis lost, a worker
 * killed before it finished, a job that ran out of attempts) get their job back, and issued
 * invoices without a stored PDF get their rendering job back. Nothing is lost as long as the
 * database has it.
 */
export async function reconcileInbox(db: Db, deps: ReconcileDeps, batch = 1000): Promise<{ webhooks: number; documents: number }> {
  const cutoff = new Date(deps.now().getTime() - deps.olderThanSeconds * 1000);
  const events = await db.webhookEvent.findMany({
    where: { status: "RECEIVED", receivedAt: { lt: cutoff } },
    orderBy: { receivedAt: "asc" },
    take: batch,
    select: { id: true },
  });
  let webhooks = 0;
  for (const e of events) if (await deps.ensureWebhookJob(e.id)) webhooks++;

  const orphans = await db.invoice.findMany({
    where: { createdAt: { lt: cutoff }, OR: [{ documents: { none: { format: "PDF" } } }, { documents: { none: { format: "UBL" } } }] },
    take: batch,
    select: { id: true },
  });
  let documents = 0;
  for (const i of orphans) if (await deps.ensureRenderJob(i.id)) documents++;

  if (webhooks || documents) logger.warn({ webhooks, documents }, "reconciler re-enqueued lost work");
  return { webhooks, documents };
}
