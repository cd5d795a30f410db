import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import WooCommerceRestApiModule from "@woocommerce/woocommerce-rest-api";
import { freePort, ROOT } from "./stack";

/**
 * A real WordPress 6.9.7 + WooCommerce 11.0.1 on this machine, from `../shared/woocommerce/` (its
 * README says what it is and what was observed on it): PHP's built-in server on 127.0.0.1, a fresh
 * MariaDB database, a BE store with 21 % / 6 % rates and BACS, one read/write REST key. The tests
 * talk to it through WooCommerce's official Node client (OAuth 1.0a over plain http, the only
 * authentication WooCommerce accepts there), exactly as Facto does.
 */

const WooCommerceRestApi = ((WooCommerceRestApiModule as unknown as { default?: typeof WooCommerceRestApiModule }).default ?? WooCommerceRestApiModule) as typeof WooCommerceRestApiModule;
export const SHARED_WOOCOMMERCE = path.resolve(ROOT, "../shared/woocommerce");

export interface RealWooInfo {
  url: string;
  consumerKey: string;
  consumerSecret: string;
  dir: string;
  dbName: string;
  startMs: number;
}

export interface RealWooCommerce extends RealWooInfo {
  stop: () => Promise<void>;
}

/** Starts the store; `dir` and the database are removed again by stop(). */
export async function startRealWooCommerce(options: { label?: string } = {}): Promise<RealWooCommerce> {
  const script = path.join(SHARED_WOOCOMMERCE, "start-woocommerce.sh");
  if (!existsSync(script)) throw new Error(`${script} is missing: the real-store tests need ../shared/woocommerce beside the repository`);
  const dir = mkdtempSync(path.join(tmpdir(), `facto-woo-${options.label ?? "it"}-`));
  const port = await freePort();
  const dbName = `facto_wc_${randomBytes(4).toString("hex")}`;
  const consumerKey = `ck_${randomBytes(20).toString("hex")}`;
  const consumerSecret = `cs_${randomBytes(20).toString("hex")}`;
  const started = Date.now();
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn("bash", [script, dir], {
      env: { ...process.env, PORT: String(port), DB_NAME: dbName, DB_USER: `u${dbName.slice(-8)}`, WC_CONSUMER_KEY: consumerKey, WC_CONSUMER_SECRET: consumerSecret, SKIP_APT: "1", TRUST_X_FORWARDED_PROTO: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (c: Buffer) => output.push(c.toString()));
    child.stderr.on("data", (c: Buffer) => output.push(c.toString()));
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`the real WooCommerce did not start (exit ${code}):\n${output.join("").slice(-3000)}`);
  const env = Object.fromEntries(
    readFileSync(path.join(dir, "woo.env"), "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return {
    url: env.WOO_BASE_URL!,
    consumerKey,
    consumerSecret,
    dir,
    dbName,
    startMs: Date.now() - started,
    stop: async () => {
      spawnSync("bash", [path.join(dir, "stop.sh")], { stdio: "ignore" });
      mariadb(`DROP DATABASE IF EXISTS \`${dbName}\``);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs SQL in the local MariaDB as root (the store's own database for `db`). */
export function mariadb(sql: string, db?: string): string {
  const result = spawnSync("mariadb", ["-uroot", "-N", "-B", ...(db ? [db] : []), "-e", sql], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`mariadb: ${result.stderr || result.error}`);
  return result.stdout.trim();
}

export type Json = Record<string, unknown> & { id: number };

/** The test's own hands on the store: WooCommerce's REST API v3 and the bench's run-queue route. */
export function realWooApi(store: RealWooInfo) {
  const rest = new WooCommerceRestApi({ url: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret, version: "wc/v3", timeout: 60_000 });
  const bench = new WooCommerceRestApi({ url: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret, version: "wc-test/v1" as "wc/v3", timeout: 60_000 });
  const call = async <T>(what: Promise<{ data: unknown }>): Promise<T> => {
    try {
      return (await what).data as T;
    } catch (error) {
      const e = error as { response?: { status?: number; data?: unknown } };
      throw new Error(`WooCommerce answered ${e.response?.status}: ${JSON.stringify(e.response?.data)}`, { cause: error });
    }
  };
  return {
    get: <T = Json>(p: string, params: Record<string, unknown> = {}) => call<T>(rest.get(p, params)),
    post: <T = Json>(p: string, body: unknown) => call<T>(rest.post(p, body)),
    put: <T = Json>(p: string, body: unknown) => call<T>(rest.put(p, body)),
    delete: <T = Json>(p: string, params: Record<string, unknown> = {}) => call<T>(rest.delete(p, params)),
    /** Any status, for asserting WooCommerce's own refusals. */
    raw: async (method: "get" | "put" | "post", p: string, body?: unknown) => {
      try {
        const r = method === "get" ? await rest.get(p) : await rest[method](p, body);
        return { status: r.status as number, data: r.data as Record<string, unknown> };
      } catch (error) {
        const e = error as { response?: { status: number; data: Record<string, unknown> } };
        if (!e.response) throw error;
        return { status: e.response.status, data: e.response.data };
      }
    },
    /**
     * Runs Action Scheduler's queue now: webhook deliveries are asynchronous in WooCommerce
     * (`woocommerce_deliver_webhook_async`), and WP-Cron would only run them on a later visit.
     */
    deliverWebhooks: () => call<{ due_before: number; processed: number; due_after: number }>(bench.post("run-queue", {})),
    /** A REST key made the way WooCommerce's "Add key" screen stores it (WC_Auth::create_keys). */
    createKey: (permissions: "read" | "write" | "read_write") => {
      const ck = `ck_${randomBytes(20).toString("hex")}`;
      const cs = `cs_${randomBytes(20).toString("hex")}`;
      const hash = createHmac("sha256", "wc-api").update(ck).digest("hex"); // wc_api_hash()
      mariadb(`INSERT INTO wp_woocommerce_api_keys (user_id, description, permissions, consumer_key, consumer_secret, truncated_key) VALUES (1, 'Facto ${permissions}', '${permissions}', '${hash}', '${cs}', '${ck.slice(-7)}')`, store.dbName);
      return { consumerKey: ck, consumerSecret: cs };
    },
    /** A WordPress option, as Settings → General saves it (timezone: gmt_offset / timezone_string). */
    setOption: (name: string, value: string) => {
      mariadb(`INSERT INTO wp_options (option_name, option_value, autoload) VALUES ('${name}', '${value}', 'on') ON DUPLICATE KEY UPDATE option_value = VALUES(option_value)`, store.dbName);
    },
  };
}
export type RealWooApi = ReturnType<typeof realWooApi>;

/**
 * An https front for the store that drops the Authorization header before WordPress sees it — what
 * Apache with PHP as CGI/FastCGI does without `CGIPassAuth On` — and tells WordPress the request
 * was https (the store is started with TRUST_X_FORWARDED_PROTO=1, as behind a TLS-terminating proxy).
 */
export async function startAuthStrippingHttpsProxy(target: string): Promise<{ url: string; seenAuthorization: number; close: () => Promise<void> }> {
  const { default: selfsigned } = await import("selfsigned");
  const https = await import("node:https");
  const http = await import("node:http");
  const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], { keySize: 2048, algorithm: "sha256", extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }] });
  const upstream = new URL(target);
  const state = { url: "", seenAuthorization: 0, close: async () => {} };
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const headers = { ...req.headers, "x-forwarded-proto": "https", host: upstream.host };
    if (headers.authorization) state.seenAuthorization++;
    delete headers.authorization;
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  state.url = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

/** WooCommerce's own log of webhook deliveries (WC_Webhook::log_delivery → wc-logs/webhooks-delivery-*.log). */
export function webhookDeliveryLog(store: RealWooInfo): { deliveryId: string; webhookId: string; code: string }[] {
  const folder = path.join(store.dir, "wordpress/wp-content/uploads/wc-logs");
  if (!existsSync(folder)) return [];
  const text = readdirSync(folder)
    .filter((f) => f.startsWith("webhooks-delivery"))
    .sort()
    .map((f) => readFileSync(path.join(folder, f), "utf8"))
    .join("\n");
  return text
    .split("[Webhook Delivery] => Array")
    .slice(1)
    .map((entry) => ({
      deliveryId: /\[Delivery ID\] => (\S+)/.exec(entry)?.[1] ?? "",
      webhookId: /\[X-WC-Webhook-ID\] => (\d+)/.exec(entry)?.[1] ?? "",
      code: /\[Code\] => (\S+)/.exec(entry)?.[1] ?? "",
    }));
}
