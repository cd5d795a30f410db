import { createHmac, randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { benchOrderBody } from "./bench-orders";

/**
 * The webhook load generator of `npm run bench`, in its own process: signed Shopify orders/create
 * webhooks (a new order id and webhook id each; `--mix` for the order mix) sent at a fixed rate over
 * keep-alive connections on loopback, and one JSON line with the achieved rate and the ack latency
 * distribution. Latency is measured from the moment a request was due, not from when it went out,
 * so a server that falls behind is not flattered (no coordinated omission).
 *
 * Requests are prepared as raw HTTP/1.1 bytes before the clock starts and responses are parsed just
 * enough to find their end: the generator shares the 2 cores with the server, and an HTTP client
 * library spent ~1.5 ms of CPU per request (autocannon with per-request bodies), more than the server.
 */
const { values } = parseArgs({
  options: {
    url: { type: "string" },
    secret: { type: "string" },
    shop: { type: "string", default: "bench.myshopify.com" },
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "30" },
    "first-id": { type: "string", default: "10000000" },
    "max-connections": { type: "string", default: "256" },
    mix: { type: "boolean", default: false },
    /** Seconds of the same load sent first and not measured (the server's and this process's JIT, connections). */
    warmup: { type: "string", default: "0" },
    /** GET this URL after the warm-up (the bench resets the web process's timeline with it). */
    "after-warmup": { type: "string" },
  },
});
const target = new URL(`${values.url}/webhooks/shopify/orders/create`);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const warmupTotal = Math.round(rate * Number(values.warmup));
const total = warmupTotal + rate * seconds;
let next = Number(values["first-id"]);

const requests = Array.from({ length: total }, () => {
  const body = Buffer.from(benchOrderBody(next++, values.mix), "utf8");
  const head = [
    `POST ${target.pathname} HTTP/1.1`,
    `Host: ${target.host}`,
    "Connection: keep-alive",
    "Content-Type: application/json",
    `Content-Length: ${body.length}`,
    "X-Shopify-Topic: orders/create",
    `X-Shopify-Hmac-Sha256: ${createHmac("sha256", values.secret!).update(body).digest("base64")}`,
    `X-Shopify-Shop-Domain: ${values.shop}`,
    "X-Shopify-API-Version: 2026-10",
    `X-Shopify-Webhook-Id: ${randomUUID()}`,
    `X-Shopify-Triggered-At: ${new Date().toISOString()}`,
  ].join("\r\n");
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]);
});

interface Connection {
  socket: Socket;
  busy: boolean;
  dueAt: number;
  /** The request it carries is part of the warm-up (not measured). */
  warmup: boolean;
  buffer: Buffer;
}
const latencies: number[] = [];
/** How late each request went out (ms after it was due): lateness on the generator's side, not the server's. */
const sendLags: number[] = [];
const statuses = new Map<number, number>();
let errors = 0;
let done = 0;
let warmupOk = 0;
let warmupFailed = 0;
let sentCount = 0;
const idle: Connection[] = [];
const all: Connection[] = [];
const backlog: { index: number; dueAt: number }[] = [];
/** Called after every answer: resolves the current phase once all its requests are answered. */
let finish: () => void = () => {};

function complete(c: Connection, status: number) {
  if (c.warmup) {
    if (status >= 200 && status < 300) warmupOk++;
    else warmupFailed++;
  } else {
    latencies.push(performance.now() - c.dueAt);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  c.busy = false;
  c.buffer = Buffer.alloc(0);
  done++;
  finish();
  const waiting = backlog.shift();
  if (waiting) send(c, waiting.index, waiting.dueAt);
  else idle.push(c);
}

function onData(c: Connection, chunk: Buffer) {
  c.buffer = c.buffer.length ? Buffer.concat([c.buffer, chunk]) : chunk;
  const end = c.buffer.indexOf("\r\n\r\n");
  if (end < 0) return;
  const head = c.buffer.subarray(0, end).toString("latin1");
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? "0");
  if (c.buffer.length < end + 4 + length) return; // the webhook answers are small JSON with a length
  complete(c, Number(head.slice(9, 12)));
}

