import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPrisma, type Db } from "~/db.server";
import { resetShopifyBuckets, ShopifyAdminClient } from "~/integrations/shopify/admin-graphql-client.server";
import { syncShopifyInventory } from "~/services/sync-shopify-inventory.server";
import { startFakeShopify } from "../tests/fakes/fake-shopify";
import { sendShopifyWebhook } from "../tests/fakes/send-webhook";
import { seedShopifyShop } from "../tests/support/seed-shop";
import { benchIngest, printWebProfile } from "./bench-ingest";
import { adoptStackEnv, ROOT, startStack, stopChild, waitFor, type Stack } from "../tests/support/stack";
import { profileInProcess, summarizeProfile, summarizeProfileDir } from "./bench-profile";

/**
 * npm run bench [-- --only documents,ingest,pipeline,sync,bank,after-issue --rates 100,500,1000 --seconds 30 --warmup 3
 *                  --orders 10000 --pipeline-rate 100 --workers 1,2,4 --lag-workers 2 --concurrency 8
 *                  --profile-orders 200 --cpu-prof --skus 10000 --pdf-rounds 7 --pdf-profile bench/results/pdf.cpuprofile
 *                  --repeat 1 --busy-rates 100,500 --backlog 3000 --profile --web-processes 1 --no-timeline --worker-nice 10 --web-node-args=--single-threaded-gc]
 * Figures for Facto on this machine, printed as a table and written to bench/results/<time>.json.
 * Nothing here is asserted: tests prove behaviour, this measures it.
 */
const { values } = parseArgs({
  options: {
    only: { type: "string", default: "documents,ingest,pipeline,sync" },
    rates: { type: "string", default: "100,500,1000" },
    seconds: { type: "string", default: "30" },
    /** Ingest: seconds of the same load before each measured run, not measured (0: none). */
    warmup: { type: "string", default: "3" },
    orders: { type: "string", default: "10000" },
    "pipeline-rate": { type: "string", default: "100" },
    /** Worker process counts: a backlog is drained with each (throughput), then orders at --pipeline-rate (lag) with --lag-workers ("" and 0: the profile alone). */
    workers: { type: "string", default: "1,2,4" },
    "lag-workers": { type: "string", default: "2" },
    "profile-orders": { type: "string", default: "200" },
    "cpu-prof": { type: "boolean", default: false },
    /** Node options for the worker processes (space-separated), e.g. "--max-old-space-size=256". */
    "worker-node-args": { type: "string", default: "" },
    /** Prints the SQL of the last profiled invoice, statement by statement. */
    "print-queries": { type: "boolean", default: false },
    concurrency: { type: "string", default: "8" },
    skus: { type: "string", default: "10000" },
    "restore-rate": { type: "string", default: "100" },
    "bank-transactions": { type: "string", default: "10000" },
    "after-issue-orders": { type: "string", default: "300" },
    "pdf-rounds": { type: "string", default: "7" },
    "pdf-profile": { type: "string", default: "" },
    // ingest (scripts/bench-ingest.ts): runs per rate (medians), the busy case's rates and backlog, --profile for the web's CPU profile
    repeat: { type: "string", default: "1" },
    "busy-rates": { type: "string", default: "100,500" },
    backlog: { type: "string", default: "3000" },
    profile: { type: "boolean", default: false },
    "web-processes": { type: "string", default: "1" },
    /** The web process records where each webhook's time went (INGEST_TIMELINE=1); --no-timeline for none. */
    timeline: { type: "boolean", default: true },
    /** The workers' nice value (WORKER_NICE; empty: the project's default, 10; 0: normal priority). */
    "worker-nice": { type: "string", default: "" },
    /** Node options of the web process instead of `npm run serve`'s (space-separated), e.g. "--single-threaded-gc". */
    "web-node-args": { type: "string" },
  },
  allowNegative: true,
});
const out = (line = "") => process.stdout.write(`${line}\n`);
const results: Record<string, unknown> = { machine: { node: process.version, cpus: (await import("node:os")).cpus().length }, startedAt: new Date().toISOString() };
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const RUN_ID = new Date().toISOString().replace(/[:.]/g, "-");
const sections = new Set(values.only!.split(",").map((x) => x.trim()));

/** Runs the load generator (scripts/bench-load.ts) in its own process and returns its JSON line. */
async function load(args: Record<string, string | number | boolean>): Promise<Record<string, number>> {
  const { spawn } = await import("node:child_process");
  const argv = Object.entries(args).flatMap(([k, v]) => (v === true ? [`--${k}`] : v === false ? [] : [`--${k}`, String(v)]));
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/bench-load.ts", ...argv], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, number>;
}

