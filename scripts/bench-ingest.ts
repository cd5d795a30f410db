import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import pg from "pg";
import type { PrismaClient } from "~/generated/prisma/client";
import { INBOX_WRITER_APPLICATION_NAME } from "~/services/inbox-batch-writer.server";
import { seedShopifyShop } from "../tests/support/seed-shop";
import { stopChild, type Stack } from "../tests/support/stack";
import { summarizeProfile } from "./cpu-profile-summary";

/**
 * The webhook-ingest part of `npm run bench` (issue #21, decision 023):
 *  1. quiet: the web process alone (workers stopped) acknowledging signed orders/create at fixed rates;
 *  2. busy: the same while worker processes invoice a backlog of orders (the ack latency a merchant's
 *     store sees while Facto is catching up);
 *  3. with --profile: where the web process's CPU time went (node --cpu-prof), grouped by package.
 * Each target is printed beside the measured value and the ratio.
 */
export interface IngestBenchContext {
  stack: Stack;
  db: PrismaClient;
  load: (args: Record<string, string | number | boolean>) => Promise<Record<string, number>>;
  out: (line?: string) => void;
  rates: number[];
  seconds: number;
  /** Seconds of the same load sent before each measured run and not measured (JIT warm-up of the web process and of the generator). */
  warmup: number;
  repeat: number;
  busyRates: number[];
  backlog: number;
  workers: number;
  profileDir: string | null;
  /** The web process runs with INGEST_TIMELINE=1: each run prints where the ack time went inside it. */
  timeline: boolean;
}

type Run = Record<string, number>;
type Phase = { p50: number; p90: number; p99: number; max: number } | null;
interface Timeline {
  requests: number;
  cpuMsPerRequest: number | null;
  phasesMs: Record<string, Phase>;
  batches: { count: number; size: Phase };
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; pauseMs: Phase; longestByKind: Record<string, number> };
  heapUsedMb?: number;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : 0;
};
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** The targets of issue #21 for one rate, with the measured value and the ratio (≤ 1 = met). */
function targetLines(rate: number, runs: Run[]): string[] {
  const p99 = median(runs.map((r) => r.p99!));
  const achieved = median(runs.map((r) => r.achieved!));
  if (rate === 500) return [`target p99 ≤ 10 ms at 500 req/s: measured ${fmt(p99)} ms → ${(p99 / 10).toFixed(2)}× the target ${p99 <= 10 ? "(met)" : "(NOT met)"}`];
  if (rate === 1000)
    return [
      `target ≥ 990 req/s achieved at 1,000 req/s: measured ${fmt(achieved)} → ${(achieved / 990).toFixed(2)}× ${achieved >= 990 ? "(met)" : "(NOT met)"}`,
      `target p99 ≤ 50 ms at 1,000 req/s: measured ${fmt(p99)} ms → ${(p99 / 50).toFixed(2)}× the target ${p99 <= 50 ? "(met)" : "(NOT met)"}`,
    ];
  return [];
}

/** Where the ack time went: the generator's own lateness, then each phase inside the web process (p99 of each). */
function timelineLines(runs: Run[], timelines: Timeline[]): string[] {
  const m = (xs: (number | undefined | null)[]) => fmt(median(xs.map((x) => x ?? 0)));
  const lines = [`generator: sent p99 ${m(runs.map((r) => r.sendLagP99))} ms after due, its event-loop delay p99 ${m(runs.map((r) => r.loopDelayP99))} ms (max ${m(runs.map((r) => r.loopDelayMax))})`];
  if (!timelines.length) return lines;
  const phase = (name: string) => `${name} ${m(timelines.map((t) => t.phasesMs[name]?.p50))}/${m(timelines.map((t) => t.phasesMs[name]?.p99))}`;
  lines.push(
    `web process, p50/p99 ms: ${["bodyRead", "checked", "waitForWriter", "statement", "stored", "answered", "total"].map(phase).join(", ")} ` +
      `(stored = checked → committed: waitForWriter + statement incl. COMMIT); rows/statement p50 ${m(timelines.map((t) => t.batches.size?.p50))} p99 ${m(timelines.map((t) => t.batches.size?.p99))}`,
    `web process: event-loop delay p99 ${m(timelines.map((t) => t.eventLoopDelayMs.p99))} ms (max ${m(timelines.map((t) => t.eventLoopDelayMs.max))}), GC ${m(timelines.map((t) => t.gc.count))} pauses, ${m(timelines.map((t) => t.gc.totalMs))} ms in all, longest ${m(timelines.map((t) => t.gc.pauseMs?.max))} ms (${timelines.map((t) => JSON.stringify(t.gc.longestByKind)).join(" ")}), heap ${timelines.map((t) => t.heapUsedMb ?? "?").join(" / ")} MB; CPU ${(median(timelines.map((t) => t.cpuMsPerRequest ?? 0))).toFixed(3)} ms per webhook, its PostgreSQL backends ${median(runs.map((r) => r.pgCpuMsPerWebhook ?? 0)).toFixed(3)} ms per webhook`,
  );
  return lines;
}

