import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

/**
 * Where a webhook's ack time goes inside the web process — for `npm run bench` (scripts/bench-ingest.ts),
 * off unless the process runs with INGEST_TIMELINE=1 (then the bench reads and resets it through
 * `GET /__ingest-timeline`, app/web-server.ts). Per request: body read, checks (HMAC, JSON), waiting for
 * and running the group commit, answer; per batch: how long its oldest delivery waited for a free writer
 * and how long the statement with its COMMIT took; the event loop's delay and the GC pauses meanwhile.
 * Nothing is logged per request: a few numbers pushed into arrays.
 */
export interface IngestTimeline {
  /** One delivery: performance.now() at the request event, body complete, checked, stored (committed), answered. */
  request(arrived: number, bodyRead: number, checked: number, stored: number, answered: number): void;
  /** One statement: when each of its deliveries was queued, when it was sent, when it came back committed. */
  batch(queued: number[], sent: number, committed: number): void;
  /** Percentiles since the last snapshot, then starts again. */
  snapshot(): Record<string, unknown>;
}

/** perf_hooks' GC kinds (constants.NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = { 1: "scavenge", 2: "minorMarkSweep", 4: "markCompact", 8: "incremental", 16: "weakCallbacks" };

const PHASES = ["bodyRead", "checked", "waitForWriter", "statement", "stored", "answered", "total"] as const;

export function createIngestTimeline(): IngestTimeline {
  let phases: Record<(typeof PHASES)[number], number[]> = emptyPhases();
  let batches = { sizes: [] as number[] };
  let gc = { count: 0, totalMs: 0, pauses: [] as number[], longestByKind: {} as Record<string, number> };
  let loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.totalMs += entry.duration;
      gc.pauses.push(entry.duration);
      const kind = GC_KINDS[((entry as { detail?: { kind?: number } }).detail)?.kind ?? 0] ?? "other";
      gc.longestByKind[kind] = Math.max(gc.longestByKind[kind] ?? 0, Number(entry.duration.toFixed(2)));
    }
  }).observe({ entryTypes: ["gc"] });
  let since = performance.now();
  const cpuSince = { usage: process.cpuUsage() };

  return {
    request(arrived, bodyRead, checked, stored, answered) {
      phases.bodyRead.push(bodyRead - arrived);
      phases.checked.push(checked - bodyRead);
      phases.stored.push(stored - checked);
      phases.answered.push(answered - stored);
      phases.total.push(answered - arrived);
    },
    batch(queued, sent, committed) {
      batches.sizes.push(queued.length);
      // Per delivery, not per batch: the slow batches are the big ones (written after a stall).
      for (const at of queued) {
        phases.waitForWriter.push(sent - at);
        phases.statement.push(committed - sent);
      }
    },
    snapshot() {
      const now = performance.now();
      const cpu = process.cpuUsage(cpuSince.usage);
      const requests = phases.total.length;
      const result = {
        seconds: (now - since) / 1000,
        requests,
        cpuMsPerRequest: requests ? (cpu.user + cpu.system) / 1000 / requests : null,
        cpuShareOfOneCore: (cpu.user + cpu.system) / 1000 / (now - since),
        phasesMs: Object.fromEntries(PHASES.map((p) => [p, percentiles(phases[p])])),
        batches: { count: batches.sizes.length, size: percentiles(batches.sizes) },
        eventLoopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
        gc: { count: gc.count, totalMs: gc.totalMs, pauseMs: percentiles(gc.pauses), longestByKind: gc.longestByKind },
        // What a full GC has to mark: the V8 heap now (a major GC's pause grows with it).
        heapUsedMb: Number((process.memoryUsage().heapUsed / 1048576).toFixed(1)),
      };
      phases = emptyPhases();
      batches = { sizes: [] };
      gc = { count: 0, totalMs: 0, pauses: [], longestByKind: {} };
      loop.disable();
      loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      since = now;
      cpuSince.usage = process.cpuUsage();
      return result;
    },
  };
}

function emptyPhases(): Record<(typeof PHASES)[number], number[]> {
  return Object.fromEntries(PHASES.map((p) => [p, [] as number[]])) as Record<(typeof PHASES)[number], number[]>;
}

function percentiles(xs: number[]): { p50: number; p90: number; p99: number; max: number } | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => Number(s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(2));
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Number(s[s.length - 1]!.toFixed(2)) };
}

declare global {
  // eslint-disable-next-line no-var
  var __factoIngestTimeline: IngestTimeline | null | undefined;
}

/** The process's timeline, or null when INGEST_TIMELINE is not set (the usual case: nothing is recorded). */
export function ingestTimeline(): IngestTimeline | null {
  if (globalThis.__factoIngestTimeline === undefined) globalThis.__factoIngestTimeline = process.env.INGEST_TIMELINE === "1" ? createIngestTimeline() : null;
  return globalThis.__factoIngestTimeline;
}