/** Resident memory of a process in MB (Linux /proc). */
function rssMb(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

// ── Documents ─────────────────────────────────────────────────────────────────────────────────
if (sections.has("documents")) {
  const { documentsBench } = await import("./bench-documents");
  results.documents = await documentsBench({ out, rounds: Number(values["pdf-rounds"]), profile: values["pdf-profile"]! });
}

// ── Webhook ingest and pipeline (a real stack: web + workers + Postgres + Redis) ───────────────
if (sections.has("ingest") || sections.has("pipeline")) {
  const concurrency = Number(values.concurrency);
  const profileDir = values.profile ? mkdtempSync(path.join(tmpdir(), "facto-bench-prof-")) : null;
  const stack = await startStack({ label: "bench", webNodeArgs: values["web-node-args"]?.split(" ").filter(Boolean), extraEnv: { LOG_LEVEL: "error", WORKER_CONCURRENCY: String(concurrency), WEB_PROCESSES: values["web-processes"]!, ...(values.timeline ? { INGEST_TIMELINE: "1" } : {}), ...(values["worker-nice"] ? { WORKER_NICE: values["worker-nice"] } : {}), ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}) } });
  adoptStackEnv(stack.info);
  const db = createPrisma(stack.info.databaseUrl, 4);
  try {
    // Ingest is measured with the worker stopped (on 2 cores it would take the web's CPU): what the
    // web process alone acknowledges, durably in the inbox, at fixed rates.
    await stopChild(stack.worker);
    if (sections.has("ingest")) {
      results.ingest = await benchIngest({
        stack,
        db,
        load,
        out,
        rates: values.rates!.split(",").filter(Boolean).map(Number),
        seconds: Number(values.seconds),
        warmup: Number(values.warmup),
        repeat: Number(values.repeat),
        busyRates: values["busy-rates"] ? values["busy-rates"].split(",").map(Number) : [],
        backlog: Number(values.backlog),
        workers: Number(values["lag-workers"]),
        profileDir,
        timeline: values.timeline!,
      });
    }

    if (sections.has("pipeline")) results.pipeline = await benchPipeline(stack, db);
  } finally {
    await db.$disconnect();
    await stack.stop();
  }
  if (profileDir) results.webProfile = printWebProfile(profileDir, stack.web.pid, out);
}

// ── Store sync against the fake Shopify's cost model ──────────────────────────────────────────
if (sections.has("sync")) {
  const restoreRate = Number(values["restore-rate"]);
  const bucketSize = restoreRate * 2 * 10; // Shopify: bucket = 20 × restore rate per second (2,000 / 100, 20,000 / 1,000)
  const fake = await startFakeShopify({ bucketSize, restoreRate });
  resetShopifyBuckets();
  const skus = Number(values.skus);
  const levels = Array.from({ length: skus }, (_, i) => ({ inventoryItemId: `gid://shopify/InventoryItem/${i + 1}`, locationId: "gid://shopify/Location/1", quantity: i % 50, changeFromQuantity: null }));
  const admin = new ShopifyAdminClient({ shop: "bench-stock.myshopify.com", accessToken: "t", apiVersion: "2026-10", baseUrl: fake.url });
  const started = performance.now();
  const result = await syncShopifyInventory(admin, levels, { syncId: "bench" });
  const seconds = (performance.now() - started) / 1000;
  const budget = bucketSize + restoreRate * seconds;
  const used = fake.state.pointsSpent / budget;
  results.stockSync = { skus, calls: result.calls, seconds, throttled: fake.state.throttledCount, pointsSpent: fake.state.pointsSpent, budgetAvailable: budget, budgetUsed: used };
  out(`\nShopify stock sync: ${skus} SKUs in ${result.calls} calls, ${seconds.toFixed(1)} s, ${fake.state.throttledCount} THROTTLED, ${(used * 100).toFixed(0)} % of the point budget (bucket ${bucketSize}, ${restoreRate} points/s)`);
  {
    // WooCommerce: 5,000 products (simple + variations) through the batch endpoints, ≤100 per call.
    const { startFakeWooCommerce } = await import("../tests/fakes/fake-woocommerce");
    const { wooClient } = await import("~/integrations/woocommerce/woo-client.server");
    const { syncWooStock } = await import("~/services/woo-sync.server");
    const woo = await startFakeWooCommerce();
    const simple = Array.from({ length: 4_800 }, (_, i) => ({ id: 100_000 + i, name: `P${i}` }));
    const variable = Array.from({ length: 2 }, (_, p) => ({ id: 200_000 + p, name: `V${p}`, variations: Array.from({ length: 100 }, (_, v) => ({ id: 300_000 + p * 1000 + v })) }));
    woo.addProducts([...simple, ...variable]);
    const levels = [...simple.map((p, i) => ({ productId: p.id, variationId: null, quantity: i % 50 })), ...variable.flatMap((p) => p.variations.map((v) => ({ productId: p.id, variationId: v.id, quantity: 7 })))];
    const started = performance.now();
    // The fake runs on this machine: the outbound guard's explicit loopback setting (decision 019).
    const synced = await syncWooStock(wooClient({ storeUrl: woo.url, consumerKey: woo.key.consumerKey, consumerSecret: woo.key.consumerSecret }, { policy: { allowLoopback: true } }), levels);
    const seconds = (performance.now() - started) / 1000;
    await woo.close();
    results.wooStockSync = { products: levels.length, calls: synced.calls, updated: synced.updated, refused: synced.refused.length, seconds, maxBatch: Math.max(...woo.batches.map((b) => b.items)) };
    out(`WooCommerce stock sync: ${levels.length} products in ${synced.calls} calls (max ${Math.max(...woo.batches.map((b) => b.items))} items each), ${seconds.toFixed(2)} s, ${synced.refused.length} refused`);
  }
  await fake.close();
}

