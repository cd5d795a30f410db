import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { createDatabaseIfMissing, dropDatabase, migrateDatabase } from "~/utils/migrate.server";
import { startFakeShopify, type FakeShopify } from "../fakes/fake-shopify";
import { startFakeVies, type FakeVies } from "../fakes/fake-vies";
import { startFakeMollie, type FakeMollie } from "../fakes/fake-mollie";
import { startFakeSmtp, type FakeSmtp } from "../fakes/fake-smtp";
import { startFakePonto, type FakePonto } from "../fakes/fake-ponto";

/**
 * Starts Facto as it runs in production — a web process and a worker process — against a fresh
 * PostgreSQL database, the local Redis (own key prefix) and the fake Shopify. Used by the
 * integration tests and by the offline demo (`npm start`).
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface StackInfo {
  appUrl: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  shopifyApiSecret: string;
  shopifyApiKey: string;
  fakeShopifyUrl: string;
  fakeViesUrl: string;
  /** The fake Mollie's API (https) and its checkout and test controls (http). */
  fakeMollieApiUrl: string;
  fakeMollieCheckoutUrl: string;
  /** The fake SMTP server and its web inbox (GET /messages). */
  fakeSmtpUrl: string;
  fakeSmtpInboxUrl: string;
  /** The fake Ponto Connect: its mTLS API, its authorization page and test controls (http), the CA and client certificate files. */
  fakePonto: { apiUrl: string; authorizeUrl: string; controlUrl: string; applicationId: string; caPath: string; clientCertPath: string; clientKeyPath: string };
  /** What the app processes run with; a test or script that seeds data through app code adopts it. */
  processEnv: Record<string, string>;
}

export interface Stack {
  info: StackInfo;
  fakeShopify: FakeShopify;
  fakeVies: FakeVies;
  fakeMollie: FakeMollie;
  fakeSmtp: FakeSmtp;
  fakePonto: FakePonto;
  env: Record<string, string>;
  web: ChildProcess;
  worker: ChildProcess;
  /** Another worker process; `nodeArgs` go before the script (e.g. --cpu-prof, --max-old-space-size). */
  startWorker: (nodeArgs?: string[]) => ChildProcess;
  stop: () => Promise<void>;
}

/**
 * The worker's V8 heap, as `npm run worker` sets it (decision 028): without a cap V8 let a busy
 * worker's heap grow lazily to ~600 MB RSS; with both caps the bench measured 282–295 MB per busy
 * process (old space alone: 399–426 MB), for a larger garbage-collector share of the CPU.
 */
export const WORKER_NODE_ARGS = ["--max-old-space-size=256", "--max-semi-space-size=8"];

/** Node options of the web process (as `npm run serve` sets them); StackOptions.webNodeArgs replaces them. */
export const WEB_NODE_ARGS: string[] = [];

