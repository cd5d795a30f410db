import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake WooCommerce store (REST API v3) on 127.0.0.1, following WooCommerce's contract:
 * - authentication with a consumer key/secret: OAuth 1.0a (HMAC-SHA256, query parameters) as
 *   clients must use over plain HTTP, or Basic auth; a read-only key cannot write (401
 *   woocommerce_rest_cannot_create / _edit / _delete); errors are `{code, message, data: {status}}`;
 * - orders (list with modified_after, paging headers X-WP-Total / X-WP-TotalPages), order updates
 * - products and a product's variations (lists with the same paging headers)
 *   (set_paid → processing + date_paid, transaction_id, meta_data), refunds, products and variations
 *   with their batch endpoints limited to 100 items, customers (meta_data);
 * - webhooks: created through the API (then pinged with the unsigned form body `webhook_id=N`),
 *   delivered with X-WC-Webhook-* headers and a base64 HMAC-SHA256 signature of the raw body, never
 *   retried, and disabled after more than 5 consecutive failed deliveries.
 * Test controls (not WooCommerce's): placeOrder / updateOrder / refundOrder from the test process,
 * or POST /_control/... over HTTP; GET /_control/state.
 */
export interface WooKey {
  consumerKey: string;
  consumerSecret: string;
  permissions: "read" | "write" | "read_write";
}

export interface FakeWooWebhook {
  id: number;
  name: string;
  status: "active" | "paused" | "disabled";
  topic: string;
  resource: string;
  event: string;
  delivery_url: string;
  secret: string;
  failure_count: number;
  date_created_gmt: string;
}

type Json = Record<string, unknown>;

export interface FakeWooCommerce {
  url: string;
  key: WooKey;
  readOnlyKey: WooKey;
  orders: Map<number, Json>;
  products: Map<number, Json>;
  customers: Map<number, Json>;
  webhooks: Map<number, FakeWooWebhook>;
  deliveries: { webhookId: number; topic: string; status: number | string; ping: boolean }[];
  /** Batch requests received: endpoint and item count. */
  batches: { path: string; items: number }[];
  placeOrder: (order: Json) => Promise<Json>;
  updateOrder: (id: number, changes: Json) => Promise<Json>;
  refundOrder: (id: number, refund: { amount: string; reason?: string; line_items?: Json[]; shipping?: string }) => Promise<Json>;
  /** Adds products (and variations) without firing webhooks. */
  addProducts: (products: Json[]) => void;
  /** A variable product's variations by id (empty for a simple product). */
  variationsOf: (productId: number) => Map<number, Json>;
  close: () => Promise<void>;
}

const pct = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function wooError(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { "Content-Type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify({ code, message, data: { status } }));
}

export async function startFakeWooCommerce(options: { port?: number } = {}): Promise<FakeWooCommerce> {
  const key: WooKey = { consumerKey: `ck_${randomBytes(20).toString("hex")}`, consumerSecret: `cs_${randomBytes(20).toString("hex")}`, permissions: "read_write" };
  const readOnlyKey: WooKey = { consumerKey: `ck_${randomBytes(20).toString("hex")}`, consumerSecret: `cs_${randomBytes(20).toString("hex")}`, permissions: "read" };
  const keys = [key, readOnlyKey];
  const orders = new Map<number, Json>();
  const products = new Map<number, Json>();
  const variations = new Map<number, Map<number, Json>>();
  const customers = new Map<number, Json>();
  const refunds = new Map<number, Json[]>();
  const webhooks = new Map<number, FakeWooWebhook>();
  const deliveries: FakeWooCommerce["deliveries"] = [];
  const batches: FakeWooCommerce["batches"] = [];
  const nonces = new Set<string>();
  let nextId = 5000;
  let deliveryId = 1;
  let url = "";

  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "");

  function authenticate(req: IncomingMessage, requestUrl: URL): WooKey | null {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (basic) {
      const [ck, cs] = Buffer.from(basic, "base64").toString("utf8").split(":");
      return keys.find((k) => k.consumerKey === ck && k.consumerSecret === cs) ?? null;
    }
    const p = requestUrl.searchParams;
    const ck = p.get("oauth_consumer_key");
    const signature = p.get("oauth_signature");
    const found = keys.find((k) => k.consumerKey === ck);
    if (!found || !signature) return null;
    if (p.get("oauth_signature_method") !== "HMAC-SHA256") return null;
    const timestamp = Number(p.get("oauth_timestamp"));
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 15 * 60) return null;
    const nonce = `${ck}:${p.get("oauth_nonce")}:${timestamp}`;
    if (nonces.has(nonce)) return null; // replayed request
    // As PHP reads a query string: a repeated key keeps its last value (the official JS client sends
    // its query parameters twice — in the URL and again beside the OAuth ones).
    const params = [...new Map([...p.entries()].filter(([k]) => k !== "oauth_signature")).entries()].map(([k, v]) => [pct(k), pct(v)] as const);
    params.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
    const base = [req.method!.toUpperCase(), pct(`${requestUrl.origin}${requestUrl.pathname}`), pct(params.map(([k, v]) => `${k}=${v}`).join("&"))].join("&");
    const expected = createHmac("sha256", `${pct(found.consumerSecret)}&`).update(base).digest("base64");
    const a = Buffer.from(expected);
    const b = Buffer.from(signature);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    nonces.add(nonce);
    return found;
  }

  async function deliver(topic: string, resource: Json) {
    const body = JSON.stringify(resource);
    for (const hook of webhooks.values()) {
      if (hook.status !== "active" || hook.topic !== topic) continue;
      const signature = createHmac("sha256", hook.secret).update(body).digest("base64");
      const [res, event] = topic.split(".");
      let status: number | string;
      try {
        const response = await fetch(hook.delivery_url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "X-WC-Webhook-Source": `${url}/`,
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": res!,
            "X-WC-Webhook-Event": event!,
            "X-WC-Webhook-Signature": signature,
            "X-WC-Webhook-ID": String(hook.id),
            "X-WC-Webhook-Delivery-ID": String(deliveryId++),
          },
          body,
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (error) {
        status = error instanceof Error ? error.message : String(error);
      }
      deliveries.push({ webhookId: hook.id, topic, status, ping: false });
      // WooCommerce never retries; more than 5 consecutive failures disable the webhook.
      if (typeof status === "number" && status >= 200 && status < 300) hook.failure_count = 0;
      else if (++hook.failure_count > 5) hook.status = "disabled";
    }
  }

  async function ping(hook: FakeWooWebhook) {
    let status: number | string;
    try {
      const response = await fetch(hook.delivery_url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `webhook_id=${hook.id}` });
      status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      status = error instanceof Error ? error.message : String(error);
    }
    deliveries.push({ webhookId: hook.id, topic: hook.topic, status, ping: true });
  }

  function touch(order: Json) {
    order.date_modified = now();
    order.date_modified_gmt = now();
  }

  async function placeOrder(input: Json): Promise<Json> {
    const id = typeof input.id === "number" ? input.id : nextId++;
    const order: Json = { ...input, id, date_created: input.date_created ?? now(), date_created_gmt: input.date_created_gmt ?? now(), refunds: input.refunds ?? [], meta_data: input.meta_data ?? [] };
    touch(order);
    orders.set(id, order);
    await deliver("order.created", order);
    return order;
  }

  async function updateOrder(id: number, changes: Json): Promise<Json> {
    const order = orders.get(id);
    if (!order) throw new Error(`fake WooCommerce: no order ${id}`);
    Object.assign(order, changes);
    touch(order);
    await deliver("order.updated", order);
    return order;
  }

  async function refundOrder(id: number, input: { amount: string; reason?: string; line_items?: Json[]; shipping?: string }): Promise<Json> {
    const order = orders.get(id);
    if (!order) throw new Error(`fake WooCommerce: no order ${id}`);
    const refund: Json = {
      id: nextId++,
      date_created: now(),
      date_created_gmt: now(),
      amount: input.amount,
      reason: input.reason ?? "",
      refunded_by: 1,
      line_items: input.line_items ?? [],
      shipping_lines: input.shipping ? [{ id: 1, method_title: "Shipping", total: `-${input.shipping}`, total_tax: "0.00" }] : [],
    };
    refunds.set(id, [...(refunds.get(id) ?? []), refund]);
    (order.refunds as Json[]).push({ id: refund.id, reason: refund.reason, total: `-${input.amount}` });
    const refundedTotal = (order.refunds as { total: string }[]).reduce((s, r) => s + Math.abs(Number(r.total)), 0);
    if (refundedTotal >= Number(order.total)) order.status = "refunded";
    touch(order);
    await deliver("order.updated", order);
    return refund;
  }

  function addProducts(list: Json[]) {
    for (const p of list) {
      const id = typeof p.id === "number" ? p.id : nextId++;
      const { variations: vars, ...rest } = p as Json & { variations?: Json[] };
      products.set(id, { ...rest, id, manage_stock: rest.manage_stock ?? true, stock_quantity: rest.stock_quantity ?? 0, variations: (vars ?? []).map((v) => v.id) });
      if (vars?.length) variations.set(id, new Map(vars.map((v) => [v.id as number, { ...v, manage_stock: true }])));
    }
  }

  const readJson = async (req: IncomingMessage): Promise<Json> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    return text ? (JSON.parse(text) as Json) : {};
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) wooError(res, 500, "internal_server_error", String(error));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const requestUrl = new URL(req.url ?? "/", url);
    const path = requestUrl.pathname.replace(/\/+$/, "");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/json; charset=UTF-8", ...headers });
      res.end(JSON.stringify(body));
    };

    if (path.startsWith("/_control")) return control(req, res, path, send);
    if (!path.startsWith("/wp-json/wc/v3")) return wooError(res, 404, "rest_no_route", "No route was found matching the URL and request method.");
    const caller = authenticate(req, requestUrl);
    if (!caller) return wooError(res, 401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
    const method = req.method ?? "GET";
    if (method !== "GET" && caller.permissions === "read") {
      const verb = method === "POST" ? "create" : method === "DELETE" ? "delete" : "edit";
      return wooError(res, 401, `woocommerce_rest_cannot_${verb}`, `Sorry, you are not allowed to ${verb} resources.`);
    }
    const route = path.slice("/wp-json/wc/v3".length) || "/";
    let m: RegExpExecArray | null;

    if (route === "/" && method === "GET") return send(200, { namespace: "wc/v3", routes: {} });

    if (route === "/orders" && method === "GET") {
      const after = requestUrl.searchParams.get("modified_after");
      const perPage = Math.min(Number(requestUrl.searchParams.get("per_page") ?? 10), 100);
      const page = Math.max(Number(requestUrl.searchParams.get("page") ?? 1), 1);
      let list = [...orders.values()];
      if (after) list = list.filter((o) => String(o.date_modified_gmt) > after.replace(/Z$/, "").slice(0, 19));
      list.sort((a, b) => String(a.date_modified_gmt).localeCompare(String(b.date_modified_gmt)) || Number(a.id) - Number(b.id));
      const total = list.length;
      return send(200, list.slice((page - 1) * perPage, page * perPage), { "X-WP-Total": String(total), "X-WP-TotalPages": String(Math.max(1, Math.ceil(total / perPage))) });
    }
    if ((m = /^\/orders\/(\d+)$/.exec(route))) {
      const order = orders.get(Number(m[1]));
      if (!order) return wooError(res, 404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
      if (method === "GET") return send(200, order);
      if (method === "PUT" || method === "POST") {
        const body = await readJson(req);
        const { set_paid, meta_data, ...changes } = body as Json & { set_paid?: boolean; meta_data?: { key: string; value: unknown }[] };
        Object.assign(order, changes);
        if (set_paid) {
          order.date_paid = now();
          order.date_paid_gmt = now();
          if (!["processing", "completed"].includes(String(order.status))) order.status = "processing";
        }
        if (meta_data) {
          const existing = order.meta_data as { id: number; key: string; value: unknown }[];
          for (const entry of meta_data) {
            const found = existing.find((e) => e.key === entry.key);
            if (found) found.value = entry.value;
            else existing.push({ id: nextId++, key: entry.key, value: entry.value });
          }
        }
        touch(order);
        send(200, order);
        await deliver("order.updated", order);
        return;
      }
    }
    if ((m = /^\/orders\/(\d+)\/refunds(?:\/(\d+))?$/.exec(route)) && method === "GET") {
      const list = refunds.get(Number(m[1])) ?? [];
      if (!m[2]) return send(200, list);
      const refund = list.find((r) => r.id === Number(m![2]));
      return refund ? send(200, refund) : wooError(res, 404, "woocommerce_rest_invalid_id", "Invalid ID.");
    }

    if (route === "/products" && method === "GET") {
      const perPage = Math.min(Number(requestUrl.searchParams.get("per_page") ?? 10), 100);
      const page = Math.max(1, Number(requestUrl.searchParams.get("page") ?? 1));
      const list = [...products.values()].sort((a, b) => Number(a.id) - Number(b.id));
      const total = list.length;
      return send(200, list.slice((page - 1) * perPage, page * perPage), { "X-WP-Total": String(total), "X-WP-TotalPages": String(Math.max(1, Math.ceil(total / perPage))) });
    }
    if ((m = /^\/products\/(\d+)\/variations$/.exec(route)) && method === "GET") {
      if (!products.has(Number(m[1]))) return wooError(res, 404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
      const perPage = Math.min(Number(requestUrl.searchParams.get("per_page") ?? 10), 100);
      const page = Math.max(1, Number(requestUrl.searchParams.get("page") ?? 1));
      const list = [...(variations.get(Number(m[1]))?.values() ?? [])];
      return send(200, list.slice((page - 1) * perPage, page * perPage), { "X-WP-Total": String(list.length), "X-WP-TotalPages": String(Math.max(1, Math.ceil(list.length / perPage))) });
    }
    if (route === "/products/batch" && method === "POST") {
      const body = (await readJson(req)) as { create?: Json[]; update?: Json[]; delete?: number[] };
      const items = (body.create?.length ?? 0) + (body.update?.length ?? 0) + (body.delete?.length ?? 0);
      batches.push({ path: route, items });
      if (items > 100) return wooError(res, 413, "woocommerce_rest_request_entity_too_large", "Unable to accept more than 100 items for this request.");
      const updated = (body.update ?? []).map((u) => {
        const p = products.get(Number(u.id));
        if (!p) return { id: u.id, error: { code: "woocommerce_rest_product_invalid_id", message: "Invalid ID.", data: { status: 400 } } };
        Object.assign(p, u);
        return p;
      });
      return send(200, { create: [], update: updated, delete: [] });
    }
    if ((m = /^\/products\/(\d+)\/variations\/batch$/.exec(route)) && method === "POST") {
      const body = (await readJson(req)) as { update?: Json[] };
      const items = body.update?.length ?? 0;
      batches.push({ path: route, items });
      if (items > 100) return wooError(res, 413, "woocommerce_rest_request_entity_too_large", "Unable to accept more than 100 items for this request.");
      const vars = variations.get(Number(m[1]));
      const updated = (body.update ?? []).map((u) => {
        const v = vars?.get(Number(u.id));
        if (!v) return { id: u.id, error: { code: "woocommerce_rest_product_variation_invalid_id", message: "Invalid ID.", data: { status: 400 } } };
        Object.assign(v, u);
        return v;
      });
      return send(200, { create: [], update: updated, delete: [] });
    }
    if ((m = /^\/customers\/(\d+)$/.exec(route))) {
      let customer = customers.get(Number(m[1]));
      if (!customer) {
        customer = { id: Number(m[1]), meta_data: [] };
        customers.set(customer.id as number, customer);
      }
      if (method === "GET") return send(200, customer);
      const body = (await readJson(req)) as { meta_data?: { key: string; value: unknown }[] };
      const existing = customer.meta_data as { id: number; key: string; value: unknown }[];
      for (const entry of body.meta_data ?? []) {
        const found = existing.find((e) => e.key === entry.key);
        if (found) found.value = entry.value;
        else existing.push({ id: nextId++, key: entry.key, value: entry.value });
      }
      return send(200, customer);
    }

    if (route === "/webhooks" && method === "GET") return send(200, [...webhooks.values()].map(({ secret: _s, ...w }) => w));
    if (route === "/webhooks" && method === "POST") {
      const body = (await readJson(req)) as { name?: string; topic?: string; delivery_url?: string; secret?: string; status?: string };
      if (!body.topic || !/^(order|product|customer|coupon)\.(created|updated|deleted|restored)$/.test(body.topic)) return wooError(res, 400, "rest_invalid_param", "Invalid parameter(s): topic");
      if (!body.delivery_url || !/^https?:\/\//.test(body.delivery_url)) return wooError(res, 400, "rest_invalid_param", "Invalid parameter(s): delivery_url");
      const [resource, event] = body.topic.split(".");
      const hook: FakeWooWebhook = { id: nextId++, name: body.name ?? body.topic, status: (body.status as FakeWooWebhook["status"]) ?? "active", topic: body.topic, resource: resource!, event: event!, delivery_url: body.delivery_url, secret: body.secret ?? "", failure_count: 0, date_created_gmt: now() };
      webhooks.set(hook.id, hook);
      await ping(hook);
      const { secret: _s, ...shown } = hook;
      return send(201, shown);
    }
    if ((m = /^\/webhooks\/(\d+)$/.exec(route))) {
      const hook = webhooks.get(Number(m[1]));
      if (!hook) return wooError(res, 404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
      const { secret: _s, ...shown } = hook;
      if (method === "GET") return send(200, shown);
      if (method === "PUT" || method === "POST") {
        const body = (await readJson(req)) as Partial<FakeWooWebhook>;
        if (body.status) {
          hook.status = body.status;
          if (body.status === "active") hook.failure_count = 0;
        }
        if (body.delivery_url) hook.delivery_url = body.delivery_url;
        if (body.secret) hook.secret = body.secret;
        const { secret: _s2, ...after } = hook;
        return send(200, after);
      }
      if (method === "DELETE") {
        if (requestUrl.searchParams.get("force") !== "true") return wooError(res, 501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.");
        webhooks.delete(hook.id);
        return send(200, shown);
      }
    }
    return wooError(res, 404, "rest_no_route", "No route was found matching the URL and request method.");
  }

  async function control(req: IncomingMessage, _res: ServerResponse, path: string, send: (status: number, body: unknown) => void) {
    const body = req.method === "POST" ? await readJson(req) : {};
    let m: RegExpExecArray | null;
    if (path === "/_control/state") return send(200, { orders: [...orders.values()], webhooks: [...webhooks.values()], deliveries, batches, customers: [...customers.values()] });
    if (path === "/_control/orders" && req.method === "POST") return send(201, await placeOrder(body));
    if ((m = /^\/_control\/orders\/(\d+)$/.exec(path)) && req.method === "POST") return send(200, await updateOrder(Number(m[1]), body));
    if ((m = /^\/_control\/orders\/(\d+)\/refunds$/.exec(path)) && req.method === "POST") return send(201, await refundOrder(Number(m[1]), body as never));
    if ((m = /^\/_control\/webhooks\/(\d+)$/.exec(path)) && req.method === "POST") {
      const hook = webhooks.get(Number(m[1]));
      if (!hook) return send(404, { error: "no webhook" });
      Object.assign(hook, body);
      return send(200, hook);
    }
    if (path === "/_control/products" && req.method === "POST") {
      addProducts((body as { products: Json[] }).products);
      return send(201, { count: products.size });
    }
    if ((m = /^\/_control\/products\/(\d+)$/.exec(path))) {
      const p = products.get(Number(m[1]));
      return send(p ? 200 : 404, p ? { ...p, variationsDetail: [...(variations.get(p.id as number)?.values() ?? [])] } : { error: "no product" });
    }
    return send(404, { error: "unknown control" });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    key,
    readOnlyKey,
    orders,
    products,
    variationsOf: (productId: number) => variations.get(productId) ?? new Map(),
    customers,
    webhooks,
    deliveries,
    batches,
    placeOrder,
    updateOrder,
    refundOrder,
    addProducts,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