// ── Bank statement import + matching (issue #20: 10,000 transactions in under 5 s) ────────────
if (sections.has("bank")) {
  const { createDatabaseIfMissing, dropDatabase, migrateDatabase } = await import("~/utils/migrate.server");
  const { databaseUrlFor } = await import("../tests/support/stack");
  const { buildCoda } = await import("../tests/support/coda-builder");
  const { importBankStatement } = await import("~/services/bank-statements.server");
  const { issueInvoice } = await import("~/services/issue-invoice.server");
  const { mapShopifyOrder } = await import("~/integrations/shopify/map-shopify-order");
  const { ShopifyOrderPayload } = await import("~/integrations/shopify/order-payload");
  const databaseUrl = databaseUrlFor(`facto_bench_bank_${randomUUID().slice(0, 8)}`);
  await createDatabaseIfMissing(databaseUrl);
  await migrateDatabase(databaseUrl, { log: () => {} });
  // what seeding and issuing need from the environment; no web or worker runs in this section
  const { randomBytes } = await import("node:crypto");
  const queuePrefix = `facto-bench-bank-${randomBytes(4).toString("hex")}`;
  Object.assign(process.env, { DATABASE_URL: databaseUrl, SHOPIFY_API_KEY: "bench", SHOPIFY_API_SECRET: "bench-secret", SHOPIFY_APP_URL: "https://bench.facto.test", ENCRYPTION_KEY: randomBytes(32).toString("hex"), QUEUE_PREFIX: queuePrefix });
  const db = createPrisma(databaseUrl, 8);
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const total = Number(values["bank-transactions"]);
    const exact = Math.round(total * 0.1);
    const partial = Math.round(total * 0.05);
    const proposed = Math.round(total * 0.05);
    const debits = Math.round(total * 0.3);
    const other = total - exact - partial - proposed - debits;
    const { shopId } = await seedShopifyShop(db, { domain: "bench-bank.myshopify.com" });
    const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
    const invoiceCount = exact + partial + proposed;
    out(`\nBank statements: issuing ${invoiceCount} open invoices first (not timed)…`);
    for (let i = 0; i < invoiceCount; i++) {
      const id = 50_000_000 + i;
      await issueInvoice(db, { shopId, order: mapShopifyOrder(ShopifyOrderPayload.parse({ ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${id}`, financial_status: "pending" })), now: new Date() });
    }
    const invoices = await db.invoice.findMany({ where: { shopId, kind: "INVOICE" }, select: { paymentReference: true, amountDue: true, channelOrderName: true }, orderBy: { number: "asc" } });
    const ogm = (r: string | null) => r!.replace(/\D/g, "");
    const movements = [
      ...invoices.slice(0, exact).map((inv) => ({ amount: inv.amountDue.toFixed(2), date: "2026-11-27", ogmDigits: ogm(inv.paymentReference), counterpartyIban: "BE71096123456769", counterpartyName: "Klant BV" })),
      ...invoices.slice(exact, exact + partial).map((inv) => ({ amount: "10.00", date: "2026-11-27", ogmDigits: ogm(inv.paymentReference) })),
      ...invoices.slice(exact + partial).map((inv) => ({ amount: "20.00", date: "2026-11-27", communication: `bestelling ${inv.channelOrderName}` })),
      ...Array.from({ length: debits }, (_, i) => ({ amount: `-${(i % 90) + 1}.99`, date: "2026-11-27", communication: `Terugbetaling ${i}` })),
      ...Array.from({ length: other }, (_, i) => ({ amount: `${(i % 500) + 1}.00`, date: "2026-11-27", communication: `Storting ${i}` })),
    ];
    const file = buildCoda([{ iban: "BE68539007547034", statementNumber: 1, openingBalance: "0", date: "2026-11-27", movements }]);
    // The real effects: the mark-order-paid job and the thank-you e-mail (row + send job) in Redis, under a prefix of
    // its own that no worker reads and that is deleted afterwards.
    const { paymentEffects } = await import("~/services/payment-effects.server");
    const { enqueue, closeQueues } = await import("~/queues.server");
    await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "FACTO", thankYouEmail: true } });
    let enqueued = 0;
    const effects = paymentEffects(db, async (name, payload, options) => {
      enqueued += 1;
      await enqueue(name, payload, options);
    });
    cleanups.push(async () => {
      await closeQueues();
      const { deleteRedisPrefix } = await import("../tests/support/stack");
      await deleteRedisPrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", queuePrefix);
    });
    const started = performance.now();
    const first = await importBankStatement(db, shopId, file, effects);
    const seconds = (performance.now() - started) / 1000;
    const again = performance.now();
    const second = await importBankStatement(db, shopId, file, effects);
    const secondsAgain = (performance.now() - again) / 1000;
    results.bank = { transactions: total, lines: file.split("\n").length - 1, seconds, first, secondsAgain, second, enqueued, target: "10,000 transactions imported and matched in < 5 s" };
    out(`  CODA file of ${total} transactions (${file.split("\n").length - 1} records): ${exact} exact OGM payments, ${partial} partial, ${proposed} order-number proposals, ${debits} debits, ${other} without reference`);
    const thanks = await db.emailMessage.count({ where: { shopId, kind: "THANK_YOU" } });
    out(`  first import + matching + booking: ${seconds.toFixed(2)} s — ${first.paid} paid, ${first.partial} partial, ${first.proposed} proposed, ${first.unmatched} unmatched (${enqueued} jobs queued in Redis, ${thanks} thank-you e-mails queued)`);
    out(`  same file again: ${secondsAgain.toFixed(2)} s — ${second.duplicates} duplicates, ${second.paid} paid`);
    out(`  target: 10,000 transactions in < 5 s — measured ${seconds.toFixed(2)} s`);
  } finally {
    for (const c of cleanups) await c();
    await db.$disconnect();
    await dropDatabase(databaseUrl);
  }
}

// ── After issue: what one order's process-webhook job asks of the database (in process) ────────
// The worker's own processor for "process-webhook", run in this process on a fresh database, with the
// jobs it queues recorded instead of sent. Counted per order: every Prisma operation (model and raw) and
// the reads of the Invoice row, to show what loading the issued invoice once saves (issue #17).
if (sections.has("after-issue")) {
  const { createDatabaseIfMissing, dropDatabase, migrateDatabase } = await import("~/utils/migrate.server");
  const { databaseUrlFor } = await import("../tests/support/stack");
  const databaseUrl = databaseUrlFor(`facto_bench_after_${randomUUID().slice(0, 8)}`);
  await createDatabaseIfMissing(databaseUrl);
  await migrateDatabase(databaseUrl, { log: () => {} });
  const { randomBytes } = await import("node:crypto");
  const queuePrefix = `facto-bench-after-${randomBytes(4).toString("hex")}`;
  Object.assign(process.env, { DATABASE_URL: databaseUrl, SHOPIFY_API_KEY: "bench", SHOPIFY_API_SECRET: "bench-secret", SHOPIFY_APP_URL: "https://bench.facto.test", ENCRYPTION_KEY: randomBytes(32).toString("hex"), QUEUE_PREFIX: queuePrefix });
  const base = createPrisma(databaseUrl, 4);
  const counts = { operations: 0, invoiceReads: 0 };
  const db = base.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        counts.operations += 1;
        if (model === "Invoice" && /^find/.test(operation)) counts.invoiceReads += 1;
        return query(args);
      },
    },
  }) as unknown as typeof base;
  try {
    const orders = Number(values["after-issue-orders"]);
    const { shopId } = await seedShopifyShop(base, { domain: "bench-after.myshopify.com" });
    // Facto e-mails the invoices (the e-mail step runs); no Twikey, no PEPPOL provider.
    await base.shop.update({ where: { id: shopId }, data: { invoiceSender: "FACTO" } });
    const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
    const ids: string[] = [];
    for (let i = 0; i < orders; i++) {
      const id = 70_000_000 + i;
      const payload = { ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${id}`, financial_status: "paid" };
      const row = await base.webhookEvent.create({ data: { shopId, provider: "SHOPIFY", deliveryId: `bench-after-${id}`, topic: "orders/create", payload } });
      ids.push(row.id);
    }
    const { processors } = await import("../workers/processors");
    const queued: string[] = [];
    const ctx = { db, enqueue: async (name: string) => void queued.push(name) } as unknown as Parameters<(typeof processors)["process-webhook"]>[1];
    const perOrder: { ms: number; operations: number; invoiceReads: number }[] = [];
    for (const eventId of ids) {
      counts.operations = 0;
      counts.invoiceReads = 0;
      const started = performance.now();
      await processors["process-webhook"]({ eventId }, ctx, undefined as never);
      perOrder.push({ ms: performance.now() - started, operations: counts.operations, invoiceReads: counts.invoiceReads });
    }
    const measured = perOrder.slice(Math.min(20, Math.floor(orders / 10))); // the first ones warm the caches up
    const ms = measured.map((p) => p.ms).sort((a, b) => a - b);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const processed = await base.webhookEvent.count({ where: { shopId, status: "PROCESSED" } });
    results.afterIssue = {
      orders,
      processed,
      msPerOrder: { p50: percentile(ms, 50), p90: percentile(ms, 90), mean: ms.reduce((a, b) => a + b, 0) / ms.length },
      operationsPerOrder: median(measured.map((p) => p.operations)),
      invoiceReadsPerOrder: median(measured.map((p) => p.invoiceReads)),
      jobsQueuedPerOrder: queued.length / orders,
      loadAverage: (await import("node:os")).loadavg(),
    };
    out(`\nAfter issue: ${orders} paid Belgian consumer orders through the worker's "process-webhook" processor in this process (${processed} processed)`);
    out(`  per order: p50 ${percentile(ms, 50).toFixed(1)} ms, p90 ${percentile(ms, 90).toFixed(1)} ms; ${median(measured.map((p) => p.operations))} database operations, of which ${median(measured.map((p) => p.invoiceReads))} reads of the Invoice row; ${(queued.length / orders).toFixed(1)} jobs queued (${[...new Set(queued)].join(", ")})`);
    out(`  load average while measured: ${(await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  } finally {
    await base.$disconnect();
    const { closeQueues } = await import("~/queues.server");
    await closeQueues();
    const { deleteRedisPrefix } = await import("../tests/support/stack");
    await deleteRedisPrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", queuePrefix);
    await dropDatabase(databaseUrl);
  }
}

const file = path.join(ROOT, "bench/results", `${RUN_ID}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
out(`\nWritten to ${file}`);
process.exit(0);

// ── Pipeline (issue #21: ≥ 100 invoices/s, lag p99 ≤ 5 s at 100 orders/s, worker RSS ≤ 400 MB) ─────────
async function benchPipeline(stack: Stack, db: Db) {
  const concurrency = Number(values.concurrency);
  const orders = Number(values.orders);
  const rate = Number(values["pipeline-rate"]);
  // --workers "" and --lag-workers 0 leave out the drains and the lag run (the in-process profile alone).
  const workerCounts = values.workers!.split(",").filter(Boolean).map(Number);
  const lagWorkers = Number(values["lag-workers"]);
  const load1 = { url: stack.info.appUrl, secret: stack.info.shopifyApiSecret };
  const newShop = async (domain: string) => {
    const { shopId } = await seedShopifyShop(db, { domain });
    await db.shop.update({ where: { id: shopId }, data: { ossDestinationTaxation: true, invoiceSender: "NONE" } });
    return shopId;
  };
  const { logger } = await import("~/logger.server");
  logger.level = "error"; // as in the worker processes: the mix's totals warnings are not the pipeline's cost
  const report: Record<string, unknown> = { concurrency, orderMix: "domestic, OSS, B2B with VIES, 12 lines", load: loadNote() };
  let nextId = 40_000_000;

  // 1. Profile: orders processed one at a time in this process, under the V8 profiler, with every
  //    Prisma query counted — what one invoice costs, and where the time goes.
  const profileOrders = Number(values["profile-orders"]);
  if (profileOrders > 0) {
    const shopId = await newShop("pipeline-profile.myshopify.com");
    const sent = await load({ ...load1, shop: "pipeline-profile.myshopify.com", rate: 100, seconds: Math.ceil(profileOrders / 100), "first-id": nextId, mix: true });
    nextId = sent.lastId! + 1;
    const events = await db.webhookEvent.findMany({ where: { shopId }, select: { id: true }, orderBy: { receivedAt: "asc" } });
    const { PrismaClient } = await import("~/generated/prisma/client");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const { default: pg } = await import("pg");
    // As createPrisma makes it (a pg pool the hot path's raw statements use too), with query events on.
    const pool = new pg.Pool({ connectionString: stack.info.databaseUrl, max: 4 });
    const counted = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }), log: [{ emit: "event", level: "query" }] });
    Object.defineProperty(counted, Symbol.for("facto.pgPool"), { value: pool });
    const stats = { queries: 0, dbMs: 0, kinds: new Map<string, number>() };
    let trace: string[] = [];
    // Statements sent on the pool directly (not through Prisma) are counted too.
    const rawQuery = pool.query.bind(pool) as (text: string, params?: unknown[]) => Promise<unknown>;
    (pool as unknown as { query: unknown }).query = async (text: string, params?: unknown[]) => {
      if (typeof text !== "string") return rawQuery(text, params); // Prisma's own (a query config object): counted by its event
      const t = performance.now();
      try {
        return await rawQuery(text, params);
      } finally {
        const ms = performance.now() - t;
        stats.queries += 1;
        stats.dbMs += ms;
        const kind = `${statementKind(text)} (pg)`;
        stats.kinds.set(kind, (stats.kinds.get(kind) ?? 0) + 1);
        trace.push(`${ms.toFixed(1).padStart(6)} ms  [pg] ${text.replace(/\s+/g, " ").slice(0, 200)}`);
      }
    };

    counted.$on("query", (e) => {
      trace.push(`${String(e.duration).padStart(4)} ms  ${e.query.replace(/\s+/g, " ").slice(0, 220)}`);
      stats.queries += 1;
      stats.dbMs += Number(e.duration);
      const kind = statementKind(e.query);
      stats.kinds.set(kind, (stats.kinds.get(kind) ?? 0) + 1);
    });
    const { runJob } = await import("../workers/processors");
    const { enqueue } = await import("~/queues.server");
    const run = (eventId: string) => runJob({ name: "process-webhook", data: { eventId }, id: `webhook-${eventId}`, attemptsMade: 0 } as never, { db: counted, enqueue });
    const warm = events.slice(0, 10);
    for (const e of warm) await run(e.id);
    stats.queries = 0;
    stats.dbMs = 0;
    stats.kinds.clear();
    const measured = events.slice(warm.length);
    const started = performance.now();
    const { profile } = await profileInProcess(async () => {
      for (const e of measured) {
        trace = [];
        await run(e.id);
      }
    });
    const msPerInvoice = (performance.now() - started) / measured.length;
    await counted.$disconnect();
    const summary = summarizeProfile(profile);
    const perInvoice = (n: number) => n / measured.length;
    const kinds = [...stats.kinds.entries()].sort((a, b) => b[1] - a[1]).map(([kind, n]) => ({ kind, perInvoice: perInvoice(n) }));
    report.profile = { invoices: measured.length, msPerInvoice, queriesPerInvoice: perInvoice(stats.queries), dbMsPerInvoice: perInvoice(stats.dbMs), queries: kinds, cpu: summary };
    out(`\nPipeline profile: ${measured.length} orders processed one at a time in one process (V8 profiler on, every Prisma query counted)`);
    out(`  ${msPerInvoice.toFixed(1)} ms per invoice wall; ${perInvoice(stats.queries).toFixed(1)} SQL statements per invoice, ${perInvoice(stats.dbMs).toFixed(1)} ms of them waiting for PostgreSQL`);
    out(`  statements per invoice: ${kinds.slice(0, 12).map((k) => `${k.kind} ${k.perInvoice.toFixed(1)}`).join(", ")}`);
    printCpu(summary, measured.length);
    if (values["print-queries"]) for (const line of trace) out(`    ${line}`);
  }

  // 2. Throughput: a backlog of `orders` in the inbox, drained by 1, 2, 4 … worker processes.
  const runs: Record<string, unknown>[] = [];
  for (const workerCount of workerCounts) {
    const domain = `pipeline-w${workerCount}.myshopify.com`;
    const shopId = await newShop(domain);
    const sent = await load({ ...load1, shop: domain, rate: 500, seconds: Math.ceil(orders / 500), "first-id": nextId, mix: true });
    nextId = sent.lastId! + 1;
    const result = await drainWith(stack, db, shopId, workerCount, sent.ok!, { label: `drain-w${workerCount}` });
    runs.push({ workerProcesses: workerCount, ...result });
    out(`\nPipeline, backlog of ${sent.ok} orders drained by ${workerCount} worker process(es) × ${concurrency} jobs`);
    printRun(result, { throughputTarget: true });
  }
  report.drain = runs;

  // 3. Lag: orders arriving at `rate`/s, with `lagWorkers` worker processes already running.
  if (lagWorkers > 0) {
    const domain = "pipeline-live.myshopify.com";
    const shopId = await newShop(domain);
    const workers = startWorkers(stack, lagWorkers, "live");
    workers.pgCpuAtStart = await pgBackendCpu(db);
    workers.redisCpuAtStart = await redisCpuMs();
    const sampler = sampleRss(workers.children);
    // The workers' start-up is not the pipeline's lag: orders are sent once every worker listens on the inbox queue.
    await workersListening(stack, lagWorkers);
    const sent = await load({ ...load1, shop: domain, rate, seconds: Math.ceil(orders / rate), "first-id": nextId, mix: true });
    nextId = sent.lastId! + 1;
    const result = await finishRun(stack, db, shopId, sent.ok!, workers, sampler, null);
    report.live = { workerProcesses: lagWorkers, rate, ...result };
    out(`\nPipeline, ${sent.ok} orders sent at ${rate}/s into ${lagWorkers} running worker process(es) × ${concurrency} jobs (order → invoice lag)`);
    printRun(result, { lagTarget: true });
  }
  if (runs.length === 0 || !report.live) return report;
  const best = Math.max(...runs.map((r) => (r as { invoicesPerSecond: number }).invoicesPerSecond));
  const live = report.live as RunResult;
  const maxRssPerProcess = Math.max(live.workerRssMb.maxPerProcess, ...runs.map((r) => (r as unknown as RunResult).workerRssMb.maxPerProcess));
  report.targets = [
    target("invoices/s end to end (best drain)", best, 100, "≥"),
    target(`order → invoice lag p99 at ${rate} orders/s (s)`, live.lagMs.p99 / 1000, 5, "≤"),
    target("worker RSS per process (MB)", maxRssPerProcess, 400, "≤"),
  ];
  out("\nPipeline targets (issue #21)");
  for (const t of report.targets as ReturnType<typeof target>[]) out(`  ${t.name.padEnd(46)} target ${t.op} ${t.target}   measured ${t.measured.toFixed(1)}   ${t.met ? "met" : "NOT met"} (measured / target = ${t.ratio.toFixed(2)})`);
  out(`  load while measuring: ${loadNote()}`);
  return report;
}

function target(name: string, measured: number, goal: number, op: "≥" | "≤") {
  return { name, target: goal, op, measured, ratio: measured / goal, met: op === "≥" ? measured >= goal : measured <= goal };
}

/** The machine's load average: other work shares these cores (the figures are honest about it). */
function loadNote(): string {
  const [one, five] = (globalThis as { __loadavg?: number[] }).__loadavg ?? osLoad();
  return `load average ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min) on ${cpuCount()} cores`;
}
function osLoad(): number[] {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 2).map(Number);
}
function cpuCount(): number {
  return (results.machine as { cpus: number }).cpus;
}

interface RunResult {
  invoices: number;
  failed: number;
  seconds: number;
  invoicesPerSecond: number;
  lagMs: { p50: number; p99: number; max: number };
  workerRssMb: { maxPerProcess: number; maxTotal: number };
  /** CPU time the worker processes used per invoice (OS accounting, start-up included), and what 2 cores would then allow. */
  workerCpuMsPerInvoice: number;
  /** CPU of this database's PostgreSQL backends per invoice (those alive at the end; a lower bound). */
  postgresCpuMsPerInvoice: number;
  /** CPU of the Redis server per invoice (INFO cpu; everything Redis did meanwhile, the queues of this run). */
  redisCpuMsPerInvoice: number;
  invoicesPerSecondIfWorkersHadAllCores: number;
  gapless: boolean;
  writeBacksDone: number;
  loadDuring: string;
  cpu: ReturnType<typeof summarizeProfileDir>;
}

function startWorkers(stack: Stack, count: number, label: string) {
  const profileDir = values["cpu-prof"] ? path.join(ROOT, "bench/results", `profiles-${RUN_ID}`, label) : null;
  const nodeArgs = [...values["worker-node-args"]!.split(" ").filter(Boolean), ...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [])];
  return { children: Array.from({ length: count }, () => stack.startWorker(nodeArgs)), profileDir, startedAt: new Date(), pgCpuAtStart: new Map<number, number>(), redisCpuAtStart: 0 };
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; 100 ticks per second). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** RSS of the worker processes every second, and the CPU time they used (from the OS, whatever else runs). */
function sampleRss(children: { pid?: number | undefined }[]) {
  const perProcess: number[] = [];
  const totals: number[] = [];
  const cpu = new Map<number | undefined, number>();
  const timer = setInterval(() => {
    const each = children.map((c) => rssMb(c.pid));
    perProcess.push(...each);
    totals.push(each.reduce((a, b) => a + b, 0));
    for (const c of children) cpu.set(c.pid, Math.max(cpu.get(c.pid) ?? 0, cpuMs(c.pid)));
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      for (const c of children) cpu.set(c.pid, Math.max(cpu.get(c.pid) ?? 0, cpuMs(c.pid)));
      return { maxPerProcess: Math.max(0, ...perProcess), maxTotal: Math.max(0, ...totals), cpuMs: [...cpu.values()].reduce((a, b) => a + b, 0) };
    },
  };
}

