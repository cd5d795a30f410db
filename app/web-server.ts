import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from "express";
import morgan from "morgan";
import { logger } from "./logger.server";
import { responseSecurityHeaders } from "./utils/security-headers.server";

/**
 * The web process: Remix's server build behind Express (what remix-serve does: compression, static
 * assets, request log) — except Shopify's webhooks, which take a short path first: no compression,
 * no request log line, no Remix routing, straight to the inbox (docs/decisions/009-webhook-fast-path.md).
 *   node --import tsx app/web-server.ts [build/server/index.js]
 */
const buildPath = path.resolve(process.argv[2] ?? "build/server/index.js");
const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild & { entry: { module: { fastShopifyWebhook: (request: Request, topic: string) => Promise<Response> } } };
const MAX_BODY = 2 * 1024 * 1024;

async function shopifyWebhook(req: ExpressRequest, res: ExpressResponse) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) {
      res.status(413).json({ error: { code: "PAYLOAD_TOO_LARGE", message: `Body larger than ${MAX_BODY} bytes` } });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.originalUrl}`, { method: "POST", headers, body: Buffer.concat(chunks) });
  const response = await build.entry.module.fastShopifyWebhook(request, (req.params as Record<string, string>)[0] ?? "");
  res.status(response.status).type("application/json").send(await response.text());
}

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
app.post("/webhooks/shopify/*", (req, res, next) => void shopifyWebhook(req, res).catch(next));
// The admin pages refuse a form post from another site with a clear 403 (Remix would abort it with a
// 500); APIs and webhooks called from other origins (the checkout extension, vendors) are not under these paths.
app.use(["/app", "/woo"], (req, res, next) => {
  const origin = req.headers.origin;
  if (req.method === "GET" || req.method === "HEAD" || !origin) return next();
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host === req.headers.host) return next();
  res.status(403).type("text/plain").send("This form did not come from Facto. Reload the page and try again.");
});
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.use(morgan("tiny"));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV, getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce as string, clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown" }) }));

const port = Number(process.env.PORT ?? 3000);
const server = process.env.HOST ? app.listen(port, process.env.HOST, listening) : app.listen(port, listening);
// Keep-alive connections (Shopify's delivery fleet, a load balancer) outlive Node's 5 s default.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
function listening() {
  logger.info({ url: `http://${process.env.HOST ?? "localhost"}:${port}` }, "web server listening");
}
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
