// ensureJob lives with the queues (the web process uses it too).
export { ensureJob } from "~/queues.server";
