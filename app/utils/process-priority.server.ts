import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * Lowers this process's CPU priority to `nice` (0–19): a background process (the worker) yields the
 * CPU to latency-critical ones (the web process's webhook acks) when they share cores, and loses
 * nothing when the cores are idle. No privilege is needed to lower one's own priority.
 * On Linux a nice value belongs to a thread: every thread already running (V8's GC helpers, libuv's
 * pool) is set here, and threads started later inherit it from the thread that starts them.
 * Never raises it: a process already started lower (systemd's Nice=15, `nice -n 19`) stays there.
 * Returns the threads set.
 */
export function lowerProcessPriority(nice: number): number {
  if (nice <= 0 || getPriority() >= nice) return 0;
  let threads: number[];
  try {
    threads = readdirSync("/proc/self/task").map(Number).filter((tid) => tid > 0);
  } catch {
    setPriority(nice); // no /proc (not Linux): the process as a whole
    return 1;
  }
  let set = 0;
  for (const tid of threads) {
    try {
      setPriority(tid, nice);
      set++;
    } catch {
      // a thread that ended meanwhile
    }
  }
  return set;
}
