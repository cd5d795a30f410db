import { z } from "zod";

/**
 * The environment, validated once at start-up. Every process (web, worker, scripts) reads its
 * configuration from here and nowhere else; a missing or malformed variable stops the process with a
 * message that names it.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.string().startsWith("postgres", "DATABASE_URL must be a postgres:// or postgresql:// URL"),
  REDIS_URL: z.string().startsWith("redis", "REDIS_URL must be a redis:// URL").default("redis://127.0.0.1:6379"),
  /** Prefix of every BullMQ key, so several environments can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default("facto"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is the app's client id from the Partner dashboard"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is the app's client secret"),
  SHOPIFY_APP_URL: z.url("SHOPIFY_APP_URL must be the public https URL of this app"),
  SCOPES: z.string().default("read_orders,write_orders,read_customers,write_customers,read_products,write_inventory,read_inventory"),
  /**
   * Where the Shopify Admin API is reached. Empty: the real `https://{shop}` host. Set to the fake
   * Shopify (tests/fakes) for tests and the offline demo.
   */
  SHOPIFY_ADMIN_API_BASE_URL: z.url().optional(),
  /** The EU's VIES REST API (VAT number checks); the fake VIES in tests and the demo. */
  VIES_BASE_URL: z.url().default("https://ec.europa.eu/taxation_customs/vies/rest-api"),
  /** The Mollie API (merchants' own keys); the fake Mollie in tests and the demo. */
  MOLLIE_API_BASE_URL: z.url().default("https://api.mollie.com/v2/"),
  /**
   * PEPPOL (docs/decisions/018): the Access Point provider Facto delivers through, with Facto's own
   * account there (one provider company per merchant). Without a key, PEPPOL is off.
   */
  PEPPOL_PROVIDER: z.enum(["recommand"]).default("recommand"),
  RECOMMAND_API_BASE_URL: z.url().default("https://app.recommand.eu"),
  RECOMMAND_API_KEY: z.string().min(1).optional(),
  RECOMMAND_API_SECRET: z.string().min(1).optional(),
  /** The SML zone for participant discovery (OpenPEPPOL's; test: participant.sml.test.tech.peppol.org). */
  PEPPOL_SML_ZONE: z.string().min(3).default("participant.sml.prod.tech.peppol.org"),
  /** DNS servers ("host:port", comma-separated) for SML lookups; empty = the system's. */
  PEPPOL_DNS_SERVERS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean)),
  /** How long Facto waits for the provider's answer to a send (sending is synchronous at Recommand). */
  RECOMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * First retry delay of a PEPPOL send (exponential after). Longer than a provider's slowest answer:
   * a retry after a timeout first asks the provider whether the document went (decision 018).
   */
  PEPPOL_RETRY_DELAY_MS: z.coerce.number().int().min(100).default(120_000),
  /** How often the provider's inbox is read for documents whose webhook never came. */
  PEPPOL_POLL_EVERY_MS: z.coerce.number().int().min(500).default(15 * 60_000),
  /** How long a participant lookup result is trusted. */
  PEPPOL_LOOKUP_TTL_HOURS: z.coerce.number().min(0).default(24),
  /**
   * Ponto Connect (docs/decisions/027-ponto.md): the bank feed. Without a client id, Ponto is off.
   * PONTO_API_BASE_URL is Ibanity's API host (the fake Ponto in tests and the demo); the merchant's
   * browser is sent to PONTO_AUTHORIZE_URL (sandbox: https://sandbox-authorization.myponto.com/oauth2/auth).
   */
  PONTO_API_BASE_URL: z.url().default("https://api.ibanity.com"),
  PONTO_AUTHORIZE_URL: z.url().default("https://authorization.myponto.com/oauth2/auth"),
  PONTO_CLIENT_ID: z.string().min(1).optional(),
  PONTO_CLIENT_SECRET: z.string().min(1).optional(),
  /** The client certificate and key Ibanity issued for mutual TLS (PEM files), its passphrase, and an optional CA bundle. */
  PONTO_CERT_PATH: z.string().min(1).optional(),
  PONTO_KEY_PATH: z.string().min(1).optional(),
  PONTO_KEY_PASSPHRASE: z.string().optional(),
  PONTO_CA_PATH: z.string().min(1).optional(),
  /** Ibanity's application id: the `aud` of Ponto's webhook signatures (checked when set). */
  PONTO_APPLICATION_ID: z.string().min(1).optional(),
  /** How often the followed accounts are synchronised (Ponto's own minimum between account synchronizations applies). */
  PONTO_SYNC_EVERY_MS: z.coerce.number().int().min(1000).default(60 * 60_000),
  /** How long a synchronization is polled before the job gives up for this round. */
  PONTO_SYNC_WAIT_MS: z.coerce.number().int().min(100).default(60_000),
  /** The SMTP server that sends the customers' e-mails (smtp:// or smtps://, credentials in the URL). */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "SMTP_URL must be an smtp:// or smtps:// URL").default("smtp://127.0.0.1:25"),
  /** The From address of customer e-mails; replies go to the shop's own e-mail address. */
  MAIL_FROM: z.string().min(3).default("Facto <invoices@facto.invalid>"),
  /** How often overdue invoices are checked for reminders. */
  REMINDERS_EVERY_MS: z.coerce.number().int().min(500).default(60 * 60_000),
  /** 32-byte key (base64 or 64 hex chars) for AES-256-GCM encryption of secrets at rest. */
  ENCRYPTION_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== null, "ENCRYPTION_KEY must be 32 bytes as 64 hex characters or base64"),
  /** The previous ENCRYPTION_KEY during a key rotation: secrets are still read with it (never written). */
  ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === "" || decodeKey(v) !== null, "ENCRYPTION_KEY_PREVIOUS must be 32 bytes as 64 hex characters or base64"),
  /** How many jobs one worker process runs at once, per queue. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * The worker process's nice value (0–19; 0: the normal priority): on a machine it shares with the
   * web process, invoicing yields the CPU to the webhook acks (decision 031).
   */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** A job still running after this long is failed and retried (a promise that never settles — e.g. a
   * database connection dropped mid-query — would otherwise hold its job "active" for ever, its lock
   * renewed, out of the reconciler's reach). Every job is idempotent. */
  JOB_TIMEOUT_MS: z.coerce.number().int().min(1000).default(600_000),
  /** Seconds after which an unprocessed inbox row is enqueued again by the reconciler. */
  RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(1).default(120),
  /** How often the reconciler runs. */
  RECONCILE_EVERY_MS: z.coerce.number().int().min(500).default(60_000),
  /** How often each Shopify shop's recent orders are compared with its invoices. */
  RECONCILE_ORDERS_EVERY_MS: z.coerce.number().int().min(1000).default(10 * 60_000),
  /**
   * Test/demo only: the outbound guard lets Facto call stores and vendors on this machine (127.0.0.1,
   * ::1, localhost; http too). Never set in production (app/integrations/outbound).
   */
  OUTBOUND_ALLOW_LOOPBACK: z.enum(["0", "1"]).default("0"),
  /**
   * Fault injection for the crash tests only: every job sleeps this long before it runs, so a test
   * can stop or kill a worker while a job is in flight. Never set in production.
   */
  FACTO_FAULT_JOB_DELAY_MS: z.coerce.number().int().min(0).default(0),
});

export type Env = z.infer<typeof EnvSchema>;

export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  const b = Buffer.from(value, "base64");
  return b.length === 32 ? b : null;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
