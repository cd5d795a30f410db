import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import selfsigned from "selfsigned";

/**
 * A fake of Mollie on 127.0.0.1, following its documented contract:
 * - the API over HTTPS (the official client only speaks HTTPS; the certificate is self-signed, so the
 *   app processes run with NODE_TLS_REJECT_UNAUTHORIZED=0 in tests and the demo): POST /v2/payments
 *   (Bearer test_/live_ key, amount "10.00" with currency, redirectUrl, Idempotency-Key honoured),
 *   GET /v2/payments/:id, POST /v2/payments/:id/refunds; errors as application/hal+json
 *   `{status, title, detail, field?, _links}`;
 * - the hosted checkout over plain HTTP (as www.mollie.com is a different host from the API): the
 *   test-mode screen where the shopper picks the outcome (paid, failed, canceled, expired, open);
 *   choosing one calls the payment's webhookUrl with the form body `id=tr_…` and then sends the
 *   shopper to the redirectUrl.
 * Test controls (not Mollie's): setStatus/refund from the test process, or POST /_control/... .
 */
export type FakeMollieStatus = "open" | "canceled" | "pending" | "authorized" | "expired" | "failed" | "paid";

export interface FakeMolliePayment {
  id: string;
  apiKey: string;
  amount: { currency: string; value: string };
  description: string;
  redirectUrl: string;
  cancelUrl: string | null;
  webhookUrl: string | null;
  metadata: unknown;
  locale: string | null;
  status: FakeMollieStatus;
  method: string | null;
  createdAt: string;
  paidAt: string | null;
  amountRefunded: string;
  failureReason: string | null;
}

export interface FakeMollie {
  /** The API base, as MOLLIE_API_BASE_URL (https://127.0.0.1:port/v2/). */
  apiUrl: string;
  /** Where the hosted checkout pages are (http). */
  checkoutUrl: string;
  payments: Map<string, FakeMolliePayment>;
  /** Every webhook call made: which payment, where, and what the app answered. */
  webhookCalls: { paymentId: string; url: string; status: number | string }[];
  /** Requests the API received (method, path, idempotency key). */
  requests: { method: string; path: string; idempotencyKey: string | null }[];
  setStatus: (id: string, status: FakeMollieStatus, options?: { method?: string; failureReason?: string }) => Promise<void>;
  refund: (id: string, value: string) => Promise<void>;
  /** The next n payment creations answer 503 (Mollie down). */
  failNextCreates: (n: number) => void;
  close: () => Promise<void>;
}

const DOCS = { documentation: { href: "https://docs.mollie.com/overview/handling-errors", type: "text/html" } };
const API_KEY = /^(test|live)_[A-Za-z0-9]{30,}$/;
const AMOUNT = /^\d{1,10}\.\d{2}$/;

