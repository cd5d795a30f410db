import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { z } from "zod";
import { env } from "~/env.server";

/**
 * Queue names, job names and their payload schemas. Job ids are deterministic (derived from the
 * row they act on), so enqueuing the same work twice collapses into one job.
 */
export const QueueName = {
  inbox: "inbox",
  documents: "documents",
  /** Everything written to or read from a merchant's store (Shopify, WooCommerce), through the store port. */
  storeSync: "store-sync",
  maintenance: "maintenance",
  email: "email",
  directDebit: "direct-debit",
  stock: "stock",
  peppol: "peppol",
  /** Ponto bank feed: synchronizations and transaction imports (docs/decisions/027-ponto.md). */
  bank: "bank",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobPayloads = {
  "process-webhook": z.object({ eventId: z.uuid() }),
  "render-documents": z.object({ invoiceId: z.uuid() }),
  /** `version`: a later change to show on the order (e.g. a PEPPOL state), so it is not collapsed into an earlier annotation. */
  "annotate-order": z.object({ invoiceId: z.uuid(), version: z.string().regex(/^[a-z0-9_-]{1,40}$/).optional() }),
  "reconcile-inbox": z.object({}),
  "reconcile-stores": z.object({}),
  "reconcile-store-orders": z.object({ shopId: z.uuid() }),
  "send-email": z.object({ emailId: z.uuid() }),
  "mark-order-paid": z.object({ invoiceId: z.uuid() }),
  "queue-reminders": z.object({}),
  "twikey-feeds-all": z.object({}),
  "twikey-feeds": z.object({ shopId: z.uuid() }),
  "twikey-collect": z.object({ invoiceId: z.uuid() }),
  "sync-mandate-to-store": z.object({ mandateId: z.uuid(), version: z.string().min(1) }),
  "import-stock": z.object({ shopId: z.uuid() }),
  "sync-stock": z.object({ shopId: z.uuid() }),
  "sync-stock-all": z.object({}),
  "peppol-send": z.object({ invoiceId: z.uuid() }),
  "peppol-poll-all": z.object({}),
  "peppol-poll": z.object({ shopId: z.uuid() }),
  "peppol-registration-check": z.object({ shopId: z.uuid() }),
  "ponto-sync-all": z.object({}),
  /** `accountId`: only that Ponto account; `synchronize: false` reads what Ponto already synchronised (its webhook said so). */
  "ponto-sync": z.object({ shopId: z.uuid(), accountId: z.string().min(1).max(100).optional(), synchronize: z.boolean().optional(), version: z.string().regex(/^[a-z0-9_-]{1,60}$/).optional() }),
} as const;
export type JobName = keyof typeof JobPayloads;
export type JobPayload<N extends JobName> = z.infer<(typeof JobPayloads)[N]>;
/** Puts a job on its queue: `enqueue` below in the web process, the worker's own in a job. */
export type Enqueue = <N extends JobName>(name: N, payload: JobPayload<N>, options?: JobsOptions) => Promise<void>;

export const JobQueue: Record<JobName, QueueName> = {
  "process-webhook": QueueName.inbox,
  "render-documents": QueueName.documents,
  "annotate-order": QueueName.storeSync,
  "reconcile-inbox": QueueName.maintenance,
  "reconcile-stores": QueueName.maintenance,
  "reconcile-store-orders": QueueName.storeSync,
  "send-email": QueueName.email,
  "mark-order-paid": QueueName.storeSync,
  "queue-reminders": QueueName.maintenance,
  "twikey-feeds-all": QueueName.maintenance,
  "twikey-feeds": QueueName.directDebit,
  "twikey-collect": QueueName.directDebit,
  "sync-mandate-to-store": QueueName.directDebit,
  "import-stock": QueueName.stock,
  "sync-stock": QueueName.stock,
  "sync-stock-all": QueueName.maintenance,
  "peppol-send": QueueName.peppol,
  "peppol-poll-all": QueueName.maintenance,
  "peppol-poll": QueueName.peppol,
  "peppol-registration-check": QueueName.peppol,
  "ponto-sync-all": QueueName.maintenance,
  "ponto-sync": QueueName.bank,
};

/** Deterministic job ids: the same row never has two live jobs of one kind. */
export const jobId = {
  "process-webhook": (p: JobPayload<"process-webhook">) => `webhook-${p.eventId}`,
  "render-documents": (p: JobPayload<"render-documents">) => `render-${p.invoiceId}`,
  "annotate-order": (p: JobPayload<"annotate-order">) => `annotate-order-${p.invoiceId}${p.version ? `-${p.version}` : ""}`,
  "reconcile-inbox": () => "reconcile-inbox",
  "reconcile-stores": () => "reconcile-stores",
  "reconcile-store-orders": (p: JobPayload<"reconcile-store-orders">) => `reconcile-orders-${p.shopId}`,
  "send-email": (p: JobPayload<"send-email">) => `email-${p.emailId}`,
  "mark-order-paid": (p: JobPayload<"mark-order-paid">) => `order-paid-${p.invoiceId}`,
  "queue-reminders": () => "queue-reminders",
  "twikey-feeds-all": () => "twikey-feeds-all",
  "twikey-feeds": (p: JobPayload<"twikey-feeds">) => `twikey-feeds-${p.shopId}`,
  "twikey-collect": (p: JobPayload<"twikey-collect">) => `twikey-collect-${p.invoiceId}`,
  "sync-mandate-to-store": (p: JobPayload<"sync-mandate-to-store">) => `mandate-sync-${p.mandateId}-${p.version}`,
  "import-stock": (p: JobPayload<"import-stock">) => `import-stock-${p.shopId}`,
  "sync-stock": (p: JobPayload<"sync-stock">) => `sync-stock-${p.shopId}`,
  "sync-stock-all": () => "sync-stock-all",
  "peppol-send": (p: JobPayload<"peppol-send">) => `peppol-send-${p.invoiceId}`,
  "peppol-poll-all": () => "peppol-poll-all",
  "peppol-poll": (p: JobPayload<"peppol-poll">) => `peppol-poll-${p.shopId}`,
  "peppol-registration-check": (p: JobPayload<"peppol-registration-check">) => `peppol-registration-check-${p.shopId}`,
  "ponto-sync-all": () => "ponto-sync-all",
  "ponto-sync": (p: JobPayload<"ponto-sync">) => `ponto-sync-${p.shopId}${p.accountId ? `-${p.accountId}` : ""}${p.version ? `-${p.version}` : ""}`,
} satisfies { [N in JobName]: (p: JobPayload<N>) => string };

/**
 * Jobs whose retries differ from the default. A PEPPOL send waits longer than the provider's
 * slowest answer before retrying, since the retry first asks whether the document went (decision 018).
 */
function jobOptionsFor(name: JobName): JobsOptions {
  if (name === "peppol-send") return { attempts: 12, backoff: { type: "exponential", delay: env().PEPPOL_RETRY_DELAY_MS } };
  return {};
}

export const defaultJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export function redisConnection(purpose: "producer" | "worker"): ConnectionOptions {
  const url = new URL(env().REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password || undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    // A web request must not hang while Redis is away: fail fast, the reconciler re-enqueues.
    // Workers wait for Redis to come back instead.
    ...(purpose === "producer"
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }
      : { maxRetriesPerRequest: null }),
  };
}

