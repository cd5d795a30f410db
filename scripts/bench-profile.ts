import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Where a CPU profile's time goes, by the code it was spent in: the V8 profile's self time (samples ×
 * interval) of every node, grouped by the file of its function. Used by `npm run bench` for the
 * pipeline's in-process profile (node:inspector) and for the worker processes' `--cpu-prof` files.
 */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; hitCount?: number }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const GROUPS: [string, RegExp][] = [
  ["PDF (pdfkit, fontkit, app/domain/pdf)", /pdfkit|fontkit|restructure|unicode-|brotli|app\/domain\/pdf|qrcode|png-js|linebreak|crypto-js/],
  ["zlib / fflate (PDF streams)", /fflate|zlib/],
  ["UBL (app/domain/ubl, XML)", /app\/domain\/ubl|fast-xml|xmlbuilder/],
  ["Prisma client + pg driver", /generated\/prisma|@prisma|node_modules\/pg|pg-protocol|pg-pool|pg-types|postgres-/],
  ["BullMQ + ioredis", /bullmq|ioredis|msgpackr|redis-parser|cluster-key-slot/],
  ["zod (payload and job validation)", /node_modules\/zod/],
  ["domain (money, VAT, invoice building)", /app\/domain\//],
  ["services, integrations, workers", /app\/services|app\/integrations|app\/models|workers\//],
  ["logging (pino)", /pino|sonic-boom|thread-stream/],
  ["tsx / esbuild loader", /tsx\/|esbuild/],
  ["Node internals (streams, crypto, buffers…)", /^node:|^internal\//],
];

export function summarizeProfile(profile: CpuProfile): { totalMs: number; groups: { group: string; ms: number; share: number }[]; topFunctions: { fn: string; ms: number }[] } {
  const interval = profile.samples && profile.samples.length ? (profile.endTime - profile.startTime) / 1000 / profile.samples.length : 1;
  const byGroup = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * interval;
    if (ms === 0) continue;
    const { functionName, url } = node.callFrame;
    let group: string;
    if (functionName === "(idle)" || functionName === "(program)" || functionName === "(garbage collector)") group = functionName === "(idle)" ? "(idle: waiting for I/O)" : functionName === "(garbage collector)" ? "garbage collector" : "V8 (program)";
    else group = GROUPS.find(([, re]) => re.test(url))?.[0] ?? (url ? "other JavaScript" : "native / builtins");
    byGroup.set(group, (byGroup.get(group) ?? 0) + ms);
    if (group !== "(idle: waiting for I/O)") {
      const fn = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(app|workers|scripts)\//, "$1/")}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
    }
    total += ms;
  }
  const busy = total - (byGroup.get("(idle: waiting for I/O)") ?? 0);
  const groups = [...byGroup.entries()].map(([group, ms]) => ({ group, ms, share: group.startsWith("(idle") ? ms / total : ms / busy })).sort((a, b) => b.ms - a.ms);
  const topFunctions = [...byFn.entries()].map(([fn, ms]) => ({ fn, ms })).sort((a, b) => b.ms - a.ms).slice(0, 12);
  return { totalMs: total, groups, topFunctions };
}

/** The `--cpu-prof` files a process wrote into `dir`, summed. */
export function summarizeProfileDir(dir: string): ReturnType<typeof summarizeProfile> | null {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  } catch {
    return null;
  }
  if (files.length === 0) return null;
  const parts = files.map((f) => summarizeProfile(JSON.parse(readFileSync(path.join(dir, f), "utf8")) as CpuProfile));
  const groups = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const p of parts) {
    for (const g of p.groups) groups.set(g.group, (groups.get(g.group) ?? 0) + g.ms);
    for (const f of p.topFunctions) fns.set(f.fn, (fns.get(f.fn) ?? 0) + f.ms);
  }
  const total = parts.reduce((s, p) => s + p.totalMs, 0);
  const busy = total - (groups.get("(idle: waiting for I/O)") ?? 0);
  return {
    totalMs: total,
    groups: [...groups.entries()].map(([group, ms]) => ({ group, ms, share: group.startsWith("(idle") ? ms / total : ms / busy })).sort((a, b) => b.ms - a.ms),
    topFunctions: [...fns.entries()].map(([fn, ms]) => ({ fn, ms })).sort((a, b) => b.ms - a.ms).slice(0, 12),
  };
}

/** Runs fn under the V8 profiler of this process. */
export async function profileInProcess<T>(fn: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  try {
    const result = await fn();
    const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile };
    return { result, profile };
  } finally {
    session.disconnect();
  }
}
