import { readFileSync } from "node:fs";

/**
 * Where a process's CPU time went, from a V8 .cpuprofile (node --cpu-prof): self time grouped by
 * where the code lives (a package under node_modules, Node's internals, Facto's own code, GC, idle),
 * plus the heaviest functions. Used by `npm run bench -- --profile` to print the ingest profile.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  groups: { group: string; ms: number; share: number }[];
  functions: { name: string; ms: number; share: number }[];
}

function groupOf(url: string, name: string): string {
  if (name === "(idle)") return "(idle)";
  if (name === "(garbage collector)") return "(garbage collector)";
  if (name === "(program)") return "(program: V8/native)";
  if (!url) return `(native) ${name}`.trim();
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0] === "internal" ? url.slice(5).split("/").slice(0, 2).join("/") : url.slice(5)}`;
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes("/build/server/")) return "facto (server build)";
  if (url.includes("/app/") || url.includes("/workers/")) return "facto (app)";
  return url.replace(/^file:\/\//, "");
}

/**
 * `from`: count only the samples after the first one whose stack has a frame matching it (e.g. the
 * webhook handler), so the process's start-up (module loading, compiling) is not in the figures.
 */
export function summarizeProfile(file: string, top = 15, from?: RegExp): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const matches = (id: number | undefined): boolean => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (from!.test(`${f.functionName} ${f.url}`)) return true;
    }
    return false;
  };
  let first = 0;
  if (from) while (first < profile.samples.length && !matches(profile.samples[first])) first++;
  if (first >= profile.samples.length) first = 0;
  const selfUs = new Map<number, number>();
  for (let i = first; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0; // a sample's time is the gap to the next one
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + delta);
  }
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const group = groupOf(url, functionName);
    total += us;
    if (group === "(idle)") idle += us;
    groups.set(group, (groups.get(group) ?? 0) + us);
    const short = url ? `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^.*\/(app|build|workers)\//, "$1/")}:${lineNumber + 1}` : functionName;
    functions.set(short, (functions.get(short) ?? 0) + us);
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>) =>
    [...m]
      .filter(([k]) => k !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ ms: us / 1000, share: busy ? us / busy : 0, key: k }));
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    groups: rank(groups).map(({ key, ms, share }) => ({ group: key, ms, share })),
    functions: rank(functions).map(({ key, ms, share }) => ({ name: key, ms, share })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = summarizeProfile(process.argv[2]!, Number(process.argv[3] ?? 20), process.argv[4] ? new RegExp(process.argv[4]) : undefined);
  process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
}