const queues = new Map<QueueName, Queue>();

export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: redisConnection("producer"), prefix: env().QUEUE_PREFIX, defaultJobOptions });
    queue.on("error", () => {}); // connection errors surface on add(); avoid unhandled 'error' events
    queues.set(name, queue);
  }
  return queue;
}

/** Adds a job with its deterministic id; a job with the same id already waiting is kept as is. */
export async function enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: JobsOptions = {}): Promise<void> {
  const data = JobPayloads[name].parse(payload);
  const id = (jobId[name] as (p: JobPayload<N>) => string)(data as JobPayload<N>);
  await getQueue(JobQueue[name]).add(name, data, { ...jobOptionsFor(name), jobId: id, ...options });
}

/** Jobs up to this many are plain adds; more go in one addBulk. */
export const ADD_BULK_FROM = 33;

/**
 * Adds many jobs of one kind, each with its deterministic id. A few are plain adds: for addBulk
 * ioredis builds a Pipeline object that copies every BullMQ script onto itself (~7.5 kB, ~20 µs of
 * CPU), and in the web process these outlived the young generation — with the webhooks' jobs sent
 * every 10 ms they made half of what was promoted, the scavenges 8–13 ms instead of 3–5, and the
 * heap grew ~30 MB per 20 s towards a major GC (decision 031, addendum 3). Many (a backlog) go in
 * one addBulk, one round trip.
 */
export async function enqueueMany<N extends JobName>(name: N, payloads: JobPayload<N>[]): Promise<void> {
  if (payloads.length < ADD_BULK_FROM) return void (await Promise.all(payloads.map((payload) => enqueue(name, payload))));
  const jobs = payloads.map((payload) => {
    const data = JobPayloads[name].parse(payload);
    const id = (jobId[name] as (p: JobPayload<N>) => string)(data as JobPayload<N>);
    return { name, data, opts: { ...jobOptionsFor(name), jobId: id } };
  });
  await getQueue(JobQueue[name]).addBulk(jobs);
}

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
}

/**
 * Makes sure the job for this payload will run: added when absent, retried when it failed,
 * re-added when a finished job left its row unprocessed. Returns true when it had to act.
 */
export async function ensureJob<N extends JobName>(name: N, payload: JobPayload<N>): Promise<boolean> {
  const data = JobPayloads[name].parse(payload);
  const id = (jobId[name] as (p: JobPayload<N>) => string)(data as JobPayload<N>);
  const queue = getQueue(JobQueue[name]);
  const job = await queue.getJob(id);
  if (job) {
    const state = await job.getState();
    if (state === "failed") {
      await job.retry("failed");
      return true;
    }
    // Waiting, delayed or running: it will do its work. "unknown" is a job hash left outside every
    // list (Redis lost keys mid-write, e.g. a FLUSHALL racing an add): it would never run — re-add it.
    if (state !== "completed" && state !== "unknown") return false;
    await job.remove().catch(() => queue.client.then((c) => c.del(`${queue.keys[""] ?? ""}${id}`)));
  }
  await queue.add(name, data, { ...jobOptionsFor(name), jobId: id });
  return true;
}