function open(): Connection {
  const c: Connection = { socket: connect(Number(target.port), target.hostname), busy: false, dueAt: 0, warmup: false, buffer: Buffer.alloc(0) };
  c.socket.setNoDelay(true);
  c.socket.on("data", (chunk: Buffer) => onData(c, chunk));
  // A connection the server closed (or reset) loses the request it carried: counted as an error.
  const gone = () => {
    if (c.busy) {
      if (c.warmup) warmupFailed++;
      else errors++;
      c.busy = false;
      done++;
      finish();
    }
    const i = all.indexOf(c);
    if (i >= 0) all.splice(i, 1);
    const j = idle.indexOf(c);
    if (j >= 0) idle.splice(j, 1);
  };
  c.socket.on("error", gone);
  c.socket.on("close", gone);
  all.push(c);
  return c;
}

function send(c: Connection, index: number, dueAt: number) {
  c.busy = true;
  c.dueAt = dueAt;
  c.warmup = index < warmupTotal;
  if (!c.warmup) {
    sentCount++;
    sendLags.push(performance.now() - dueAt);
  }
  c.socket.write(requests[index]!);
}

function dispatch(index: number, dueAt: number) {
  const c = idle.pop() ?? (all.length < Number(values["max-connections"]) ? open() : null);
  if (c) send(c, index, dueAt);
  else backlog.push({ index, dueAt });
}

// Warm the connections (a tenth of a second of traffic) so connection set-up is not in the figures.
for (let i = 0; i < Math.min(Number(values["max-connections"]), Math.max(4, Math.ceil(rate / 50))); i++) idle.push(open());
await new Promise((r) => setTimeout(r, 300));

/** Sends requests [from, to) at the rate from now on; resolves when every one of them was answered (or failed). */
async function sendAtRate(from: number, to: number, limitSeconds: number): Promise<number> {
  const started = performance.now();
  let index = from;
  const doneBefore = done;
  const answered = new Promise<void>((resolve) => (finish = () => done - doneBefore >= to - from && resolve()));
  const timer = setInterval(() => {
    const now = performance.now();
    const due = Math.min(to, from + Math.floor(((now - started) / 1000) * rate) + 1);
    for (; index < due; index++) dispatch(index, started + ((index - from) * 1000) / rate);
    if (index >= to) clearInterval(timer);
  }, 1);
  await Promise.race([answered, new Promise((r) => setTimeout(r, (limitSeconds + 60) * 1000))]);
  clearInterval(timer);
  return started;
}

if (warmupTotal > 0) {
  await sendAtRate(0, warmupTotal, Number(values.warmup));
  if (values["after-warmup"]) await fetch(values["after-warmup"]).then((r) => r.arrayBuffer());
}
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const started = await sendAtRate(warmupTotal, total, seconds);
const elapsed = (performance.now() - started) / 1000;
for (const c of all) c.socket.destroy();

latencies.sort((a, b) => a - b);
sendLags.sort((a, b) => a - b);
const pctOf = (xs: number[], p: number) => Number((xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0).toFixed(1));
const pct = (p: number) => pctOf(latencies, p);
const ok = [...statuses].filter(([s]) => s >= 200 && s < 300).reduce((n, [, c]) => n + c, 0);
const measured = latencies.length + errors;
process.stdout.write(
  `${JSON.stringify({ rate, seconds, warmupSeconds: Number(values.warmup), warmupOk, warmupFailed, sent: sentCount, achieved: measured / elapsed, ok, non2xx: latencies.length - ok, errors, timeouts: rate * seconds - measured, p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100), connections: all.length, lastId: next - 1, sendLagP50: pctOf(sendLags, 50), sendLagP99: pctOf(sendLags, 99), loopDelayP99: Number((loopDelay.percentile(99) / 1e6).toFixed(1)), loopDelayMax: Number((loopDelay.max / 1e6).toFixed(1)) })}\n`,
);
process.exit(0);