/** CPU time (ms) used so far by the PostgreSQL backends of the web process's inbox writer (local PostgreSQL, Linux /proc). */
async function inboxWriterBackendCpuMs(db: PrismaClient): Promise<Map<number, number>> {
  const rows = await db.$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE application_name = ${INBOX_WRITER_APPLICATION_NAME}`;
  const tick = 10; // ms per clock tick (USER_HZ 100)
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // PostgreSQL on another machine: not measured
    }
  }
  return cpu;
}

/** How long a one-row INSERT's COMMIT (one WAL flush) takes on this disk right now: the floor under any ack. */
async function commitLatency(databaseUrl: string, commits = 400): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS bench_commit_probe (x int)`);
    const xs: number[] = [];
    for (let i = 0; i < commits; i++) {
      const t = performance.now();
      await client.query(`INSERT INTO bench_commit_probe VALUES (1)`);
      xs.push(performance.now() - t);
    }
    await client.query(`DROP TABLE bench_commit_probe`);
    xs.sort((a, b) => a - b);
    const at = (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(2);
    return `one-row INSERT + COMMIT (synchronous_commit on) ×${commits}: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${xs.at(-1)!.toFixed(2)} ms`;
  } finally {
    await client.end();
  }
}

/** Checkpoints so far (the whole server) and autovacuums/autoanalyzes of the inbox table. */
async function postgresBackground(db: PrismaClient): Promise<{ checkpoints: number; inboxVacuums: number }> {
  const [row] = await db.$queryRaw<{ checkpoints: bigint; vacuums: bigint | null }[]>`
    SELECT (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) AS checkpoints,
           (SELECT autovacuum_count + autoanalyze_count FROM pg_stat_user_tables WHERE relname = 'WebhookEvent') AS vacuums`;
  return { checkpoints: Number(row?.checkpoints ?? 0), inboxVacuums: Number(row?.vacuums ?? 0) };
}

function runLine(rate: number, runs: Run[]): string {
  const m = (k: string) => median(runs.map((r) => r[k]!));
  const each = runs.length > 1 ? ` [p99 of each run: ${runs.map((r) => fmt(r.p99!)).join(", ")}]` : "";
  // What PostgreSQL did in the background meanwhile (a checkpoint's writes and an autovacuum share the disk the COMMITs flush to).
  const background = runs.some((r) => r.checkpoints || r.inboxVacuums) ? `; meanwhile in PostgreSQL: ${runs.map((r) => `${r.checkpoints ?? 0} checkpoint(s), ${r.inboxVacuums ?? 0} autovacuum/analyze of the inbox`).join(" | ")}` : "";
  return `${String(rate).padStart(5)} req/s: ${fmt(m("achieved"))} req/s achieved, p50 ${fmt(m("p50"))} ms, p90 ${fmt(m("p90"))} ms, p99 ${fmt(m("p99"))} ms, max ${fmt(m("max"))} ms, ${runs.reduce((n, r) => n + r.non2xx! + r.errors! + r.timeouts!, 0)} not acknowledged${each}${background}`;
}

