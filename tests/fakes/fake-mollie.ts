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
 * - refunds and chargebacks (docs/decisions/013): GET /v2/payments/:id/refunds and
 *   GET /v2/payments/:id/chargebacks as HAL lists; a paid payment keeps status `paid` after either,
 *   and Mollie calls the payment's webhookUrl with `id=tr_…` so the app fetches the payment again.
 *   Every behaviour of these that Facto depends on cites its source where it is built below.
 * Test controls (not Mollie's): setStatus/refund/chargeback/reverseChargeback from the test process,
 * or POST /_control/... .
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
  refunds: FakeMollieRefund[];
  chargebacks: FakeMollieChargeback[];
}

export interface FakeMollieRefund {
  id: string;
  amount: { currency: string; value: string };
  description: string;
  status: "queued" | "pending" | "processing" | "refunded" | "failed" | "canceled";
  createdAt: string;
}

export interface FakeMollieChargeback {
  id: string;
  amount: { currency: string; value: string };
  reason: { code: string; description: string } | null;
  createdAt: string;
  reversedAt: string | null;
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
  /** A refund made in Mollie's dashboard (or by the API): recorded on the payment, then the webhook. */
  refund: (id: string, value: string) => Promise<void>;
  /** The customer's bank charges the payment back (value defaults to the whole amount), then the webhook. Returns the chb_ id. */
  chargeback: (id: string, options?: { value?: string; reason?: { code: string; description: string } | null; callWebhook?: boolean }) => Promise<string>;
  /** The bank reverses a chargeback, then the webhook. */
  reverseChargeback: (id: string, chargebackId: string) => Promise<void>;
  /** Calls the payment's webhook again, as Mollie does when an earlier call was not answered 200. */
  repeatWebhook: (id: string) => Promise<void>;
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
    // "amountChargedBack: The total amount that was charged back for this payment. Only available when the
    // total charged back amount is not zero." (@mollie/api-client 4.6.0, dist/types/data/payments/data.d.ts,
    // documenting https://docs.mollie.com/reference/get-payment?path=amountChargedBack). ⚠ Whether Mollie
    // lowers this total when a chargeback is reversed is not documented; the fake counts standing
    // chargebacks only, and Facto does not depend on it (it sums the chargebacks list, reversedAt null).
    ...(standingChargebacks(p) > 0 ? { amountChargedBack: { value: standingChargebacks(p).toFixed(2), currency: p.amount.currency } } : {}),
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
      // PaymentLinks in the client's types (data/payments/data.d.ts): optional `refunds` — "The API resource URL of the
      // refunds that belong to this payment" — and `chargebacks` likewise; the fake gives them when there are any.
      ...(p.refunds.length ? { refunds: { href: `${apiUrl}payments/${p.id}/refunds`, type: "application/hal+json" } } : {}),
      ...(p.chargebacks.length ? { chargebacks: { href: `${apiUrl}payments/${p.id}/chargebacks`, type: "application/hal+json" } } : {}),
      dashboard: { href: `${checkoutUrl}/dashboard/payments/${p.id}`, type: "text/html" },
      documentation: { href: "https://docs.mollie.com/reference/get-payment", type: "text/html" },
    },
  });

  const standingChargebacks = (p: FakeMolliePayment) => p.chargebacks.filter((c) => !c.reversedAt).reduce((n, c) => n + Number(c.amount.value), 0);

  // The refund object as https://docs.mollie.com/reference/refunds-api-webhooks shows it ("The payload of a
  // webhook is always simply a snapshot of the entity, as returned by the GET endpoint"): resource "refund",
  // id re_…, amount {currency, value}, description, metadata, status, paymentId, createdAt, _links self/payment/documentation.
  const refundView = (p: FakeMolliePayment, r: FakeMollieRefund) => ({
    resource: "refund",
    id: r.id,
    mode: p.apiKey.startsWith("live_") ? "live" : "test",
    amount: r.amount,
    description: r.description,
    metadata: null,
    status: r.status,
    paymentId: p.id,
    createdAt: r.createdAt,
    _links: {
      self: { href: `${apiUrl}payments/${p.id}/refunds/${r.id}`, type: "application/hal+json" },
      payment: { href: `${apiUrl}payments/${p.id}`, type: "application/hal+json" },
      documentation: { href: "https://docs.mollie.com/reference/get-refund", type: "text/html" },
    },
  });
  // The chargeback object as https://docs.mollie.com/reference/chargebacks-api-webhooks shows it: resource
  // "chargeback", id chb_…, amount, reason (null, or {code, description} — "Only available for chargebacks of
  // SEPA Direct Debit payments", ChargebackData in the client's types), paymentId, createdAt, reversedAt (null
  // until "chargeback.reversed"), _links self/payment/documentation; settlementAmount is negative (ChargebackData:
  // "Note that for chargebacks, the value key of settlementAmount will be negative").
  const chargebackView = (p: FakeMolliePayment, c: FakeMollieChargeback) => ({
    resource: "chargeback",
    id: c.id,
    amount: c.amount,
    settlementAmount: { currency: c.amount.currency, value: `-${c.amount.value}` },
    reason: c.reason,
    paymentId: p.id,
    createdAt: c.createdAt,
    reversedAt: c.reversedAt,
    _links: {
      self: { href: `${apiUrl}payments/${p.id}/chargebacks/${c.id}`, type: "application/hal+json" },
      payment: { href: `${apiUrl}payments/${p.id}`, type: "application/hal+json" },
      documentation: { href: "https://docs.mollie.com/reference/get-chargeback", type: "text/html" },
    },
  });
  // A list page as the official client reads it (@mollie/api-client 4.6.0, NetworkClient.iterate in
  // dist/mollie.cjs.js: `embedded[binderName]` — "refunds"/"chargebacks" for PaymentRefundsBinder and
  // PaymentChargebacksBinder — and the next page from `_links.next`, the last page when it is null).
  const listView = (name: "refunds" | "chargebacks", p: FakeMolliePayment, items: unknown[]) => ({
    count: items.length,
    _embedded: { [name]: items },
    _links: {
      self: { href: `${apiUrl}payments/${p.id}/${name}`, type: "application/hal+json" },
      previous: null,
      next: null,
      documentation: { href: `https://docs.mollie.com/reference/list-payment-${name === "refunds" ? "refunds" : "chargebacks"}`, type: "text/html" },
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

  // Refunds and chargebacks leave the payment `paid`: "a charged back payment is still paid for, so paid is an
  // end-state here" (a maintainer of Mollie's Laravel Cashier, laravel/cashier-mollie#157, on Mollie's API).
  // Mollie then calls the payment's webhook: "It is a URL Mollie will call with the ID of the updated object.
  // When Mollie calls your webhook, you should fetch the latest status" (https://docs.mollie.com/reference/webhooks).
  // ⚠ That the classic per-payment webhook fires for a refund or chargeback is not spelled out on a Mollie page
  // we could read; integrators report it ("Mollie calls the payment webhook not only when a payment is paid,
  // but also after refunds, chargebacks", drupal.org/i/3634145), and Facto also reads the lists on every call.
  async function refund(id: string, value: string) {
    const p = payments.get(id);
    if (!p) throw new Error(`fake Mollie: no payment ${id}`);
    p.refunds.push({ id: `re_${randomBytes(5).toString("hex")}`, amount: { currency: p.amount.currency, value: Number(value).toFixed(2) }, description: p.description, status: "pending", createdAt: new Date().toISOString() });
    p.amountRefunded = (Number(p.amountRefunded) + Number(value)).toFixed(2);
    await callWebhook(p);
  }

  async function chargeback(id: string, opts: { value?: string; reason?: { code: string; description: string } | null; callWebhook?: boolean } = {}) {
    const p = payments.get(id);
    if (!p) throw new Error(`fake Mollie: no payment ${id}`);
    if (p.status !== "paid") throw new Error(`fake Mollie: payment ${id} is ${p.status}, only a paid payment can be charged back`);
    const value = Number(opts.value ?? p.amount.value);
    if (value <= 0 || value > Number(p.amount.value) - standingChargebacks(p) + 1e-9) throw new Error(`fake Mollie: cannot charge back ${value} of ${id}`);
    const cb: FakeMollieChargeback = { id: `chb_${randomBytes(6).toString("hex")}`, amount: { currency: p.amount.currency, value: value.toFixed(2) }, reason: opts.reason ?? null, createdAt: new Date().toISOString(), reversedAt: null };
    p.chargebacks.push(cb);
    if (opts.callWebhook !== false) await callWebhook(p);
    return cb.id;
  }

  async function reverseChargeback(id: string, chargebackId: string) {
    const p = payments.get(id);
    const cb = p?.chargebacks.find((c) => c.id === chargebackId);
    if (!p || !cb) throw new Error(`fake Mollie: no chargeback ${chargebackId} on ${id}`);
    cb.reversedAt = new Date().toISOString();
    await callWebhook(p);
  }

  async function repeatWebhook(id: string) {
    const p = payments.get(id);
    if (!p) throw new Error(`fake Mollie: no payment ${id}`);
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
        refunds: [],
        chargebacks: [],
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
    const list = /^\/v2\/payments\/([A-Za-z0-9_]+)\/(refunds|chargebacks)$/.exec(url.pathname);
    if (req.method === "GET" && list) {
      // GET /v2/payments/{id}/refunds and /chargebacks (https://docs.mollie.com/reference/list-payment-refunds,
      // .../list-payment-chargebacks; the paths the client builds in PaymentRefundsBinder/PaymentChargebacksBinder).
      const p = payments.get(list[1]!);
      if (!p || p.apiKey !== auth) return error(404, "Not Found", `No payment exists with token ${list[1]}.`);
      return list[2] === "refunds" ? send(200, listView("refunds", p, p.refunds.map((r) => refundView(p, r)))) : send(200, listView("chargebacks", p, p.chargebacks.map((c) => chargebackView(p, c))));
    }
    const refundPath = /^\/v2\/payments\/([A-Za-z0-9_]+)\/refunds$/.exec(url.pathname);
    if (req.method === "POST" && refundPath) {
      const p = payments.get(refundPath[1]!);
      if (!p || p.apiKey !== auth) return error(404, "Not Found", `No payment exists with token ${refundPath[1]}.`);
      const value = (JSON.parse(body || "{}") as { amount?: { value?: string } }).amount?.value ?? p.amount.value;
      if (p.status !== "paid") return error(422, "Unprocessable Entity", "The payment cannot be refunded: it is not paid");
      if (Number(value) > Number(p.amount.value) - Number(p.amountRefunded)) return error(422, "Unprocessable Entity", "The amount is higher than the amount remaining", "amount");
      await refund(p.id, value);
      return send(201, refundView(p, p.refunds.at(-1)!));
    }
    return error(404, "Not Found", "The requested resource does not exist");
  }

  async function handleControl(method: string, path: string, body: string, send: (status: number, body: unknown) => void) {
    const m = /^\/_control\/payments\/([A-Za-z0-9_]+)\/(status|refund|chargeback|reverse-chargeback|webhook)$/.exec(path);
    if (method === "POST" && m) {
      const input = JSON.parse(body || "{}") as { status?: FakeMollieStatus; value?: string; reason?: { code: string; description: string }; chargebackId?: string };
      if (!payments.has(m[1]!)) return send(404, { status: 404, title: "Not Found", detail: `No payment ${m[1]}`, _links: DOCS });
      try {
        if (m[2] === "status") await setStatus(m[1]!, input.status ?? "paid");
        else if (m[2] === "refund") await refund(m[1]!, input.value ?? "0.00");
        else if (m[2] === "chargeback") await chargeback(m[1]!, { ...(input.value ? { value: input.value } : {}), reason: input.reason ?? null });
        else if (m[2] === "reverse-chargeback") await reverseChargeback(m[1]!, input.chargebackId ?? "");
        else await repeatWebhook(m[1]!);
      } catch (e) {
        return send(422, { status: 422, title: "Unprocessable Entity", detail: e instanceof Error ? e.message : String(e), _links: DOCS });
      }
      const p = payments.get(m[1]!)!;
      return send(200, { ...view(p), _controlChargebacks: p.chargebacks.map((c) => c.id), _controlRefunds: p.refunds.map((r) => r.id) });
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
    chargeback,
    reverseChargeback,
    repeatWebhook,
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
