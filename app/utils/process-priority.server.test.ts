import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The nice value of each thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNiceValues(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

describe.runIf(process.platform === "linux")("lowerProcessPriority", () => {
  it("lowers every thread of the process, not only the main one (V8's and libuv's threads run work too)", { timeout: 30_000 }, async () => {
    const module = path.resolve(import.meta.dirname, "process-priority.server.ts");
    // A child process (a nice value cannot be raised back without privilege): lowers itself, then waits.
    // Plain node (it strips the module's types itself): a niced child on a busy machine starts slowly enough.
    const child = spawn(process.execPath, ["--input-type=module", "-e", `const { lowerProcessPriority } = await import(${JSON.stringify(module)}); console.log(lowerProcessPriority(7)); setTimeout(() => {}, 30000);`], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const threadsSet = await new Promise<number>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(Number(d.toString()))));
      const values = threadNiceValues(child.pid!);
      expect(threadsSet).toBeGreaterThan(1);
      expect(values.length).toBeGreaterThan(1);
      expect(values.every((nice) => nice === 7)).toBe(true);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("never raises the priority of a process started lower (nice 12 stays 12)", { timeout: 30_000 }, async () => {
    const module = path.resolve(import.meta.dirname, "process-priority.server.ts");
    const child = spawn("nice", ["-n", "12", process.execPath, "--input-type=module", "-e", `const { lowerProcessPriority } = await import(${JSON.stringify(module)}); console.log(lowerProcessPriority(7)); setTimeout(() => {}, 30000);`], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const threadsSet = await new Promise<number>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(Number(d.toString()))));
      expect(threadsSet).toBe(0);
      expect(threadNiceValues(child.pid!).every((nice) => nice === 12)).toBe(true);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("leaves the priority alone for 0", { timeout: 30_000 }, async () => {
    const { lowerProcessPriority } = await import("./process-priority.server");
    expect(lowerProcessPriority(0)).toBe(0);
  });
});