export async function benchIngest(ctx: IngestBenchContext): Promise<Record<string, unknown>> {
  const { stack, db, load, out } = ctx;
  const shop = "bench.myshopify.com";
  const { shopId } = await seedShopifyShop(db, { domain: shop });
  let firstId = 10_000_000;
  const timelineOf = async (): Promise<Timeline | null> => (ctx.timeline ? ((await (await fetch(`${stack.info.appUrl}/__ingest-timeline`)).json()) as Timeline) : null);
  const timelines = new Map<Run, Timeline>();
  const send = async (rate: number, seconds: number, extra: Record<string, string | number | boolean> = {}, domain = shop) => {
    await timelineOf(); // from here on
    const pgBefore = await inboxWriterBackendCpuMs(db);
    const backgroundBefore = await postgresBackground(db);
    const warm = ctx.warmup > 0 && !extra.mix ? { warmup: ctx.warmup, ...(ctx.timeline ? { "after-warmup": `${stack.info.appUrl}/__ingest-timeline` } : {}) } : {};
    const run = await load({ url: stack.info.appUrl, secret: stack.info.shopifyApiSecret, shop: domain, rate, seconds, "first-id": firstId, ...warm, ...extra });
    firstId = run.lastId! + 1;
    const pgAfter = await inboxWriterBackendCpuMs(db);
    const backgroundAfter = await postgresBackground(db);
    run.checkpoints = backgroundAfter.checkpoints - backgroundBefore.checkpoints;
    run.inboxVacuums = backgroundAfter.inboxVacuums - backgroundBefore.inboxVacuums;
    // (the warm-up's webhooks included: PostgreSQL's CPU is read around the whole run)
    if (pgAfter.size) run.pgCpuMsPerWebhook = [...pgAfter].reduce((sum, [pid, ms]) => sum + ms - (pgBefore.get(pid) ?? 0), 0) / Math.max(1, run.ok! + (run.warmupOk ?? 0));
    const timeline = await timelineOf();
    if (timeline) timelines.set(run, timeline);
    return run;
  };
  const details = (runs: Run[]) => timelineLines(runs, runs.flatMap((r) => timelines.get(r) ?? []));
  const loadNow = () => loadavg().map((x) => x.toFixed(2)).join(" ");
  const result: Record<string, unknown> = {};

  // 1. Quiet: the web process alone (the workers are stopped by the caller).
  if (ctx.rates.length) {
    out(`\nWebhook ingest, quiet (workers stopped): signed orders/create for ${ctx.seconds} s at each rate${ctx.warmup ? ` after ${ctx.warmup} s of the same load not measured (warm-up)` : ""}, ${ctx.repeat} run(s) each, medians (scripts/bench-load.ts in its own process; ack latency in ms from the moment each request was due); load average before: ${loadNow()}`);
    out(`  WAL flush on this disk now: ${await commitLatency(stack.info.databaseUrl)}`);
    const quiet: Record<number, Run[]> = {};
    for (let round = 0; round < ctx.repeat; round++) for (const rate of ctx.rates) (quiet[rate] ??= []).push(await send(rate, ctx.seconds));
    for (const rate of ctx.rates) {
      out(`  ${runLine(rate, quiet[rate]!)}`);
      for (const line of details(quiet[rate]!)) out(`      ${line}`);
      for (const line of targetLines(rate, quiet[rate]!)) out(`      ${line}`);
    }
    const stored = await db.webhookEvent.count({ where: { shopId } });
    const acknowledged = Object.values(quiet).flat().reduce((n, r) => n + r.ok! + (r.warmupOk ?? 0), 0);
    out(`  every acknowledged webhook is in the inbox: ${stored} stored, ${acknowledged} acknowledged (${stored >= acknowledged ? "yes" : "NO"})`);
    // Group commit at work: the rows of one statement share its transaction's now() as receivedAt.
    const [batches] = await db.$queryRaw<{ statements: bigint; mean: number; p99: number; max: number }[]>`
      WITH b AS (SELECT count(*) AS n FROM "WebhookEvent" WHERE "shopId" = ${shopId}::uuid GROUP BY "receivedAt")
      SELECT count(*) AS statements, avg(n)::float8 AS mean, percentile_cont(0.99) WITHIN GROUP (ORDER BY n)::float8 AS p99, max(n)::float8 AS max FROM b`;
    out(`  inbox statements: ${batches!.statements} for ${stored} rows — ${batches!.mean.toFixed(2)} rows per statement on average, p99 ${batches!.p99}, max ${batches!.max}`);
    result.quiet = { timelines: Object.fromEntries(ctx.rates.map((r) => [r, quiet[r]!.map((run) => timelines.get(run) ?? null)])), runs: quiet, stored, acknowledged, rowsPerStatement: { mean: batches!.mean, p99: batches!.p99, max: batches!.max }, loadAverageAfter: loadNow() };
    await db.webhookEvent.deleteMany({ where: { shopId } });
  }

  // 2. Busy: a backlog of mixed orders is invoiced by worker processes while webhooks keep arriving.
  if (ctx.busyRates.length && ctx.backlog > 0) {
    const busyShop = "backlog.myshopify.com";
    const { shopId: busyShopId } = await seedShopifyShop(db, { domain: busyShop });
    await db.shop.update({ where: { id: busyShopId }, data: { ossDestinationTaxation: true, invoiceSender: "NONE" } });
    await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "NONE" } });
    await send(1000, Math.ceil(ctx.backlog / 1000), { mix: true }, busyShop);
    const invoicesOf = () => db.document.count({ where: { format: "UBL", invoice: { shopId: { in: [shopId, busyShopId] } } } });
    const waiting = () => db.webhookEvent.count({ where: { shopId: { in: [shopId, busyShopId] }, status: "RECEIVED" } });
    out(`\nWebhook ingest, busy: ${ctx.backlog} mixed orders waiting in the inbox, ${ctx.workers} worker process(es) (nice ${stack.env.WORKER_NICE ?? "10, the default"}) invoicing them while the same load runs (the acknowledged orders are invoiced too)`);
    const workers: ChildProcess[] = Array.from({ length: ctx.workers }, () => stack.startWorker());
    try {
      // Until the workers are invoicing (their start-up is not the figure).
      const before = await invoicesOf();
      for (let i = 0; i < 300 && (await invoicesOf()) === before; i++) await new Promise((r) => setTimeout(r, 100));
      const busy: Record<number, Run[]> = {};
      const windows: { rate: number; invoicesPerSecond: number; backlogBefore: number; backlogAfter: number }[] = [];
      for (let round = 0; round < ctx.repeat; round++)
        for (const rate of ctx.busyRates) {
          const [inv0, wait0, t0] = [await invoicesOf(), await waiting(), Date.now()];
          (busy[rate] ??= []).push(await send(rate, ctx.seconds));
          const [inv1, wait1, t1] = [await invoicesOf(), await waiting(), Date.now()];
          windows.push({ rate, invoicesPerSecond: ((inv1 - inv0) * 1000) / (t1 - t0), backlogBefore: wait0, backlogAfter: wait1 });
        }
      for (const rate of ctx.busyRates) {
        const w = windows.filter((x) => x.rate === rate);
        out(`  ${runLine(rate, busy[rate]!)}`);
        out(`      meanwhile ${fmt(median(w.map((x) => x.invoicesPerSecond)))} invoices/s issued; inbox backlog ${w.map((x) => `${x.backlogBefore} → ${x.backlogAfter}`).join(", ")}`);
        for (const line of details(busy[rate]!)) out(`      ${line}`);
        for (const line of targetLines(rate, busy[rate]!)) out(`      ${line}`);
      }
      out(`  WAL flush on this disk while the workers invoice: ${await commitLatency(stack.info.databaseUrl)}`);
      result.busy = { backlog: ctx.backlog, workers: ctx.workers, runs: busy, windows, timelines: Object.fromEntries(ctx.busyRates.map((r) => [r, busy[r]!.map((run) => timelines.get(run) ?? null)])), loadAverageAfter: loadNow() };
    } finally {
      await Promise.all(workers.map((w) => stopChild(w, "SIGKILL", 0)));
      // The rest of the backlog is not the pipeline section's work: its rows and their waiting jobs go
      // (left in Redis, the pipeline's workers would first work through thousands of jobs of missing rows).
      await db.webhookEvent.deleteMany({ where: { shopId: { in: [shopId, busyShopId] } } });
      const { closeQueues, getQueue, QueueName } = await import("../app/queues.server");
      await getQueue(QueueName.inbox).drain(true);
      await closeQueues();
    }
  }
  return result;
}

/** After the stack stopped: the web process's profile (written on its exit), summarised. */
export function printWebProfile(profileDir: string, webPid: number | undefined, out: (line?: string) => void): unknown {
  const file = readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile") && f.includes(`.${webPid}.`));
  if (!file) {
    out(`\n(no CPU profile of the web process ${webPid} in ${profileDir})`);
    return null;
  }
  const summary = summarizeProfile(path.join(profileDir, file), 15, /handleWebhookDelivery|fastShopifyWebhook/);
  out(`\nWhere the web process's CPU time went (node --cpu-prof, ${path.join(profileDir, file)}): from its first webhook on (start-up left out): busy ${(summary.busyMs / 1000).toFixed(1)} s of ${(summary.totalMs / 1000).toFixed(1)} s`);
  for (const g of summary.groups) out(`  ${(g.share * 100).toFixed(1).padStart(5)} %  ${g.group}`);
  out("  heaviest functions (self time):");
  for (const f of summary.functions.slice(0, 12)) out(`  ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`);
  return summary;
}
