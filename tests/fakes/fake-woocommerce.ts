import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake WooCommerce store (REST API v3) on 127.0.0.1. It is a hypothesis about WooCommerce: every
 * behaviour below that Facto relies on is checked against the real WooCommerce 11.0.1 by
 * tests/real-woocommerce/fake-matches-real.test.ts (the same scenario on both, answers compared);
 * the WooCommerce source line behind each is cited where it is implemented. It follows:
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
  /** Resolves when every webhook delivery under way has been answered. */
  settled: () => Promise<void>;
  /** The store's time zone as WordPress' gmt_offset (hours): modified_after is read in it unless dates_are_gmt. */
  setGmtOffset: (hours: number) => void;
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
  let gmtOffsetHours = 0;
  const hashSalt = randomBytes(16).toString("hex");
  let url = "";
  /** WC_Webhook::get_new_delivery_id(): wp_hash( webhook id . strtotime('now') ) — one id per webhook and second. */
  const newDeliveryId = (hookId: number) => createHmac("md5", hashSalt).update(`${hookId}${Math.floor(Date.now() / 1000)}`).digest("hex");

  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "");

  /**
   * WC_REST_Authentication: over plain http (is_ssl() false) only OAuth 1.0a is tried — Basic auth and
   * ?consumer_key= are ignored, so nobody is authenticated and the route's permission check answers
   * 401 woocommerce_rest_cannot_view. An unknown key or a bad signature is 401
   * woocommerce_rest_authentication_error with WooCommerce's own message.
   */
  function authenticate(req: IncomingMessage, requestUrl: URL): WooKey | { error: string } | null {
    const p = requestUrl.searchParams;
    const ck = p.get("oauth_consumer_key");
    const signature = p.get("oauth_signature");
    if (!ck || !signature) return null;
    const found = keys.find((k) => k.consumerKey === ck);
    if (!found) return { error: "Consumer key is invalid." };
    if (p.get("oauth_signature_method") !== "HMAC-SHA256" && p.get("oauth_signature_method") !== "HMAC-SHA1") return { error: "Invalid signature - signature method is invalid." };
    const timestamp = Number(p.get("oauth_timestamp"));
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 15 * 60) return { error: "Invalid timestamp." };
    const nonce = `${ck}:${p.get("oauth_nonce")}:${timestamp}`;
    if (nonces.has(nonce)) return { error: "Invalid nonce - nonce has already been used." }; // replayed request
    // As PHP reads a query string: a repeated key keeps its last value (the official JS client sends
    // its query parameters twice — in the URL and again beside the OAuth ones).
    const params = [...new Map([...p.entries()].filter(([k]) => k !== "oauth_signature")).entries()].map(([k, v]) => [pct(k), pct(v)] as const);
    params.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
    const base = [req.method!.toUpperCase(), pct(`${requestUrl.origin}${requestUrl.pathname}`), pct(params.map(([k, v]) => `${k}=${v}`).join("&"))].join("&");
    const expected = createHmac("sha256", `${pct(found.consumerSecret)}&`).update(base).digest("base64");
    const a = Buffer.from(expected);
    const b = Buffer.from(signature);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { error: "Invalid signature - provided signature does not match." };
    nonces.add(nonce);
    return found;
  }

  const inFlight = new Set<Promise<void>>();
  function deliver(topic: string, resource: Json): Promise<void> {
    const run = deliverNow(topic, resource).finally(() => inFlight.delete(run));
    inFlight.add(run);
    return run;
  }

  async function deliverNow(topic: string, resource: Json) {
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
            "X-WC-Webhook-Delivery-ID": newDeliveryId(hook.id),
          },
          body,
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (error) {
        status = error instanceof Error ? error.message : String(error);
      }
      deliveries.push({ webhookId: hook.id, topic, status, ping: false });
      // WooCommerce never retries. WC_Webhook::log_delivery: a 2xx, 301 or 302 resets the failure count;
      // WC_Webhook::failed_delivery: a failure when the count is already above 5 disables the webhook
      // (the count stays), otherwise it counts up — the 7th consecutive failure disables it.
      if (typeof status === "number" && status >= 200 && status < 303) hook.failure_count = 0;
      else if (hook.failure_count > 5) hook.status = "disabled";
      else hook.failure_count++;
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

  /** The store's local time as WordPress writes it beside the GMT one. */
  const local = () => new Date(Date.now() + gmtOffsetHours * 3600_000).toISOString().replace(/\.\d{3}Z$/, "");
  function touch(order: Json) {
    order.date_modified = local();
    order.date_modified_gmt = now();
  }

  /** WC_Abstract_Order::needs_payment(): pending or failed, with something to pay. */
  const needsPayment = (order: Json) => ["pending", "failed"].includes(String(order.status)) && Number(order.total ?? 0) > 0;
  const view = (order: Json) => ({ ...order, needs_payment: needsPayment(order) });

  /**
   * An order create or update as WC_REST_Orders_V2_Controller::save_object applies it: the fields
   * first; then `set_paid` calls payment_complete() only when creating or when the order
   * needs_payment() — an on-hold order is left as it is (transaction_id is still saved). A paid
   * status (processing, completed) stamps date_paid (WC_Order::maybe_set_date_paid).
   */
  function applyOrderChanges(order: Json, body: Json, creating: boolean) {
    const { set_paid, meta_data, ...changes } = body as Json & { set_paid?: boolean; meta_data?: { key: string; value: unknown }[] };
    Object.assign(order, changes);
    if (set_paid === true && (creating || needsPayment(order))) order.status = "processing";
    if (["processing", "completed"].includes(String(order.status)) && !order.date_paid_gmt) {
      order.date_paid = now();
      order.date_paid_gmt = now();
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
  }

  /**
   * WC_REST_Customers_V2_Controller::update_customer_meta_fields drops protected meta (is_protected_meta:
   * a key starting with "_") on write, and get_formatted_item_data hides it on read.
   */
  const isProtected = (key: string) => key.startsWith("_");
  function writeCustomerMeta(customer: Json, meta: { key: string; value: unknown }[] | undefined) {
    const existing = customer.meta_data as { id: number; key: string; value: unknown }[];
    for (const entry of (meta ?? []).filter((e) => !isProtected(e.key))) {
      const found = existing.find((e) => e.key === entry.key);
      if (found) found.value = entry.value;
      else existing.push({ id: nextId++, key: entry.key, value: entry.value });
    }
  }
  const customerView = (customer: Json) => ({ ...customer, meta_data: (customer.meta_data as { key: string }[]).filter((e) => !isProtected(e.key)) });

  async function placeOrder(input: Json): Promise<Json> {
    const id = typeof input.id === "number" ? input.id : nextId++;
    const order: Json = { ...input, id, date_created: input.date_created ?? now(), date_created_gmt: input.date_created_gmt ?? now(), refunds: input.refunds ?? [], meta_data: input.meta_data ?? [] };
    touch(order);
    orders.set(id, order);
    await deliver("order.created", view(order));
    return order;
  }

  async function updateOrder(id: number, changes: Json): Promise<Json> {
    const order = orders.get(id);
    if (!order) throw new Error(`fake WooCommerce: no order ${id}`);
    Object.assign(order, changes);
    touch(order);
    await deliver("order.updated", view(order));
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
    await deliver("order.updated", view(order));
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
    if ("error" in caller) return wooError(res, 401, "woocommerce_rest_authentication_error", caller.error);
    const method = req.method ?? "GET";
    // WC_REST_Authentication::check_permissions: a read key on a POST/PUT/PATCH/DELETE.
    if (method !== "GET" && caller.permissions === "read") return wooError(res, 401, "woocommerce_rest_authentication_error", "The API key provided does not have write permissions.");
    const route = path.slice("/wp-json/wc/v3".length) || "/";
    let m: RegExpExecArray | null;

    if (route === "/" && method === "GET") return send(200, { namespace: "wc/v3", routes: {} });

    if (route === "/orders" && method === "GET") {
      const after = requestUrl.searchParams.get("modified_after");
      const perPage = Math.min(Number(requestUrl.searchParams.get("per_page") ?? 10), 100);
      const page = Math.max(Number(requestUrl.searchParams.get("page") ?? 1), 1);
      let list = [...orders.values()];
      if (after) {
        // WC_REST_CRUD_Controller::prepare_objects_query: modified_after is compared with the local
        // modification date unless dates_are_gmt is true (then with the GMT one).
        const gmt = ["true", "1"].includes(requestUrl.searchParams.get("dates_are_gmt") ?? "");
        const bound = Date.parse(`${after.replace(/Z$/, "").slice(0, 19)}Z`) - (gmt ? 0 : gmtOffsetHours * 3600_000);
        list = list.filter((o) => Date.parse(`${String(o.date_modified_gmt)}Z`) > bound);
      }
      list.sort((a, b) => Date.parse(`${String(a.date_modified_gmt)}Z`) - Date.parse(`${String(b.date_modified_gmt)}Z`) || Number(a.id) - Number(b.id));
      const total = list.length;
      return send(200, list.slice((page - 1) * perPage, page * perPage), { "X-WP-Total": String(total), "X-WP-TotalPages": String(Math.max(1, Math.ceil(total / perPage))) });
    }
    if (route === "/orders" && method === "POST") {
      // A REST-created order: status pending unless given; line totals from the products' prices
      // (the fake computes no tax: amounts are not part of what it is held to).
      const body = (await readJson(req)) as Json & { line_items?: { product_id: number; quantity: number }[] };
      const lines = (body.line_items ?? []).map((l, i) => {
        const product = products.get(Number(l.product_id));
        const total = (Number(product?.regular_price ?? 0) * l.quantity).toFixed(2);
        return { id: nextId + i + 1, name: product?.name ?? "", product_id: l.product_id, variation_id: 0, quantity: l.quantity, sku: product?.sku ?? "", subtotal: total, subtotal_tax: "0.00", total, total_tax: "0.00", taxes: [] };
      });
      const order: Json = { id: nextId++, number: "", status: "pending", currency: "EUR", prices_include_tax: false, customer_id: 0, billing: {}, shipping: {}, payment_method: "", payment_method_title: "", transaction_id: "", date_paid: null, date_paid_gmt: null, date_created: local(), date_created_gmt: now(), meta_data: [], refunds: [], tax_lines: [], shipping_lines: [], fee_lines: [], total_tax: "0.00" };
      nextId += lines.length + 1;
      order.number = String(order.id);
      order.line_items = lines;
      order.total = lines.reduce((t, l) => t + Number(l.total), 0).toFixed(2);
      applyOrderChanges(order, { ...body, line_items: lines }, true);
      orders.set(order.id as number, order);
      send(201, view(order));
      await deliver("order.created", view(order));
      return;
    }
    if (route === "/orders/batch" && method === "POST") {
      const body = (await readJson(req)) as { update?: Json[] };
      const updated = (body.update ?? []).map((u) => {
        const order = orders.get(Number(u.id));
        if (!order) return { id: u.id, error: { code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID.", data: { status: 400 } } };
        applyOrderChanges(order, u, false);
        return view(order);
      });
      send(200, { create: [], update: updated, delete: [] });
      for (const order of updated) if (!("error" in order)) await deliver("order.updated", order);
      return;
    }
    if (route === "/products" && method === "POST") {
      const body = (await readJson(req)) as Json;
      const product: Json = { type: "simple", manage_stock: false, stock_quantity: null, ...body, id: nextId++, variations: [] };
      products.set(product.id as number, product);
      return send(201, product);
    }
    if ((m = /^\/orders\/(\d+)$/.exec(route))) {
      const order = orders.get(Number(m[1]));
      if (!order) return wooError(res, 404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
      if (method === "GET") return send(200, view(order));
      if (method === "PUT" || method === "POST") {
        applyOrderChanges(order, await readJson(req), false);
        send(200, view(order));
        await deliver("order.updated", view(order));
        return;
      }
    }
    if ((m = /^\/orders\/(\d+)\/refunds(?:\/(\d+))?$/.exec(route)) && method === "GET") {
      const list = refunds.get(Number(m[1])) ?? [];
      if (!m[2]) return send(200, list);
      const refund = list.find((r) => r.id === Number(m![2]));
      return refund ? send(200, refund) : wooError(res, 404, "woocommerce_rest_shop_order_refund_invalid_id", "Invalid ID.");
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
    if (route === "/customers" && method === "POST") {
      const body = (await readJson(req)) as Json;
      const customer: Json = { ...body, id: nextId++, meta_data: [] };
      customers.set(customer.id as number, customer);
      writeCustomerMeta(customer, body.meta_data as { key: string; value: unknown }[] | undefined);
      return send(201, customerView(customer));
    }
    if ((m = /^\/customers\/(\d+)$/.exec(route))) {
      const customer = customers.get(Number(m[1]));
      // WooCommerce 11: an unknown id is 404 wc_user_invalid_id (src/Internal/Utilities/Users.php).
      if (!customer) return wooError(res, 404, "wc_user_invalid_id", "Invalid user ID.");
      if (method === "GET") return send(200, customerView(customer));
      const body = (await readJson(req)) as { meta_data?: { key: string; value: unknown }[] };
      writeCustomerMeta(customer, body.meta_data);
      return send(200, customerView(customer));
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
        // WC_Webhook::set_status only sets the status: a disabled webhook set active keeps its failure
        // count (only a successful delivery resets it), so its next failure disables it again.
        if (body.status) hook.status = body.status;
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
    settled: async () => {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
    setGmtOffset: (hours: number) => {
      gmtOffsetHours = hours;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
