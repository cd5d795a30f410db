import { getQueue, JobQueue, jobId, JobPayloads, type JobName, type JobPayload } from "~/queues.server";

/**
 * Makes sure the job for this payload will run: added when absent, retried when it failed,
 * re-added when a finished job left its row unprocessed. Returns true when it had to act.
 */
export async function ensureJob<N extends JobName>(name: N, payload: JobPayload<N>): Promise<boolean> {
  const data = JobPayloads[name].parse(payload);
  const id = (jobId[name] as (p: JobPayload<N>) => string)(data as JobPayload<N>);
  const queue = getQueue(JobQueue[name]);
  const job = await queue.getJob(id);
  if (job) {
    const state = await job.getState();
    if (state === "failed") {
      await job.retry("failed");
      return true;
    }
    if (state !== "completed") return false; // waiting, delayed or running: it will do its work
    await job.remove();
  }
  await queue.add(name, data, { jobId: id });
  return true;
}
