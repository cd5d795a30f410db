import { describe, expect, it } from "vitest";
import { createIngestTimeline } from "./ingest-timeline.server";

describe("ingest timeline (bench diagnostics)", () => {
  it("summarises the phases of the deliveries recorded since the last snapshot, then starts again", () => {
    const timeline = createIngestTimeline();
    timeline.request(0, 1, 3, 10, 11);
    timeline.request(0, 2, 4, 20, 22);
    timeline.batch([3, 4], 5, 9);
    const first = timeline.snapshot() as { requests: number; phasesMs: Record<string, { p50: number; max: number } | null>; batches: { count: number } };
    expect(first.requests).toBe(2);
    expect(first.phasesMs.bodyRead).toMatchObject({ p50: 2, max: 2 });
    expect(first.phasesMs.stored).toMatchObject({ max: 16 });
    expect(first.phasesMs.total).toMatchObject({ max: 22 });
    expect(first.phasesMs.waitForWriter).toMatchObject({ p50: 2, max: 2 });
    expect(first.phasesMs.statement).toMatchObject({ max: 4 });
    expect(first.batches.count).toBe(1);
    const second = timeline.snapshot() as { requests: number; phasesMs: Record<string, unknown> };
    expect(second.requests).toBe(0);
    expect(second.phasesMs.total).toBeNull();
  });
});