export async function startFakeMollie(options: { port?: number; checkoutPort?: number } = {}): Promise<FakeMollie> {
  const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] }],
  });
  const payments = new Map<string, FakeMolliePayment>();
  const idempotent = new Map<string, { body: string; status: number; response: unknown }>();
  const webhookCalls: FakeMollie["webhookCalls"] = [];
  const requests: FakeMollie["requests"] = [];
  let failCreates = 0;
  let apiUrl = "";
  let checkoutUrl = "";

  const view = (p: FakeMolliePayment) => ({
    resource: "payment",
    id: p.id,
    mode: p.apiKey.startsWith("live_") ? "live" : "test",
    createdAt: p.createdAt,
    amount: p.amount,
    description: p.description,
    method: p.method,
    metadata: p.metadata,
    status: p.status,
    isCancelable: p.status === "open",
    ...(p.status === "open" ? { expiresAt: new Date(Date.parse(p.createdAt) + 15 * 60_000).toISOString() } : {}),
    ...(p.paidAt ? { paidAt: p.paidAt, amountRefunded: { value: p.amountRefunded, currency: p.amount.currency }, amountRemaining: { value: (Number(p.amount.value) - Number(p.amountRefunded)).toFixed(2), currency: p.amount.currency } } : {}),
    ...(p.failureReason ? { details: { failureReason: p.failureReason } } : {}),
    locale: p.locale,
    profileId: "pfl_FakeFacto01",
    sequenceType: "oneoff",
    redirectUrl: p.redirectUrl,
    ...(p.cancelUrl ? { cancelUrl: p.cancelUrl } : {}),
    ...(p.webhookUrl ? { webhookUrl: p.webhookUrl } : {}),
    _links: {
      self: { href: `${apiUrl}payments/${p.id}`, type: "application/hal+json" },
      ...(p.status === "open" ? { checkout: { href: `${checkoutUrl}/checkout/${p.id}`, type: "text/html" } } : {}),
      dashboard: { href: `${checkoutUrl}/dashboard/payments/${p.id}`, type: "text/html" },
      documentation: { href: "https://docs.mollie.com/reference/get-payment", type: "text/html" },
    },
  });

  async function callWebhook(p: FakeMolliePayment) {
    if (!p.webhookUrl) return;
    try {
      const res = await fetch(p.webhookUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `id=${p.id}` });
      webhookCalls.push({ paymentId: p.id, url: p.webhookUrl, status: res.status });
    } catch (error) {
      webhookCalls.push({ paymentId: p.id, url: p.webhookUrl, status: error instanceof Error ? error.message : String(error) });
    }
  }

  async function setStatus(id: string, status: FakeMollieStatus, opts: { method?: string; failureReason?: string } = {}) {
    const p = payments.get(id);
    if (!p) throw new Error(`fake Mollie: no payment ${id}`);
    p.status = status;
    p.method = opts.method ?? p.method ?? (status === "open" ? null : "ideal");
    if (status === "paid") p.paidAt = new Date().toISOString();
    if (status === "failed") p.failureReason = opts.failureReason ?? "insufficient_funds";
    await callWebhook(p);
  }

  async function refund(id: string, value: string) {
    const p = payments.get(id);
    if (!p) throw new Error(`fake Mollie: no payment ${id}`);
    p.amountRefunded = (Number(p.amountRefunded) + Number(value)).toFixed(2);
    await callWebhook(p);
  }

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };

  const api = createHttpsServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    handleApi(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/hal+json" });
      res.end(JSON.stringify({ status: 500, title: "Internal Server Error", detail: String(error), _links: DOCS }));
    });
  });

  async function handleApi(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/hal+json" });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, title: string, detail: string, field?: string) => send(status, { status, title, detail, ...(field ? { field } : {}), _links: DOCS });
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const body = await readBody(req);
    const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
    requests.push({ method: req.method ?? "", path: url.pathname, idempotencyKey });

    if (url.pathname.startsWith("/_control/")) return handleControl(req.method ?? "", url.pathname, body, send);

    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!API_KEY.test(auth)) return error(401, "Unauthorized Request", "Missing authentication, or failed to authenticate");

    if (req.method === "POST" && url.pathname === "/v2/payments") {
      if (idempotencyKey) {
        const seen = idempotent.get(`${auth}:${idempotencyKey}`);
        if (seen) {
          if (seen.body !== body) return error(422, "Unprocessable Entity", "The idempotency key has already been used for a different request");
          return send(seen.status, seen.response);
        }
      }
      if (failCreates > 0) {
        failCreates--;
        return error(503, "Service Unavailable", "The service is temporarily unavailable");
      }
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return error(400, "Bad Request", "The request body is not valid JSON");
      }
      const amount = input.amount as { currency?: unknown; value?: unknown } | undefined;
      if (!amount || typeof amount.value !== "string" || !AMOUNT.test(amount.value) || typeof amount.currency !== "string" || !/^[A-Z]{3}$/.test(amount.currency)) {
        return error(422, "Unprocessable Entity", "The amount is invalid: a currency and a value with two decimals are required", "amount");
      }
      if (Number(amount.value) < 0.01) return error(422, "Unprocessable Entity", "The amount is lower than the minimum", "amount");
      if (typeof input.description !== "string" || !input.description.trim()) return error(422, "Unprocessable Entity", "The description is empty", "description");
      if (typeof input.redirectUrl !== "string" || !/^https?:\/\//.test(input.redirectUrl)) return error(422, "Unprocessable Entity", "The redirect URL is invalid", "redirectUrl");
      if (input.webhookUrl !== undefined && (typeof input.webhookUrl !== "string" || !/^https?:\/\//.test(input.webhookUrl))) return error(422, "Unprocessable Entity", "The webhook URL is invalid", "webhookUrl");
      const payment: FakeMolliePayment = {
        id: `tr_${randomBytes(8).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 10).padEnd(10, "x")}`,
        apiKey: auth,
        amount: { currency: amount.currency, value: amount.value },
        description: input.description,
        redirectUrl: input.redirectUrl,
        cancelUrl: typeof input.cancelUrl === "string" ? input.cancelUrl : null,
        webhookUrl: typeof input.webhookUrl === "string" ? input.webhookUrl : null,
        metadata: input.metadata ?? null,
        locale: typeof input.locale === "string" ? input.locale : null,
        status: "open",
        method: typeof input.method === "string" ? input.method : null,
        createdAt: new Date().toISOString(),
        paidAt: null,
        amountRefunded: "0.00",
        failureReason: null,
      };
      payments.set(payment.id, payment);
      const response = view(payment);
      if (idempotencyKey) idempotent.set(`${auth}:${idempotencyKey}`, { body, status: 201, response });
      return send(201, response);
    }
    const get = /^\/v2\/payments\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (req.method === "GET" && get) {
      const p = payments.get(get[1]!);
      // Mollie answers 404 for another account's payment as for an unknown one.
      if (!p || p.apiKey !== auth) return error(404, "Not Found", `No payment exists with token ${get[1]}.`);
      return send(200, view(p));
    }
    const refundPath = /^\/v2\/payments\/([A-Za-z0-9_]+)\/refunds$/.exec(url.pathname);
    if (req.method === "POST" && refundPath) {
      const p = payments.get(refundPath[1]!);
      if (!p || p.apiKey !== auth) return error(404, "Not Found", `No payment exists with token ${refundPath[1]}.`);
      const value = (JSON.parse(body || "{}") as { amount?: { value?: string } }).amount?.value ?? p.amount.value;
      if (p.status !== "paid") return error(422, "Unprocessable Entity", "The payment cannot be refunded: it is not paid");
      if (Number(value) > Number(p.amount.value) - Number(p.amountRefunded)) return error(422, "Unprocessable Entity", "The amount is higher than the amount remaining", "amount");
      await refund(p.id, value);
      return send(201, { resource: "refund", id: `re_${randomBytes(5).toString("hex")}`, amount: { value, currency: p.amount.currency }, status: "pending", paymentId: p.id, createdAt: new Date().toISOString() });
    }
    return error(404, "Not Found", "The requested resource does not exist");
  }

  async function handleControl(method: string, path: string, body: string, send: (status: number, body: unknown) => void) {
    const m = /^\/_control\/payments\/([A-Za-z0-9_]+)\/(status|refund)$/.exec(path);
    if (method === "POST" && m) {
      const input = JSON.parse(body || "{}") as { status?: FakeMollieStatus; value?: string };
      if (m[2] === "status") await setStatus(m[1]!, input.status ?? "paid");
      else await refund(m[1]!, input.value ?? "0.00");
      return send(200, view(payments.get(m[1]!)!));
    }
    if (method === "GET" && path === "/_control/payments") return send(200, [...payments.values()].map(view));
    if (method === "GET" && path === "/_control/webhook-calls") return send(200, webhookCalls);
    if (method === "POST" && path === "/_control/fail-next-creates") {
      failCreates = Number((JSON.parse(body || "{}") as { count?: number }).count ?? 1);
      return send(200, { failCreates });
    }
    return send(404, { status: 404, title: "Not Found", detail: "unknown control", _links: DOCS });
  }

  // The hosted checkout, Mollie's test-mode screen.
  const checkout = createHttpServer((req, res) => {
    handleCheckout(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(e));
    });
  });
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  async function handleCheckout(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith("/_control/")) {
      // Test controls are also reachable over plain HTTP, for test processes that do not trust the fake's certificate.
      const body = await readBody(req);
      return handleControl(req.method ?? "", url.pathname, body, (status, b) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(b));
      });
    }
    const m = /^\/checkout\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    const p = m ? payments.get(m[1]!) : undefined;
    if (!p) {
      res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" });
      return res.end("<!doctype html><title>Mollie</title><h1>Payment not found</h1>");
    }
    if (req.method === "POST") {
      const form = new URLSearchParams(await readBody(req));
      const status = (form.get("status") ?? "paid") as FakeMollieStatus;
      if (p.status === "open") await setStatus(p.id, status, { method: "ideal" });
      const to = p.status === "canceled" && p.cancelUrl ? p.cancelUrl : p.redirectUrl;
      res.writeHead(303, { Location: to });
      return res.end();
    }
    if (p.status !== "open") {
      res.writeHead(303, { Location: p.redirectUrl });
      return res.end();
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    const choice = (status: FakeMollieStatus, label: string) => `<button name="status" value="${status}" type="submit">${label}</button>`;
    res.end(`<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Mollie test payment</title></head><body style="font-family:sans-serif;max-width:420px;margin:2rem auto">
<p><strong>Test mode</strong> — fake Mollie checkout</p>
<h1>${escape(p.description)}</h1>
<p id="amount">${escape(p.amount.currency)} ${escape(p.amount.value)}</p>
<form method="post">${choice("paid", "Paid")} ${choice("failed", "Failed")} ${choice("canceled", "Canceled")} ${choice("expired", "Expired")} ${choice("open", "Open")}</form>
</body></html>`);
  }

  await new Promise<void>((resolve) => api.listen(options.port ?? 0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => checkout.listen(options.checkoutPort ?? 0, "127.0.0.1", resolve));
  apiUrl = `https://127.0.0.1:${(api.address() as AddressInfo).port}/v2/`;
  checkoutUrl = `http://127.0.0.1:${(checkout.address() as AddressInfo).port}`;

  return {
    apiUrl,
    checkoutUrl,
    payments,
    webhookCalls,
    requests,
    setStatus,
    refund,
    failNextCreates: (n) => {
      failCreates = n;
    },
    close: async () => {
      api.closeAllConnections();
      checkout.closeAllConnections();
      await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => checkout.close(r))]);
    },
  };
}
