import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { execute, getDirectiveValues, getVariableValues, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLResolveInfo, type OperationDefinitionNode } from "graphql";
import { requestedQueryCost, SHOPIFY_MAX_INPUT_ARRAY, SHOPIFY_MAX_QUERY_COST } from "./shopify-cost";
import { shopifyAdminSchema } from "./shopify-schema";

/**
 * A fake Shopify GraphQL Admin API on 127.0.0.1, following Shopify's documented contract:
 * - `POST /<shop>/admin/api/<version>/graphql.json` (path-prefixed by shop, since every shop shares
 *   this host) with `X-Shopify-Access-Token`; a bad token answers 401 with Shopify's error body.
 * - Every document is checked against Shopify's official Admin schema of the pinned version
 *   (@shopify/dev-mcp, decision 015) and executed by graphql-js against it: invalid documents and
 *   variables are refused, the answer holds exactly the selected fields, enum values are the real enums'.
 * - Requested cost by Shopify's documented formula (shopify-cost.ts, the same module the schema test
 *   uses): over 1,000 is refused with MAX_COST_EXCEEDED, input lists over 250 with
 *   MAX_INPUT_SIZE_EXCEEDED; a leaky bucket per shop (default: Standard plan, 2000 points, 100 points/s
 *   restore); every answer carries `extensions.cost` with `throttleStatus`; a query the bucket cannot
 *   afford is not executed and answers `THROTTLED`.
 * - Root fields: shop, orders, order, productVariants, nodes (inventory items), tagsAdd, tagsRemove,
 *   orderMarkAsPaid, metafieldsSet, inventorySetQuantities (API 2026-04 rules: `changeFromQuantity` on
 *   every quantity — a mismatch is CHANGE_FROM_QUANTITY_STALE and nothing is applied — and the
 *   `@idempotent(key:)` directive: the same key with the same input returns the first answer without
 *   applying again, with other input IDEMPOTENCY_KEY_PARAMETER_MISMATCH). Other valid root fields
 *   answer FAKE_NOT_IMPLEMENTED.
 * - Protected customer data: `POST /_control/protected-customer-data/<shop>` `{"granted": false}` makes
 *   the shop answer like an app Shopify has not approved (ACCESS_DENIED on customer, email, addresses).
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
  idempotent: Record<string, { fingerprint: string; result: unknown }>;
  /** Whether Shopify approved the app's access to protected customer data (names, addresses, e-mail). */
  protectedCustomerData: boolean;
  /** The refresh token the shop's expiring offline token can be renewed with (single use). */
  refreshToken: string | null;
  tokenRefreshes: number;
  /** Token exchanges (installs and re-authentications of the embedded app). */
  installs: number;
  bucket: { available: number; at: number };
}

