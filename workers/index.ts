import { Worker } from "bullmq";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { closeQueues, enqueue, getQueue, QueueName, redisConnection } from "~/queues.server";
import { lowerProcessPriority } from "~/utils/process-priority.server";
import { runJob, type WorkerContext } from "./processors";

/**
 * The worker process: one BullMQ worker per queue, all running jobs through the registry in
 * ./processors. SIGTERM/SIGINT stop taking new jobs, let the running ones finish, then exit.
 */
const config = env();
// Invoicing yields the CPU to the web process's webhook acks on a shared machine (WORKER_NICE, decision 031).
lowerProcessPriority(config.WORKER_NICE);
const ctx: WorkerContext = { db: prisma, enqueue };
const log = logger.child({ process: "worker", pid: process.pid });

const workers = Object.values(QueueName).map((queueName) => {
  const worker = new Worker(queueName, (job) => runJob(job, ctx), {
    connection: redisConnection("worker"),
    prefix: config.QUEUE_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
  });
  worker.on("failed", (job, err) => log.warn({ queue: queueName, job: job?.name, jobId: job?.id, err: err.message }, "job failed"));
  worker.on("error", (err) => log.error({ queue: queueName, err }, "worker error"));
  return worker;
});

/**
 * The repeatable jobs live in Redis. They are (re)declared at start and then every
 * RECONCILE_EVERY_MS, so a Redis that lost its keys (FLUSHALL, a failover without persistence) gets
 * them back without a worker restart.
 */
async function ensureSchedulers() {
  const maintenance = getQueue(QueueName.maintenance);
  // The inbox reconciler (webhooks whose job was lost), every RECONCILE_EVERY_MS.
  await maintenance.upsertJobScheduler("reconcile-inbox", { every: config.RECONCILE_EVERY_MS }, { name: "reconcile-inbox", data: {} });
  // Every store's recent orders compared with their invoices (missed webhooks; WooCommerce's webhooks
  // kept active), through the store port, every RECONCILE_ORDERS_EVERY_MS.
  await maintenance.upsertJobScheduler("reconcile-stores", { every: config.RECONCILE_ORDERS_EVERY_MS }, { name: "reconcile-stores", data: {} });
  // The per-platform schedulers they replaced (decision 021), gone from a Redis that still has them.
  for (const old of ["reconcile-shopify-shops", "reconcile-woo-stores"]) await maintenance.removeJobScheduler(old);
  // Twikey's feeds are read on a schedule too (webhooks are only triggers, and may not come).
  await maintenance.upsertJobScheduler("twikey-feeds-all", { every: config.RECONCILE_EVERY_MS }, { name: "twikey-feeds-all", data: {} });
  // Stock adjustments not yet written to their store (a write that failed, an adjustment during a run).
  await maintenance.upsertJobScheduler("sync-stock-all", { every: config.RECONCILE_EVERY_MS }, { name: "sync-stock-all", data: {} });
  // Documents received over PEPPOL whose webhook never came (the provider does not retry webhooks).
  await maintenance.upsertJobScheduler("peppol-poll-all", { every: config.PEPPOL_POLL_EVERY_MS }, { name: "peppol-poll-all", data: {} });
  // The followed Ponto accounts are synchronised (decision 027); Ponto's webhook only adds to this.
  await maintenance.upsertJobScheduler("ponto-sync-all", { every: config.PONTO_SYNC_EVERY_MS }, { name: "ponto-sync-all", data: {} });
  // Overdue invoices get their reminders (the run is idempotent: one e-mail per invoice and step).
  await maintenance.upsertJobScheduler("queue-reminders", { every: config.REMINDERS_EVERY_MS }, { name: "queue-reminders", data: {} });
}
await ensureSchedulers();
const schedulerRefresh = setInterval(() => {
  ensureSchedulers().catch((err) => log.warn({ err }, "could not re-declare the job schedulers; retrying"));
}, config.RECONCILE_EVERY_MS);
schedulerRefresh.unref();

log.info({ queues: Object.values(QueueName), concurrency: config.WORKER_CONCURRENCY, nice: config.WORKER_NICE }, "worker started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "worker stopping: finishing running jobs");
  const force = setTimeout(() => {
    log.error("jobs did not finish within 30 s; exiting");
    process.exit(1);
  }, 30_000);
  force.unref();
  clearInterval(schedulerRefresh);
  await Promise.all(workers.map((w) => w.close()));
  await closeQueues();
  await prisma.$disconnect();
  log.info("worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
