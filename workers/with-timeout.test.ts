import { describe, expect, it } from "vitest";
import { withTimeout } from "./with-timeout";

describe("withTimeout", () => {
  it("passes a result that comes in time through", async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, "job")).resolves.toBe(7);
  });
  it("rejects work that never settles, naming the job, so that BullMQ retries it", async () => {
    await expect(withTimeout(new Promise(() => {}), 20, "process-webhook")).rejects.toThrow("process-webhook did not finish within 20 ms");
  });
  it("passes the work's own error through", async () => {
    await expect(withTimeout(Promise.reject(new Error("boom")), 1000, "job")).rejects.toThrow("boom");
  });
});
