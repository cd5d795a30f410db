import cluster from "node:cluster";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import { logger } from "./logger.server";
import { NOT_FROM_FACTO, requestSite } from "./utils/same-origin.server";
import { responseSecurityHeaders } from "./utils/security-headers.server";

/**
 * The web process: Remix's server build behind Express (what remix-serve does: compression, static
 * assets, request log) — except the stores' webhooks (Shopify and WooCommerce), which are taken on
 * Node's request event before Express sees them: no compression, no request log line, no Remix
 * routing, straight to the inbox with group commit (docs/decisions/009-webhook-fast-path.md,
 * 023-fast-ingest.md). That handler lives in the server build (app/webhook-fast-path.server.ts,
 * exported by app/entry.server.tsx) so one module graph (one Prisma pool, one BullMQ connection)
 * serves both.
 *   node --import tsx app/web-server.ts [build/server/index.js]
 */
const buildPath = path.resolve(process.argv[2] ?? "build/server/index.js");
const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild & {
  entry: { module: { handleWebhookDelivery: (req: IncomingMessage, res: ServerResponse) => boolean; warmWebhookDoor: () => Promise<void>; ingestTimeline: () => { snapshot: () => unknown } | null } };
};

const app = express();
app.disable("x-powered-by");
// Behind a reverse proxy, TRUST_PROXY (Express's "trust proxy": a hop count or addresses) makes req.ip
// the client's address for the rate limits; without it the socket's peer address is used.
if (process.env.TRUST_PROXY) app.set("trust proxy", /^\d+$/.test(process.env.TRUST_PROXY) ? Number(process.env.TRUST_PROXY) : process.env.TRUST_PROXY);
// Security headers on every response; the documents' Content-Security-Policy (with this nonce) is
// set where Remix renders them (entry.server.tsx). See app/utils/security-headers.server.ts.
const production = process.env.NODE_ENV === "production";
app.use((req, res, next) => {
  const ours = responseSecurityHeaders(req.path, { production });
  for (const [name, value] of Object.entries(ours)) res.setHeader(name, value);
  // Remix's adapter appends a route's headers: a route's own value replaces ours instead of doubling it.
  const names = new Set(Object.keys(ours).map((n) => n.toLowerCase()));
  const append = res.append.bind(res);
  res.append = (field: string, value?: string[] | string) => (names.has(field.toLowerCase()) && value !== undefined ? res.setHeader(field, value) : append(field, value));
  res.locals.cspNonce = randomBytes(16).toString("base64");
  next();
});
// The admin pages refuse a form post from another site with a clear 403 (Remix would abort it with a
// 500); APIs and webhooks called from other origins (the checkout extension, vendors) are not under these paths.
app.use(["/app", "/woo"], (req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD") return next();
  const site = requestSite({ origin: req.headers.origin, secFetchSite: req.get("sec-fetch-site"), host: req.headers.host }, process.env.SHOPIFY_APP_URL);
  if (site !== "cross") return next();
  res.status(403).type("text/plain").send(NOT_FROM_FACTO);
});
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.use(morgan("tiny"));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV, getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce as string, clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown" }) }));

const port = Number(process.env.PORT ?? 3000);
// The stores' webhooks first (they return true when they took the request), everything else to Express.
// INGEST_TIMELINE=1 (the bench only): GET /__ingest-timeline answers where the webhooks' time went since the last call.
const timeline = build.entry.module.ingestTimeline();
const server = createServer((req, res) => {
  if (timeline && req.url === "/__ingest-timeline") return void res.setHeader("Content-Type", "application/json").end(JSON.stringify(timeline.snapshot()));
  if (build.entry.module.handleWebhookDelivery(req, res)) return;
  closeIfAnsweredBeforeBody(req, res);
  app(req, res);
});

/**
 * A route that answers before it read the whole request body (a refused form, an unknown shop) leaves
 * the rest of the body in the connection. Node drains it only when nothing started reading the body,
 * and Remix's adapter always starts: the next request on that keep-alive connection then waited behind
 * the unread bytes until the server's timeout reset it (~65 s, seen after a 3 MB form post). Such an
 * answer closes the connection instead; the client opens a new one for its next request.
 */
function closeIfAnsweredBeforeBody(req: IncomingMessage, res: ServerResponse) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!req.complete && !this.headersSent) this.setHeader("Connection", "close");
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}
// WEB_PROCESSES > 1: node:cluster, that many processes sharing the port (measured in decision 023).
const webProcesses = Math.max(1, Number(process.env.WEB_PROCESSES ?? "1") || 1);
if (cluster.isPrimary && webProcesses > 1) superviseWebProcesses(webProcesses);
else if (process.env.HOST) server.listen(port, process.env.HOST, listening);
else server.listen(port, listening);
// Keep-alive connections (Shopify's delivery fleet, a load balancer) outlive Node's 5 s default.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
function listening() {
  void build.entry.module.warmWebhookDoor();
  logger.info({ url: `http://${process.env.HOST ?? "localhost"}:${port}` }, "web server listening");
}
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (cluster.isPrimary && webProcesses > 1) return;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}

function superviseWebProcesses(count: number) {
  let stopping = false;
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.warn({ pid: worker.process.pid, code, signal }, "web process exited; starting another");
    cluster.fork();
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  }
}