export interface StackOptions {
  label: string;
  port?: number;
  /** An existing database URL; otherwise a fresh one is created and dropped at stop. */
  databaseUrl?: string;
  keepDatabase?: boolean;
  inheritOutput?: boolean;
  fakeShopifyPort?: number;
  /** Fixed ports for the demo: Mollie API, Mollie checkout, SMTP, SMTP inbox. */
  fakePorts?: { mollieApi?: number; mollieCheckout?: number; smtp?: number; smtpInbox?: number };
  /** Extra environment for the app processes (fault injection, timings). */
  extraEnv?: Record<string, string>;
  /** Node options of the web process instead of WEB_NODE_ARGS (the bench's GC experiments). */
  webNodeArgs?: string[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export function databaseUrlFor(name: string): string {
  const base = new URL(process.env.TEST_DATABASE_BASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  base.pathname = `/${name}`;
  return base.toString();
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const suffix = randomBytes(4).toString("hex");
  const databaseUrl = options.databaseUrl ?? databaseUrlFor(`facto_${options.label}_${suffix}`);
  const createdDatabase = !options.databaseUrl;
  await createDatabaseIfMissing(databaseUrl);
  await migrateDatabase(databaseUrl, { log: () => {} });

  const shopifyApiKey = "facto-test-api-key";
  const shopifyApiSecret = `shpss_${randomBytes(16).toString("hex")}`;
  const fakeShopify = await startFakeShopify({ port: options.fakeShopifyPort ?? 0, apiKey: shopifyApiKey, apiSecret: shopifyApiSecret });
  const fakeVies = await startFakeVies();
  const fakeMollie = await startFakeMollie({ port: options.fakePorts?.mollieApi ?? 0, checkoutPort: options.fakePorts?.mollieCheckout ?? 0 });
  const fakeSmtp = await startFakeSmtp({ port: options.fakePorts?.smtp ?? 0, inboxPort: options.fakePorts?.smtpInbox ?? 0 });
  const fakePonto = await startFakePonto();
  const port = options.port ?? (await freePort());
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const queuePrefix = `facto-${options.label}-${suffix}`;
  const env: Record<string, string> = {
    NODE_ENV: "production",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    SHOPIFY_API_KEY: shopifyApiKey,
    SHOPIFY_API_SECRET: shopifyApiSecret,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    SHOPIFY_ADMIN_API_BASE_URL: fakeShopify.url,
    VIES_BASE_URL: fakeVies.url,
    MOLLIE_API_BASE_URL: fakeMollie.apiUrl,
    // The official Mollie client pins Mollie's CA bundle; the fake's certificate is self-signed.
    // Only the app processes started here (offline, against fakes) run without verification.
    NODE_TLS_REJECT_UNAUTHORIZED: "0",
    SMTP_URL: fakeSmtp.url,
    // Ponto Connect (decision 027): the fake's mTLS API, the client certificate it trusts, its CA.
    PONTO_API_BASE_URL: fakePonto.apiUrl,
    PONTO_AUTHORIZE_URL: fakePonto.authorizeUrl,
    PONTO_CLIENT_ID: fakePonto.clientId,
    PONTO_CLIENT_SECRET: fakePonto.clientSecret,
    PONTO_APPLICATION_ID: fakePonto.applicationId,
    PONTO_CERT_PATH: fakePonto.certs.clientCertPath,
    PONTO_KEY_PATH: fakePonto.certs.clientKeyPath,
    PONTO_CA_PATH: fakePonto.certs.caPath,
    PONTO_SYNC_WAIT_MS: "15000",
    MAIL_FROM: "Facto <invoices@facto.test>",
    ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    RECONCILE_AFTER_SECONDS: "5",
    REMINDERS_EVERY_MS: "1000",
    // The explicit test/demo setting of the outbound guard: stores and fakes on 127.0.0.1 (http too).
    OUTBOUND_ALLOW_LOOPBACK: "1",
    ...options.extraEnv,
  };

  const spawnOpts = (name: string): SpawnOptions => ({
    cwd: ROOT,
    env: { ...process.env, ...env, FACTO_PROCESS: name },
    stdio: options.inheritOutput ? "inherit" : ["ignore", "pipe", "pipe"],
  });
  const children: ChildProcess[] = [];
  const track = (child: ChildProcess, name: string) => {
    children.push(child);
    const lines: string[] = [];
    const keep = (chunk: Buffer) => {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("exit", (code, signal) => {
      if (code && code !== 0) process.stderr.write(`[${name}] exited with ${code ?? signal}\n${lines.slice(-40).join("\n")}\n`);
    });
    return child;
  };

  const serverBuild = path.join(ROOT, "build/server/index.js");
  if (!existsSync(serverBuild)) throw new Error("build/server/index.js is missing: run `npm run build` first");
  const web = track(
    spawn(process.execPath, [...(options.webNodeArgs ?? WEB_NODE_ARGS), "--import", "tsx", "app/web-server.ts", serverBuild], spawnOpts("web")),
    "web",
  );
  const startWorker = (nodeArgs: string[] = []) => track(spawn(process.execPath, [...WORKER_NODE_ARGS, ...nodeArgs, "--import", "tsx", "workers/index.ts"], spawnOpts("worker")), "worker");
  const worker = startWorker();

  await waitFor(
    async () => {
      if (web.exitCode !== null) throw new StopWaiting(`the web process exited with ${web.exitCode} during start-up (its output is above)`);
      return (await fetch(`${env.SHOPIFY_APP_URL}/healthz`)).ok;
    },
    60_000,
    "the web process to answer /healthz",
  );

  return {
    info: {
      appUrl: env.SHOPIFY_APP_URL!,
      databaseUrl,
      redisUrl,
      queuePrefix,
      shopifyApiSecret: env.SHOPIFY_API_SECRET!,
      shopifyApiKey: env.SHOPIFY_API_KEY!,
      fakeShopifyUrl: fakeShopify.url,
      fakeViesUrl: fakeVies.url,
      fakeMollieApiUrl: fakeMollie.apiUrl,
      fakeMollieCheckoutUrl: fakeMollie.checkoutUrl,
      fakeSmtpUrl: fakeSmtp.url,
      fakeSmtpInboxUrl: fakeSmtp.inboxUrl,
      fakePonto: { apiUrl: fakePonto.apiUrl, authorizeUrl: fakePonto.authorizeUrl, controlUrl: fakePonto.controlUrl, applicationId: fakePonto.applicationId, caPath: fakePonto.certs.caPath, clientCertPath: fakePonto.certs.clientCertPath, clientKeyPath: fakePonto.certs.clientKeyPath },
      processEnv: env,
    },
    fakeShopify,
    fakeVies,
    fakeMollie,
    fakeSmtp,
    fakePonto,
    env,
    web,
    worker,
    startWorker,
    stop: async () => {
      // Workers get the time to finish their jobs; the web server only holds idle keep-alive sockets.
      await Promise.all(children.map((c) => stopChild(c, "SIGTERM", c === web ? 2000 : 35_000)));
      await fakeShopify.close();
      await fakeVies.close();
      await fakeMollie.close();
      await fakeSmtp.close();
      await fakePonto.close();
      await deleteRedisPrefix(redisUrl, queuePrefix);
      if (createdDatabase && !options.keepDatabase) await dropDatabase(databaseUrl);
    },
  };
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM", graceMs = 35_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

/** Makes app code in this process (seeding, queries) use the stack's configuration. */
export function adoptStackEnv(info: StackInfo): void {
  const { NODE_ENV: _ignored, NODE_TLS_REJECT_UNAUTHORIZED: _tls, ...rest } = info.processEnv;
  Object.assign(process.env, rest);
}

/** Thrown by a waitFor check to give up at once (the thing waited for can no longer happen). */
export class StopWaiting extends Error {}