/** Waits until `count` worker processes listen on the inbox queue (BullMQ names their connections), at most 2 minutes. */
async function workersListening(stack: Stack, count: number) {
  const { Queue } = await import("bullmq");
  const { QueueName } = await import("../app/queues.server");
  const { Redis } = await import("ioredis");
  const connection = new Redis(stack.info.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QueueName.inbox, { connection, prefix: stack.info.queuePrefix });
  const started = Date.now();
  try {
    await waitFor(async () => (await queue.getWorkersCount()) >= count, 120_000, `${count} worker process(es) listening`);
    out(`  (workers listening after ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** CPU time the Redis server has used so far (user + system of all its threads), in ms. */
async function redisCpuMs(): Promise<number> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info("cpu");
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
    return (field("used_cpu_user") + field("used_cpu_sys")) * 1000;
  } catch {
    return 0;
  } finally {
    redis.disconnect();
  }
}

/** CPU time of this database's PostgreSQL backends (same machine), by pid. */
async function pgBackendCpu(db: Db): Promise<Map<number, number>> {
  const rows = await db.$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`;
  return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
}

async function drainWith(stack: Stack, db: Db, shopId: string, count: number, expected: number, opts: { label: string }) {
  const workers = startWorkers(stack, count, opts.label);
  workers.pgCpuAtStart = await pgBackendCpu(db);
  workers.redisCpuAtStart = await redisCpuMs();
  const sampler = sampleRss(workers.children);
  return finishRun(stack, db, shopId, expected, workers, sampler, workers.startedAt);
}

/** Waits for every order's documents, stops the workers, and measures. `from`: the drain's start (else the first order). */
async function finishRun(stack: Stack, db: Db, shopId: string, expected: number, workers: ReturnType<typeof startWorkers>, sampler: ReturnType<typeof sampleRss>, from: Date | null): Promise<RunResult> {
  await waitFor(async () => (await db.document.count({ where: { shopId, format: "UBL" } })) + (await db.webhookEvent.count({ where: { shopId, status: "FAILED" } })) >= expected, 60 * 60_000, "every order's documents");
  const loadDuring = loadNote();
  const rss = sampler.stop();
  const pgNow = await pgBackendCpu(db);
  const pgCpuMs = [...pgNow.entries()].reduce((sum, [pid, ms]) => sum + Math.max(0, ms - (workers.pgCpuAtStart.get(pid) ?? 0)), 0);
  const redisMs = (await redisCpuMs()) - workers.redisCpuAtStart;
  await Promise.all(workers.children.map((w) => stopChild(w)));
  const failed = await db.webhookEvent.count({ where: { shopId, status: "FAILED" } });
  const [lag] = await db.$queryRaw<{ n: bigint; p50: number; p99: number; max: number; first: Date; last: Date }[]>`
    WITH ev AS MATERIALIZED (
      SELECT "receivedAt", payload->>'id' AS order_id FROM "WebhookEvent" WHERE "shopId" = ${shopId}::uuid AND topic = 'orders/create'
    ), done AS MATERIALIZED (
      SELECT i."channelOrderId" AS order_id, d."createdAt" AS at FROM "Invoice" i JOIN "Document" d ON d."invoiceId" = i.id AND d.format = 'UBL'
      WHERE i."shopId" = ${shopId}::uuid AND i.kind = 'INVOICE'
    )
    SELECT count(*) AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM done.at - ev."receivedAt")) * 1000 AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM done.at - ev."receivedAt")) * 1000 AS p99,
           max(extract(epoch FROM done.at - ev."receivedAt")) * 1000 AS max,
           min(ev."receivedAt") AS first, max(done.at) AS last
    FROM ev JOIN done ON done.order_id = ev.order_id`;
  const invoices = Number(lag!.n);
  // A drain counts from its first invoice (the workers' start-up is not throughput); a live run from the first order.
  const firstInvoice = from ? (await db.invoice.findFirst({ where: { shopId }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }))?.createdAt : null;
  const seconds = (lag!.last.getTime() - (firstInvoice ?? lag!.first).getTime()) / 1000;
  const [numbers] = await db.$queryRaw<{ min: number; max: number; n: bigint }[]>`SELECT min(number) AS min, max(number) AS max, count(*) AS n FROM "Invoice" WHERE "shopId" = ${shopId}::uuid AND kind = 'INVOICE'`;
  const { domain } = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
  const writeBacksDone = Object.keys(stack.fakeShopify.shop(domain).tags).length;
  return {
    invoices,
    failed,
    seconds,
    invoicesPerSecond: invoices / seconds,
    lagMs: { p50: lag!.p50, p99: lag!.p99, max: lag!.max },
    workerRssMb: { maxPerProcess: rss.maxPerProcess, maxTotal: rss.maxTotal },
    workerCpuMsPerInvoice: rss.cpuMs / invoices,
    postgresCpuMsPerInvoice: pgCpuMs / invoices,
    redisCpuMsPerInvoice: redisMs / invoices,
    invoicesPerSecondIfWorkersHadAllCores: (cpuCount() * 1000) / (rss.cpuMs / invoices),
    gapless: Number(numbers!.n) === Number(numbers!.max) - Number(numbers!.min) + 1,
    writeBacksDone,
    loadDuring,
    cpu: workers.profileDir ? summarizeProfileDir(workers.profileDir) : null,
  };
}

function printRun(r: RunResult, opts: { throughputTarget?: boolean; lagTarget?: boolean }) {
  out(`  ${r.invoices} invoices with PDF + UBL (${r.failed} failed) in ${r.seconds.toFixed(1)} s: ${r.invoicesPerSecond.toFixed(1)} invoices/s${opts.throughputTarget ? ` (target ≥ 100: ${(r.invoicesPerSecond / 100).toFixed(2)}× the target)` : ""}`);
  out(`  order → invoice lag: p50 ${(r.lagMs.p50 / 1000).toFixed(2)} s, p99 ${(r.lagMs.p99 / 1000).toFixed(2)} s, max ${(r.lagMs.max / 1000).toFixed(2)} s${opts.lagTarget ? ` (target p99 ≤ 5 s: ${(r.lagMs.p99 / 5000).toFixed(2)}× the target)` : ""}`);
  out(`  worker CPU (OS accounting): ${r.workerCpuMsPerInvoice.toFixed(1)} ms per invoice → at most ${r.invoicesPerSecondIfWorkersHadAllCores.toFixed(0)} invoices/s if the workers had all ${cpuCount()} cores; PostgreSQL backends ${r.postgresCpuMsPerInvoice.toFixed(1)} ms, Redis ${r.redisCpuMsPerInvoice.toFixed(1)} ms per invoice → worker + PostgreSQL + Redis ${(r.workerCpuMsPerInvoice + r.postgresCpuMsPerInvoice + r.redisCpuMsPerInvoice).toFixed(1)} ms: at most ${((cpuCount() * 1000) / (r.workerCpuMsPerInvoice + r.postgresCpuMsPerInvoice + r.redisCpuMsPerInvoice)).toFixed(0)} invoices/s on ${cpuCount()} cores`);
  out(`  worker RSS: max ${r.workerRssMb.maxPerProcess.toFixed(0)} MB per process (target ≤ 400), ${r.workerRssMb.maxTotal.toFixed(0)} MB all together; numbers gapless: ${r.gapless ? "yes" : "NO"}`);
  out(`  write-back: ${r.writeBacksDone} orders tagged in the fake Shopify so far (jobs queued for all; Shopify's cost budget paces them); ${r.loadDuring}`);
  if (r.cpu) printCpu(r.cpu, r.invoices);
}

function printCpu(summary: ReturnType<typeof summarizeProfile>, invoices: number) {
  const busy = summary.groups.filter((g) => !g.group.startsWith("(idle")).reduce((s, g) => s + g.ms, 0);
  const idle = summary.groups.find((g) => g.group.startsWith("(idle"));
  out(`  CPU: ${(busy / invoices).toFixed(1)} ms per invoice busy${idle ? `, ${(idle.ms / invoices).toFixed(1)} ms idle (waiting for PostgreSQL / Redis)` : ""}; where the busy time goes:`);
  for (const g of summary.groups.filter((g) => !g.group.startsWith("(idle")).slice(0, 9)) out(`    ${(g.share * 100).toFixed(1).padStart(5)} %  ${(g.ms / invoices).toFixed(2).padStart(6)} ms/invoice  ${g.group}`);
  out(`    hottest functions: ${summary.topFunctions.slice(0, 6).map((f) => `${f.fn.trim()} ${(f.ms / invoices).toFixed(2)} ms`).join("; ")}`);
}

/** "SELECT Invoice", "INSERT InvoiceLine", "BEGIN" … — a Prisma statement by its verb and first table. */
function statementKind(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? "?";
  const table = /(?:FROM|INTO|UPDATE)\s+(?:"public"\.)?"(\w+)"/i.exec(sql)?.[1];
  return table ? `${verb} ${table}` : verb;
}