export interface FakeShopifyState {
  shops: Map<string, ShopState>;
  requests: { shop: string; operation: string; cost: number; throttled: boolean; refused?: "MAX_COST_EXCEEDED" | "MAX_INPUT_SIZE_EXCEEDED" }[];
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

const ROOT_FIELDS = ["shop", "orders", "order", "productVariants", "nodes", "tagsAdd", "tagsRemove", "orderMarkAsPaid", "metafieldsSet", "inventorySetQuantities"] as const;

export async function startFakeShopify(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const bucketSize = options.bucketSize ?? 2000;
  const restoreRate = options.restoreRate ?? 100;
  const state: FakeShopifyState = { shops: new Map(), requests: [], throttledCount: 0, pointsSpent: 0 };
  const schema = shopifyAdminSchema();
  // shop → the tokens issued to it (a shop without an entry accepts any non-empty token). A new
  // token does not revoke the earlier ones: they run out at their own expiry.
  const accessTokens = new Map<string, Set<string>>(Object.entries(options.accessTokens ?? {}).map(([d, t]) => [d, new Set([t])]));
  const issue = (domain: string, token: string) => {
    if (options.accessTokens || options.apiSecret) accessTokens.set(domain, (accessTokens.get(domain) ?? new Set()).add(token));
  };

  const shop = (domain: string): ShopState => {
    let s = state.shops.get(domain);
    if (!s) {
      s = { tags: {}, paidOrders: [], metafields: {}, orders: [], variants: [], inventory: {}, idempotent: {}, protectedCustomerData: true, refreshToken: null, tokenRefreshes: 0, installs: 0, bucket: { available: bucketSize, at: Date.now() } };
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
    const customerDataControl = url.pathname.match(/^\/_control\/protected-customer-data\/([^/]+)$/);
    if (req.method === "POST" && customerDataControl) {
      // Test control (not Shopify): whether Shopify approved the app's access to protected customer data.
      const { granted } = JSON.parse(await readBody(req)) as { granted: boolean };
      shop(decodeURIComponent(customerDataControl[1]!)).protectedCustomerData = granted;
      return send(res, 200, { granted });
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
    let body: { query?: unknown; variables?: Record<string, unknown>; operationName?: unknown };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    if (typeof body.query !== "string") return send(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    const s = shop(domain);
    const answer = graphqlRequest(s, domain, body.query, body.variables ?? {}, typeof body.operationName === "string" ? body.operationName : undefined);
    return send(res, 200, await answer);
  }

  /**
   * One Admin API GraphQL request, in Shopify's order: the document must parse and validate against the
   * official schema, the variables coerce to their declared types, the requested cost (shopify-cost.ts)
   * must not exceed 1,000 and no input list 250, and the bucket must afford it; only then is it executed —
   * by graphql-js against that schema, so the answer holds exactly the selected fields (aliases, fragments)
   * and every enum value is one of the real enum's (graphql-js refuses to serialize any other).
   * Shopify answers all of these with HTTP 200 and an `errors` list.
   */
  async function graphqlRequest(s: ShopState, domain: string, query: string, rawVariables: Record<string, unknown>, operationName: string | undefined): Promise<Record<string, unknown>> {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { errors: [graphqlErrorJson(error as GraphQLError)] };
    }
    // Shopify validates the document against its schema before anything else; graphql-js's messages differ
    // in wording from graphql-ruby's (e.g. "Cannot query field" vs "Field 'x' doesn't exist on type"), Facto reads none of them.
    const invalid = validate(schema, document);
    if (invalid.length > 0) return { errors: invalid.map((e) => ({ ...graphqlErrorJson(e), extensions: { code: validationCode(e) } })) };
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
    if (!operation) return { errors: [{ message: `No operation named "${operationName}"` }] };
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
    if (coerced.errors) return { errors: coerced.errors.map((e) => ({ ...graphqlErrorJson(e), extensions: { code: "INVALID_VARIABLE" } })) };
    const fields = rootFieldNames(operation);
    const operationLabel = fields.join(",");
    const { cost, oversizedInputs } = requestedQueryCost(schema, document, rawVariables, operation.name?.value);
    const costExtension = (actual: number | null) => ({
      cost: { requestedQueryCost: cost, actualQueryCost: actual, throttleStatus: { maximumAvailable: bucketSize, currentlyAvailable: Math.floor(s.bucket.available), restoreRate } },
    });
    if (cost > SHOPIFY_MAX_QUERY_COST) {
      // help.shopify.com/en/api/graphql-admin-api/call-limit: "A single query to the API cannot exceed a cost of
      // 1000. This limit is enforced before query execution begins". Shopify's answer (message and
      // extensions as Shopify sends them): code MAX_COST_EXCEEDED with `cost` and `maxCost`.
      state.requests.push({ shop: domain, operation: operationLabel, cost, throttled: false, refused: "MAX_COST_EXCEEDED" });
      return {
        errors: [
          {
            message: `Query cost is ${cost}, which exceeds the single query max cost limit (${SHOPIFY_MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
            extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost: SHOPIFY_MAX_QUERY_COST, documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
      };
    }
    if (oversizedInputs.length > 0) {
      // Input arrays are capped at 250 items (shopify.dev/docs/api/usage/limits; reference/shopify.md); Shopify
      // answers MAX_INPUT_SIZE_EXCEEDED "The input array size of N is greater than the maximum allowed of 250."
      state.requests.push({ shop: domain, operation: operationLabel, cost, throttled: false, refused: "MAX_INPUT_SIZE_EXCEEDED" });
      return {
        errors: oversizedInputs.map((o) => ({ message: `The input array size of ${o.size} is greater than the maximum allowed of ${SHOPIFY_MAX_INPUT_ARRAY}.`, path: o.path, extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" } })),
      };
    }
    const missing = fields.find((f) => !(ROOT_FIELDS as readonly string[]).includes(f));
    if (missing) {
      // Valid for Shopify, but this fake does not answer it: say so loudly rather than invent an answer.
      return { errors: [{ message: `The fake Shopify does not implement ${operation.operation === "mutation" ? "Mutation" : "QueryRoot"}.${missing}`, extensions: { code: "FAKE_NOT_IMPLEMENTED" } }] };
    }
    if (available(s) < cost) {
      state.throttledCount++;
      state.requests.push({ shop: domain, operation: operationLabel, cost, throttled: true });
      return { errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }], extensions: costExtension(null) };
    }
    s.bucket.available -= cost;
    state.pointsSpent += cost;
    state.requests.push({ shop: domain, operation: operationLabel, cost, throttled: false });
    const result = await execute({ schema, document, operationName: operation.name?.value, variableValues: rawVariables, rootValue: rootValue(s, domain), contextValue: { shop: s } });
    return { ...(result.data !== undefined ? { data: result.data } : {}), ...(result.errors ? { errors: result.errors.map(graphqlErrorJson) } : {}), extensions: costExtension(cost) };
  }

  /**
   * The root fields the fake answers. graphql-js's default resolver calls a function property with the
   * field's arguments, so connections and arguments resolve lazily and only for what was selected.
   */
  function rootValue(s: ShopState, domain: string): Record<string, unknown> {
    return {
      shop: () => ({
        id: `gid://shopify/Shop/1`,
        name: domain.replace(".myshopify.com", ""),
        email: `owner@${domain}`,
        myshopifyDomain: domain,
        currencyCode: "EUR",
        billingAddress: { id: "gid://shopify/ShopAddress/1", address1: "Rue de la Loi 16", address2: null, zip: "1000", city: "Brussel", countryCodeV2: "BE", company: null },
      }),
      orders: (args: ConnectionArgs & { query?: string | null }) => {
        // Search syntax `updated_at:>'<ISO time>'` (shopify.dev/docs/api/usage/search-syntax): a time
        // comparison, so compared as instants, not as strings ("2026-11-29T10:00:00+01:00" is before "…09:30:00Z").
        const since = /updated_at:>'?([^' ]+)'?/.exec(args.query ?? "")?.[1];
        const sinceMs = since ? Date.parse(since) : Number.NaN;
        const matching = s.orders
          .filter((o) => Number.isNaN(sinceMs) || Date.parse(String(o.updated_at)) > sinceMs)
          .sort((a, b) => Date.parse(String(a.updated_at)) - Date.parse(String(b.updated_at)));
        return connection(matching.map((o) => restToGraphqlOrder(o, s)), args);
      },
      order: ({ id }: { id: string }) => {
        const o = s.orders.find((x) => (x.admin_graphql_api_id ?? `gid://shopify/Order/${x.id}`) === id);
        return o ? restToGraphqlOrder(o, s) : null;
      },
      productVariants: (args: ConnectionArgs) =>
        connection(
          s.variants.map((v) => ({ __typename: "ProductVariant", id: v.id, sku: v.sku, displayName: v.displayName, inventoryItem: inventoryItemNode(s, v.inventoryItemId) })),
          args,
        ),
      nodes: ({ ids }: { ids: string[] }) => ids.map((id) => (s.variants.some((v) => v.inventoryItemId === id) ? inventoryItemNode(s, id) : null)),
      tagsAdd: ({ id, tags }: { id: string; tags: string[] }) => {
        if (!/^gid:\/\/shopify\/\w+\/\d+$/.test(id)) return { node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] };
        s.tags[id] = [...new Set([...(s.tags[id] ?? []), ...tags])];
        return { node: { __typename: gidType(id), id }, userErrors: [] };
      },
      tagsRemove: ({ id, tags }: { id: string; tags: string[] }) => {
        if (!/^gid:\/\/shopify\/\w+\/\d+$/.test(id)) return { node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] };
        const remove = new Set(tags);
        s.tags[id] = (s.tags[id] ?? []).filter((t) => !remove.has(t));
        return { node: { __typename: gidType(id), id }, userErrors: [] };
      },
      orderMarkAsPaid: ({ input }: { input: { id: string } }) => {
        const id = input.id;
        if (!id.startsWith("gid://shopify/Order/")) return { order: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
        if (s.paidOrders.includes(id)) return { order: null, userErrors: [{ field: ["id"], message: "Order cannot be marked as paid." }] };
        s.paidOrders.push(id);
        return { order: { id, displayFinancialStatus: "PAID" }, userErrors: [] };
      },
      metafieldsSet: ({ metafields: list }: { metafields: { ownerId: string; namespace?: string; key: string; type?: string; value: string }[] }) => {
        // MetafieldsSetUserErrorCode LESS_THAN_OR_EQUAL_TO / INVALID_VALUE (schema enum); "at most 25 per call, atomic" (reference/shopify.md).
        if (list.length > 25) return { metafields: null, userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO" }] };
        const invalid = list.findIndex((m) => !validMetafieldValue(m.type ?? "", m.value));
        if (invalid >= 0) return { metafields: null, userErrors: [{ field: ["metafields", String(invalid), "value"], message: `Value must be a valid ${list[invalid]!.type}.`, code: "INVALID_VALUE" }] };
        for (const m of list) (s.metafields[m.ownerId] ??= {})[`${m.namespace}.${m.key}`] = { type: m.type ?? "", value: m.value };
        return { metafields: list.map((m, i) => ({ id: `gid://shopify/Metafield/${i + 1}`, key: m.key, namespace: m.namespace, ownerType: m.ownerId.includes("/Customer/") ? "CUSTOMER" : "ORDER", type: m.type, value: m.value })), userErrors: [] };
      },
      inventorySetQuantities: (args: { input: { name: string; reason: string; referenceDocumentUri?: string | null; quantities: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }[] } }, _ctx: unknown, info: GraphQLResolveInfo) => {
        // The @idempotent(key:) directive is required on inventory mutations from API 2026-04 (changelog; reference/shopify.md).
        const directive = schema.getDirective("idempotent");
        const key = directive ? (getDirectiveValues(directive, info.fieldNodes[0]!, info.variableValues)?.key as string | undefined) : undefined;
        if (!key) throw new GraphQLError("The @idempotent directive is required for inventorySetQuantities", { extensions: { code: "IDEMPOTENCY_KEY_REQUIRED" } });
        const quantities = args.input.quantities;
        // InventoryQuantityInput.changeFromQuantity (schema): "This field is mandatory: you must explicitly pass in a
        // value, even if that value is `null`, or the mutation returns an error." (The schema names no code for it.)
        const without = quantities.findIndex((q) => !("changeFromQuantity" in q));
        if (without >= 0) throw new GraphQLError(`changeFromQuantity must be given for quantities[${without}] (null opts out of the compare)`);
        const fingerprint = JSON.stringify(args.input);
        const seen = s.idempotent[key];
        if (seen) {
          // InventorySetQuantitiesUserErrorCode.IDEMPOTENCY_KEY_PARAMETER_MISMATCH (schema): "The same idempotency key
          // cannot be used with different operation parameters." The same parameters: the first answer again, nothing applied.
          if (seen.fingerprint !== fingerprint) return { inventoryAdjustmentGroup: null, userErrors: [{ field: null, message: "The same idempotency key cannot be used with different operation parameters.", code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" }] };
          return seen.result;
        }
        const errors: { field: string[]; message: string; code: string }[] = [];
        quantities.forEach((q, i) => {
          // InventorySetQuantitiesUserErrorCode.CHANGE_FROM_QUANTITY_STALE: "The changeFromQuantity value does not match persisted value."
          if (q.changeFromQuantity != null && q.changeFromQuantity !== (s.inventory[`${q.inventoryItemId}|${q.locationId}`] ?? 0)) {
            errors.push({ field: ["input", "quantities", String(i), "changeFromQuantity"], message: "The changeFromQuantity value does not match persisted value.", code: "CHANGE_FROM_QUANTITY_STALE" });
          }
        });
        if (errors.length === 0) for (const q of quantities) s.inventory[`${q.inventoryItemId}|${q.locationId}`] = q.quantity;
        const result = { inventoryAdjustmentGroup: errors.length ? null : { id: `gid://shopify/InventoryAdjustmentGroup/${Object.keys(s.idempotent).length + 1}` }, userErrors: errors };
        s.idempotent[key] = { fingerprint, result };
        return result;
      },
    };
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

/**
 * REST `fulfillment_status` (null, "fulfilled", "partial", "restocked") → the schema's
 * OrderDisplayFulfillmentStatus (FULFILLED, PARTIALLY_FULFILLED, RESTOCKED, UNFULFILLED, …).
 */
const FULFILLMENT_STATUS: Record<string, string> = { fulfilled: "FULFILLED", partial: "PARTIALLY_FULFILLED", restocked: "RESTOCKED" };

/**
 * A REST order (as webhooks carry it) in the shape the GraphQL Admin API answers. Connections are
 * functions of their arguments (first/after), so an order's lines page like Shopify's. When the shop has
 * not been granted protected customer data, the protected fields resolve to Shopify's refusal
 * (shopify.dev/docs/apps/launch/protected-customer-data, "Using protected customer data": unapproved
 * fields "will be redacted" and the reply "includes an `errors` message": "This app is not approved to
 * access the Customer object." / "This app is not approved to use the <field> field.").
 */
function restToGraphqlOrder(o: Record<string, any>, s: ShopState) {
  const money = (amount: unknown) => ({ shopMoney: { amount: String(amount ?? "0"), currencyCode: o.currency ?? "EUR" } });
  const address = (a: any) =>
    a ? { id: `gid://shopify/MailingAddress/${o.id}`, name: a.name ?? null, firstName: a.first_name ?? null, lastName: a.last_name ?? null, company: a.company ?? null, address1: a.address1 ?? null, address2: a.address2 ?? null, zip: a.zip ?? null, city: a.city ?? null, countryCodeV2: a.country_code ?? null } : null;
  const allocations = (list: any[] | undefined) => (list ?? []).map((d) => ({ allocatedAmountSet: money(d.amount) }));
  const taxLines = (list: any[] | undefined) => (list ?? []).map((t) => ({ rate: t.rate == null ? null : Number(t.rate), title: t.title ?? "VAT", price: String(t.price ?? "0"), priceSet: money(t.price) }));
  const denied = (what: string) => () => {
    throw new GraphQLError(`This app is not approved to ${what}. See https://partners.shopify.com/1/apps/1/customer_data for more details.`, { extensions: { code: "ACCESS_DENIED" } });
  };
  const granted = s.protectedCustomerData;
  return {
    __typename: "Order",
    id: o.admin_graphql_api_id ?? `gid://shopify/Order/${o.id}`,
    legacyResourceId: String(o.id),
    name: o.name,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
    cancelledAt: o.cancelled_at ?? null,
    currencyCode: o.currency ?? "EUR",
    taxesIncluded: !!o.taxes_included,
    taxExempt: !!o.tax_exempt,
    email: granted ? (o.email ?? null) : denied("use the email field"),
    customerLocale: o.customer_locale ?? null,
    // REST financial_status values (pending, authorized, partially_paid, paid, partially_refunded, refunded, voided) are the enum's, lower case.
    displayFinancialStatus: o.financial_status ? String(o.financial_status).toUpperCase() : "PENDING",
    displayFulfillmentStatus: FULFILLMENT_STATUS[String(o.fulfillment_status)] ?? "UNFULFILLED",
    customAttributes: (o.note_attributes ?? []).map((a: any) => ({ key: a.name, value: a.value })),
    customer: !granted
      ? denied("access the Customer object")
      : o.customer
        ? { __typename: "Customer", id: `gid://shopify/Customer/${o.customer.id}`, firstName: o.customer.first_name ?? null, lastName: o.customer.last_name ?? null, defaultEmailAddress: o.customer.email ? { emailAddress: o.customer.email } : null }
        : null,
    billingAddress: granted ? address(o.billing_address) : denied("use the billingAddress field"),
    shippingAddress: granted ? address(o.shipping_address) : denied("use the shippingAddress field"),
    totalPriceSet: money(o.total_price),
    totalTaxSet: money(o.total_tax),
    lineItems: (args: ConnectionArgs) =>
      connection(
        (o.line_items ?? []).map((l: any, i: number) => ({ id: `gid://shopify/LineItem/${l.id ?? i + 1}`, name: l.name, title: l.title ?? l.name, sku: l.sku ?? null, quantity: l.quantity, requiresShipping: l.requires_shipping ?? true, originalUnitPriceSet: money(l.price), discountAllocations: allocations(l.discount_allocations), taxLines: taxLines(l.tax_lines) })),
        args,
      ),
    shippingLines: (args: ConnectionArgs) =>
      connection((o.shipping_lines ?? []).map((l: any) => ({ title: l.title, originalPriceSet: money(l.price), discountAllocations: allocations(l.discount_allocations), taxLines: taxLines(l.tax_lines) })), args),
  };
}

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A Relay connection over a list (cursors: the position, base64) — what Shopify's connections answer. */
function connection<T>(items: T[], args: ConnectionArgs) {
  const cursor = (i: number) => Buffer.from(`fake:${i}`).toString("base64");
  const position = (c: string | null | undefined) => (c ? Number(Buffer.from(c, "base64").toString("utf8").replace(/^fake:/, "")) : Number.NaN);
  let start = args.after ? position(args.after) + 1 : 0;
  let end = args.before ? position(args.before) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const page = items.slice(start, end).map((node, i) => ({ node, cursor: cursor(start + i) }));
  return {
    nodes: page.map((e) => e.node),
    edges: page,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: page[0]?.cursor ?? null,
      endCursor: page.at(-1)?.cursor ?? null,
    },
  };
}

const gidType = (gid: string) => /^gid:\/\/shopify\/(\w+)\//.exec(gid)?.[1] ?? "Order";

function graphqlErrorJson(error: GraphQLError): Record<string, unknown> {
  const json = error.toJSON() as unknown as Record<string, unknown>;
  if (!json.extensions || Object.keys(json.extensions as object).length === 0) delete json.extensions;
  return json;
}

function validationCode(error: GraphQLError): string {
  if (/^Cannot query field/.test(error.message)) return "undefinedField";
  if (/^Unknown argument/.test(error.message)) return "argumentNotAccepted";
  if (/^Variable .* is never used/.test(error.message)) return "variableNotUsed";
  return "GRAPHQL_VALIDATION_FAILED";
}

/** The root fields of the operation (aliases resolved to field names), for the request log. */
export function rootFields(query: string): string[] {
  const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operation ? rootFieldNames(operation) : [];
}

function rootFieldNames(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
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
  const levels = [{ id: `gid://shopify/InventoryLevel/${inventoryItemId.split("/").pop()}`, location: { id: FAKE_LOCATION }, quantities: [{ name: "available", quantity: available }] }];
  return { __typename: "InventoryItem", id: inventoryItemId, inventoryLevels: (args: ConnectionArgs) => connection(levels, args) };
}
