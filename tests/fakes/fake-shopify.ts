import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake Shopify GraphQL Admin API on 127.0.0.1, following Shopify's documented contract:
 * - `POST /<shop>/admin/api/<version>/graphql.json` (path-prefixed by shop, since every shop shares
 *   this host) with `X-Shopify-Access-Token`; a bad token answers 401 with Shopify's error body.
 * - Calculated query cost with a leaky bucket per shop (default: Standard plan, 2000 points,
 *   100 points/s restore). Every answer carries `extensions.cost` with `throttleStatus`; a query the
 *   bucket cannot afford is not executed and answers `THROTTLED`.
 * - Cost rule (deterministic, close to Shopify's): a mutation costs 10, plus 1 per element of an
 *   `inventorySetQuantities` quantities array (bulk input is not free); a query costs 1 plus, for
 *   every connection, its `first:` size (variables resolved), capped at 1000.
 * - Supported root fields: shop, orders, productVariants, nodes (inventory items), tagsAdd, orderMarkAsPaid, metafieldsSet,
 *   inventorySetQuantities (API 2026-04 rules: ≤250 quantities, `changeFromQuantity` on every
 *   quantity — a mismatch is CHANGE_FROM_QUANTITY_STALE and nothing is applied — and the
 *   `@idempotent(key:)` directive, a replayed key returning the first answer without applying
 *   again). Others answer the GraphQL "Field doesn't exist" error.
 * - `POST /<shop>/admin/oauth/access_token`: token exchange of an App Bridge id_token (offline, with
 *   `expiring=1` a refresh token too; online) and the refresh grant of expiring offline tokens. Once
 *   the app's secret is known, a shop accepts only the tokens issued to it.
 * - `GET /_state/<shop>` returns what the fake recorded for a shop (for tests and the demo);
 *   `POST /_control/orders/<shop>` adds a REST-shaped order to the shop (tests in other processes).
 */

export interface FakeShopifyOptions {
  port?: number;
  bucketSize?: number;
  restoreRate?: number;
  /** shop domain → accepted token; when absent any non-empty token is accepted. */
  accessTokens?: Record<string, string>;
  /** The app's credentials the token endpoint checks (any accepted when absent). */
  apiKey?: string;
  apiSecret?: string;
}

export interface ShopState {
  tags: Record<string, string[]>;
  paidOrders: string[];
  metafields: Record<string, Record<string, { type: string; value: string }>>;
  /** REST-shaped orders the shop has (tests add them with addOrder); `orders` answers them in GraphQL shape. */
  orders: Record<string, any>[];
  /** "<inventory item gid>|<location gid>" → available quantity */
  inventory: Record<string, number>;
  /** Product variants (with their inventory item) the shop sells; `productVariants` lists them. */
  variants: { id: string; sku: string; displayName: string; inventoryItemId: string }[];
  /** idempotency key → the answer given the first time */
  idempotent: Record<string, unknown>;
  /** The refresh token the shop's expiring offline token can be renewed with (single use). */
  refreshToken: string | null;
  tokenRefreshes: number;
  /** Token exchanges (installs and re-authentications of the embedded app). */
  installs: number;
  bucket: { available: number; at: number };
}

export interface FakeShopifyState {
  shops: Map<string, ShopState>;
  requests: { shop: string; operation: string; cost: number; throttled: boolean }[];
  throttledCount: number;
  pointsSpent: number;
}

export interface FakeShopify {
  url: string;
  state: FakeShopifyState;
  shop: (domain: string) => ShopState;
  addOrder: (domain: string, order: Record<string, unknown>) => void;
  close: () => Promise<void>;
}

const ROOT_FIELDS = ["shop", "orders", "productVariants", "nodes", "tagsAdd", "tagsRemove", "orderMarkAsPaid", "metafieldsSet", "inventorySetQuantities"] as const;

export async function startFakeShopify(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const bucketSize = options.bucketSize ?? 2000;
  const restoreRate = options.restoreRate ?? 100;
  const state: FakeShopifyState = { shops: new Map(), requests: [], throttledCount: 0, pointsSpent: 0 };
  // shop → the tokens issued to it (a shop without an entry accepts any non-empty token). A new
  // token does not revoke the earlier ones: they run out at their own expiry.
  const accessTokens = new Map<string, Set<string>>(Object.entries(options.accessTokens ?? {}).map(([d, t]) => [d, new Set([t])]));
  const issue = (domain: string, token: string) => {
    if (options.accessTokens || options.apiSecret) accessTokens.set(domain, (accessTokens.get(domain) ?? new Set()).add(token));
  };

  const shop = (domain: string): ShopState => {
    let s = state.shops.get(domain);
    if (!s) {
      s = { tags: {}, paidOrders: [], metafields: {}, orders: [], variants: [], inventory: {}, idempotent: {}, refreshToken: null, tokenRefreshes: 0, installs: 0, bucket: { available: bucketSize, at: Date.now() } };
      state.shops.set(domain, s);
    }
    return s;
  };

  const available = (s: ShopState) => {
    const now = Date.now();
    s.bucket.available = Math.min(bucketSize, s.bucket.available + ((now - s.bucket.at) / 1000) * restoreRate);
    s.bucket.at = now;
    return s.bucket.available;
  };

  /**
   * Token exchange (how an embedded app installs with Shopify-managed installation): the app trades
   * the id_token App Bridge gave it — HS256-signed with the app's secret, `dest` the shop — for an
   * access token. Offline tokens with `expiring=1` come with a refresh token (single use).
   */
  const tokenExchange = (res: ServerResponse, domain: string, s: ShopState, body: Record<string, string>) => {
    const claims = options.apiSecret ? verifySessionToken(body.subject_token ?? "", options.apiSecret) : decodeSessionToken(body.subject_token ?? "");
    if (body.subject_token_type !== "urn:ietf:params:oauth:token-type:id_token" || !claims) {
      return send(res, 400, { error: "invalid_subject_token", error_description: "The subject token is invalid or was not signed by this app" });
    }
    if (claims.dest !== `https://${domain}` || (options.apiKey && claims.aud !== options.apiKey) || Number(claims.exp) * 1000 < Date.now()) {
      return send(res, 400, { error: "invalid_subject_token", error_description: "The subject token is expired or for another shop or app" });
    }
    s.installs++;
    const access = `shpat_fake_install_${s.installs}_${Math.random().toString(36).slice(2, 8)}`;
    issue(domain, access);
    const scope = "read_orders,write_orders,read_customers,write_customers,read_products,read_inventory,write_inventory";
    if (body.requested_token_type === "urn:shopify:params:oauth:token-type:online-access-token") {
      return send(res, 200, { access_token: access, scope, expires_in: 86_399, associated_user_scope: scope, associated_user: { id: Number(claims.sub ?? 1), first_name: "Demo", last_name: "Merchant", email: "merchant@example.com", account_owner: true, locale: "nl", collaborator: false, email_verified: true } });
    }
    if (body.requested_token_type !== "urn:shopify:params:oauth:token-type:offline-access-token") {
      return send(res, 400, { error: "invalid_request", error_description: "requested_token_type is not supported" });
    }
    if (body.expiring !== "1") return send(res, 200, { access_token: access, scope });
    s.refreshToken = `shprt_fake_install_${s.installs}_${Math.random().toString(36).slice(2, 8)}`;
    return send(res, 200, { access_token: access, scope, expires_in: 3600, refresh_token: s.refreshToken, refresh_token_expires_in: 7_776_000 });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, { errors: [{ message: String(error) }] }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    const stateMatch = url.pathname.match(/^\/_state\/([^/]+)$/);
    if (req.method === "GET" && stateMatch) {
      const s = shop(decodeURIComponent(stateMatch[1]!));
      return send(res, 200, { tags: s.tags, paidOrders: s.paidOrders, metafields: s.metafields, installs: s.installs, inventory: s.inventory, throttledCount: state.throttledCount });
    }
    const ordersControl = url.pathname.match(/^\/_control\/orders\/([^/]+)$/);
    if (req.method === "POST" && ordersControl) {
      // Test control (not Shopify): an order exists in the shop, e.g. one whose webhook was lost.
      const order = JSON.parse(await readBody(req)) as Record<string, unknown>;
      shop(decodeURIComponent(ordersControl[1]!)).orders.push(order);
      return send(res, 201, { ok: true });
    }
    const variantsControl = url.pathname.match(/^\/_control\/variants\/([^/]+)$/);
    if (req.method === "POST" && variantsControl) {
      // Test control (not Shopify): variants the shop sells, each with its available quantity at the one location.
      const list = JSON.parse(await readBody(req)) as { sku: string; displayName: string; available: number }[];
      const s = shop(decodeURIComponent(variantsControl[1]!));
      for (const v of list) {
        const n = s.variants.length + 1;
        const inventoryItemId = `gid://shopify/InventoryItem/${n}`;
        s.variants.push({ id: `gid://shopify/ProductVariant/${n}`, sku: v.sku, displayName: v.displayName, inventoryItemId });
        s.inventory[`${inventoryItemId}|${FAKE_LOCATION}`] = v.available;
      }
      return send(res, 201, { count: s.variants.length });
    }
    const tokenEndpoint = url.pathname.match(/^\/([a-z0-9][a-z0-9-]*\.myshopify\.com)\/admin\/oauth\/access_token$/);
    if (req.method === "POST" && tokenEndpoint) {
      // Expiring offline tokens: grant_type=refresh_token returns a new pair; the refresh token is single use.
      const s = shop(tokenEndpoint[1]!);
      const body = JSON.parse((await readBody(req)) || "{}") as Record<string, string>;
      if ((options.apiKey && body.client_id !== options.apiKey) || (options.apiSecret && body.client_secret !== options.apiSecret)) {
        return send(res, 401, { error: "invalid_client", error_description: "Client credentials are invalid" });
      }
      if (body.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange") return tokenExchange(res, tokenEndpoint[1]!, s, body);
      if (body.grant_type !== "refresh_token" || !s.refreshToken || body.refresh_token !== s.refreshToken) {
        return send(res, 400, { error: "invalid_grant", error_description: "The refresh token is invalid or was already used" });
      }
      s.tokenRefreshes++;
      const access = `shpat_fake_${s.tokenRefreshes}_${Math.random().toString(36).slice(2, 8)}`;
      s.refreshToken = `shprt_fake_${s.tokenRefreshes}_${Math.random().toString(36).slice(2, 8)}`;
      issue(tokenEndpoint[1]!, access);
      return send(res, 200, { access_token: access, scope: "read_orders,write_orders", expires_in: 3600, refresh_token: s.refreshToken, refresh_token_expires_in: 7_776_000 });
    }
    const match = url.pathname.match(/^\/([a-z0-9][a-z0-9-]*\.myshopify\.com)\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/);
    const domain = match?.[1] ?? req.headers["x-facto-shop-domain"]?.toString();
    if (req.method !== "POST" || !domain) return send(res, 404, { errors: "Not Found" });

    const token = req.headers["x-shopify-access-token"]?.toString() ?? "";
    const valid = accessTokens.get(domain);
    if (!token || (valid !== undefined && !valid.has(token))) {
      return send(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    let body: { query?: unknown; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    if (typeof body.query !== "string") return send(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    const query = body.query;
    const variables = body.variables ?? {};
    const s = shop(domain);

    const isMutation = /^\s*mutation\b/.test(query);
    const fields = rootFields(query);
    const unknown = fields.find((f) => !(ROOT_FIELDS as readonly string[]).includes(f));
    const bulk = fields.includes("inventorySetQuantities") ? (((variables.input as { quantities?: unknown[] } | undefined)?.quantities ?? []).length) : 0;
    const cost = isMutation ? 10 + bulk : Math.min(1000, 1 + firstSizes(query, variables));
    const operation = fields.join(",");
    const costExtension = (actual: number | null) => ({
      cost: {
        requestedQueryCost: cost,
        actualQueryCost: actual,
        throttleStatus: { maximumAvailable: bucketSize, currentlyAvailable: Math.floor(s.bucket.available), restoreRate },
      },
    });

    if (unknown) {
      return send(res, 200, {
        errors: [{ message: `Field '${unknown}' doesn't exist on type '${isMutation ? "Mutation" : "QueryRoot"}'`, extensions: { code: "undefinedField" } }],
      });
    }
    if (available(s) < cost) {
      state.throttledCount++;
      state.requests.push({ shop: domain, operation, cost, throttled: true });
      return send(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: costExtension(null),
      });
    }
    s.bucket.available -= cost;
    state.pointsSpent += cost;
    state.requests.push({ shop: domain, operation, cost, throttled: false });
    const data: Record<string, unknown> = {};
    if (fields.includes("inventorySetQuantities") && !/@idempotent\s*\(\s*key\s*:/.test(query)) {
      return send(res, 200, {
        errors: [{ message: "The @idempotent directive is required for inventorySetQuantities", extensions: { code: "IDEMPOTENCY_KEY_REQUIRED" } }],
        extensions: costExtension(cost),
      });
    }
    for (const field of fields) data[field] = execute(field, variables, s, domain, query);
    return send(res, 200, { data, extensions: costExtension(cost) });
  }

  function execute(field: string, variables: Record<string, unknown>, s: ShopState, domain: string, query: string): unknown {
    switch (field) {
      case "inventorySetQuantities": {
        const keyRef = /@idempotent\s*\(\s*key\s*:\s*(\$\w+|"[^"]*")/.exec(query)?.[1] ?? "";
        const key = keyRef.startsWith("$") ? String(variables[keyRef.slice(1)] ?? "") : keyRef.slice(1, -1);
        if (key && key in s.idempotent) return s.idempotent[key];
        const input = (variables.input ?? {}) as { name?: string; reason?: string; quantities?: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }[] };
        const quantities = input.quantities ?? [];
        const answer = (userErrors: unknown[]) => ({ inventoryAdjustmentGroup: userErrors.length ? null : { id: `gid://shopify/InventoryAdjustmentGroup/${Object.keys(s.idempotent).length + 1}` }, userErrors });
        let result: unknown;
        if (quantities.length > 250) {
          result = answer([{ field: ["input", "quantities"], message: "The quantities input array exceeds the maximum of 250 items", code: "MAX_ONE_HUNDRED_ITEMS" }]);
        } else {
          const errors: unknown[] = [];
          quantities.forEach((q, i) => {
            if (!("changeFromQuantity" in q)) errors.push({ field: ["input", "quantities", String(i), "changeFromQuantity"], message: "changeFromQuantity is required", code: "INVALID_INPUT" });
            else if (q.changeFromQuantity !== null && q.changeFromQuantity !== (s.inventory[`${q.inventoryItemId}|${q.locationId}`] ?? 0)) {
              errors.push({ field: ["input", "quantities", String(i), "changeFromQuantity"], message: "The compare quantity is stale", code: "CHANGE_FROM_QUANTITY_STALE" });
            }
          });
          if (errors.length === 0) for (const q of quantities) s.inventory[`${q.inventoryItemId}|${q.locationId}`] = q.quantity;
          result = answer(errors);
        }
        if (key) s.idempotent[key] = result;
        return result;
      }
      case "productVariants": {
        const first = Math.min(250, Number(variables.first ?? 50));
        const after = variables.after ? Number(variables.after) : 0;
        const page = s.variants.slice(after, after + first);
        return {
          nodes: page.map((v) => ({ id: v.id, sku: v.sku, displayName: v.displayName, inventoryItem: inventoryItemNode(s, v.inventoryItemId) })),
          pageInfo: { hasNextPage: after + first < s.variants.length, endCursor: String(after + page.length) },
        };
      }
      case "nodes":
        return ((variables.ids as string[] | undefined) ?? []).map((id) => (s.variants.some((v) => v.inventoryItemId === id) ? inventoryItemNode(s, id) : null));
      case "shop":
        return {
          name: domain.replace(".myshopify.com", ""),
          email: `owner@${domain}`,
          myshopifyDomain: domain,
          currencyCode: "EUR",
          billingAddress: { address1: "Rue de la Loi 16", address2: null, zip: "1000", city: "Brussel", countryCodeV2: "BE", company: null },
        };
      case "tagsAdd": {
        const id = String(variables.id ?? "");
        if (!/^gid:\/\/shopify\/\w+\/\d+$/.test(id)) return { node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] };
        const tags = (variables.tags as string[] | undefined) ?? [];
        s.tags[id] = [...new Set([...(s.tags[id] ?? []), ...tags])];
        return { node: { id }, userErrors: [] };
      }
      case "tagsRemove": {
        const id = String(variables.id ?? "");
        if (!/^gid:\/\/shopify\/\w+\/\d+$/.test(id)) return { node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] };
        const remove = new Set((variables.tags as string[] | undefined) ?? []);
        s.tags[id] = (s.tags[id] ?? []).filter((t) => !remove.has(t));
        return { node: { id }, userErrors: [] };
      }
      case "orderMarkAsPaid": {
        const id = String((variables.input as { id?: string } | undefined)?.id ?? "");
        if (!id.startsWith("gid://shopify/Order/")) return { order: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
        if (s.paidOrders.includes(id)) return { order: null, userErrors: [{ field: ["id"], message: "Order cannot be marked as paid." }] };
        s.paidOrders.push(id);
        return { order: { id, displayFinancialStatus: "PAID" }, userErrors: [] };
      }
      case "metafieldsSet": {
        const list = (variables.metafields as { ownerId: string; namespace: string; key: string; type: string; value: string }[] | undefined) ?? [];
        if (list.length > 25) {
          return { metafields: null, userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO" }] };
        }
        // Shopify validates each value against its type and writes nothing when one is invalid.
        const invalid = list.findIndex((m) => !validMetafieldValue(m.type, m.value));
        if (invalid >= 0) {
          return { metafields: null, userErrors: [{ field: ["metafields", String(invalid), "value"], message: `Value must be a valid ${list[invalid]!.type}.`, code: "INVALID_VALUE" }] };
        }
        for (const m of list) (s.metafields[m.ownerId] ??= {})[`${m.namespace}.${m.key}`] = { type: m.type, value: m.value };
        return { metafields: list.map((m) => ({ key: m.key, namespace: m.namespace, ownerType: "ORDER" })), userErrors: [] };
      }
      case "orders": {
        const first = Number(variables.first ?? 50);
        const after = variables.after ? Number(variables.after) : 0;
        const since = /updated_at:>'?([^' ]+)'?/.exec(String(variables.query ?? ""))?.[1];
        const matching = s.orders
          .filter((o) => !since || String(o.updated_at) > since)
          .sort((a, b) => String(a.updated_at).localeCompare(String(b.updated_at)));
        const page = matching.slice(after, after + first);
        return { nodes: page.map(restToGraphqlOrder), pageInfo: { hasNextPage: after + first < matching.length, endCursor: String(after + page.length) } };
      }
      default:
        return null;
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    shop,
    addOrder: (domain, order) => {
      const now = new Date().toISOString();
      shop(domain).orders.push({ created_at: now, updated_at: now, ...order });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A REST order (as webhooks carry it) in the shape the GraphQL Admin API answers. */
function restToGraphqlOrder(o: Record<string, any>) {
  const money = (amount: unknown) => ({ shopMoney: { amount: String(amount ?? "0") } });
  const address = (a: any) =>
    a ? { name: a.name ?? null, firstName: a.first_name ?? null, lastName: a.last_name ?? null, company: a.company ?? null, address1: a.address1 ?? null, address2: a.address2 ?? null, zip: a.zip ?? null, city: a.city ?? null, countryCodeV2: a.country_code ?? null } : null;
  const allocations = (list: any[] | undefined) => (list ?? []).map((d) => ({ allocatedAmountSet: money(d.amount) }));
  const taxLines = (list: any[] | undefined) => (list ?? []).map((t) => ({ rate: t.rate }));
  return {
    id: o.admin_graphql_api_id ?? `gid://shopify/Order/${o.id}`,
    legacyResourceId: String(o.id),
    name: o.name,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
    cancelledAt: o.cancelled_at ?? null,
    currencyCode: o.currency ?? "EUR",
    taxesIncluded: !!o.taxes_included,
    taxExempt: !!o.tax_exempt,
    email: o.email ?? null,
    customerLocale: o.customer_locale ?? null,
    displayFinancialStatus: String(o.financial_status ?? "pending").toUpperCase(),
    displayFulfillmentStatus: String(o.fulfillment_status ?? "unfulfilled").toUpperCase(),
    customAttributes: (o.note_attributes ?? []).map((a: any) => ({ key: a.name, value: a.value })),
    customer: o.customer ? { id: `gid://shopify/Customer/${o.customer.id}`, email: o.customer.email ?? null, firstName: o.customer.first_name ?? null, lastName: o.customer.last_name ?? null } : null,
    billingAddress: address(o.billing_address),
    shippingAddress: address(o.shipping_address),
    totalPriceSet: money(o.total_price),
    totalTaxSet: money(o.total_tax),
    lineItems: { nodes: (o.line_items ?? []).map((l: any) => ({ name: l.name, sku: l.sku ?? null, quantity: l.quantity, requiresShipping: l.requires_shipping ?? true, originalUnitPriceSet: money(l.price), discountAllocations: allocations(l.discount_allocations), taxLines: taxLines(l.tax_lines) })) },
    shippingLines: { nodes: (o.shipping_lines ?? []).map((l: any) => ({ title: l.title, originalPriceSet: money(l.price), discountAllocations: allocations(l.discount_allocations), taxLines: taxLines(l.tax_lines) })) },
  };
}

/** The root fields of the (single) operation: top-level selections of the outermost braces. */
export function rootFields(query: string): string[] {
  const start = query.indexOf("{");
  if (start < 0) return [];
  const fields: string[] = [];
  let depth = 0;
  let parens = 0;
  for (let i = start; i < query.length; i++) {
    const ch = query[i]!;
    if (ch === "@") {
      i += (/^@[A-Za-z_]\w*/.exec(query.slice(i))?.[0].length ?? 1) - 1; // a directive, not a field
    } else if (ch === "(") parens++;
    else if (ch === ")") parens--;
    else if (ch === "{") depth++;
    else if (ch === "}") depth--;
    else if (depth === 1 && parens === 0 && /[A-Za-z_]/.test(ch)) {
      const name = /^[A-Za-z_]\w*/.exec(query.slice(i))![0];
      const alias = /^\s*:\s*([A-Za-z_]\w*)/.exec(query.slice(i + name.length));
      fields.push(alias ? alias[1]! : name);
      i += name.length - 1 + (alias ? alias[0].length : 0);
    }
  }
  return fields;
}

function firstSizes(query: string, variables: Record<string, unknown>): number {
  let total = 0;
  for (const m of query.matchAll(/\bfirst\s*:\s*(\$\w+|\d+)/g)) {
    const raw = m[1]!;
    total += raw.startsWith("$") ? Number(variables[raw.slice(1)] ?? 0) : Number(raw);
  }
  return total;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The few metafield types Facto writes, validated as Shopify does (url: http, https, mailto, sms or tel). */
function validMetafieldValue(type: string, value: unknown): boolean {
  if (typeof value !== "string") return false;
  switch (type) {
    case "single_line_text_field":
      return value.length > 0 && !value.includes("\n");
    case "url":
      try {
        return ["http:", "https:", "mailto:", "sms:", "tel:"].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    case "json":
      try {
        JSON.parse(value);
        return true;
      } catch {
        return false;
      }
    default:
      return false;
  }
}

function decodeSessionToken(token: string): Record<string, unknown> | null {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function verifySessionToken(token: string, secret: string): Record<string, unknown> | null {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return null;
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return decodeSessionToken(token);
}

const FAKE_LOCATION = "gid://shopify/Location/1";

/** An InventoryItem as the Admin API answers it: its level at the shop's one location. */
function inventoryItemNode(s: ShopState, inventoryItemId: string) {
  const available = s.inventory[`${inventoryItemId}|${FAKE_LOCATION}`] ?? 0;
  return { id: inventoryItemId, inventoryLevels: { nodes: [{ location: { id: FAKE_LOCATION }, quantities: [{ name: "available", quantity: available }] }] } };
}
