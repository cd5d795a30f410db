import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import selfsigned from "selfsigned";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Resolver } from "~/integrations/outbound/outbound-guard.server";
import { WooApiError, wooClient, wooErrorBody } from "./woo-client.server";

/**
 * The WooCommerce client goes through the outbound guard: names resolving to refused addresses,
 * redirects to them, oversized answers — and errors never carry a foreign body. Only 127.0.0.1 is
 * ever contacted; names resolve through an injected stub.
 */
const KEY = { consumerKey: `ck_${"a".repeat(40)}`, consumerSecret: `cs_${"b".repeat(40)}` };
let server: Server;
let base = "";
let hits: string[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {};
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0]!;
    hits.push(path);
    const route = routes[path];
    if (route) return route(req, res);
    res.writeHead(200, { "content-type": "application/json" }).end("[]");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const stub = (table: Record<string, string>): Resolver => async (hostname) => {
  const address = table[hostname];
  if (!address) throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
  return [{ address, family: address.includes(":") ? 6 : 4 }];
};

async function failure(promise: Promise<unknown>): Promise<WooApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WooApiError);
    return error as WooApiError;
  }
  throw new Error("expected a failure");
}

describe("wooClient through the outbound guard", () => {
  it("refuses a store whose name resolves to a private, link-local or loopback address, without connecting", async () => {
    hits = [];
    for (const [address, words] of [["10.0.0.1", "private network"], ["169.254.169.254", "link-local"], ["127.0.0.1", "server itself"], ["::ffff:192.168.1.1", "private network"]] as const) {
      const client = wooClient({ storeUrl: "https://store.example", ...KEY }, { policy: { allowLoopback: false, resolve: stub({ "store.example": address }) } });
      const error = await failure(client.get("orders"));
      expect(error.wooCode).toBe("outbound_refused");
      expect(error.code).toBe("UPSTREAM_REJECTED");
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(words);
      expect(error.message).not.toContain(address);
    }
    expect(hits).toEqual([]);
  });

  it("refuses http to the store and loopback without the test/demo setting", async () => {
    const error = await failure(wooClient({ storeUrl: base, ...KEY }, { policy: { allowLoopback: false } }).get("orders"));
    expect(error.wooCode).toBe("outbound_refused");
  });

  it("reaches a loopback store under the test/demo setting", async () => {
    const { data } = await wooClient({ storeUrl: base, ...KEY }, { policy: { allowLoopback: true } }).get<unknown[]>("orders");
    expect(data).toEqual([]);
  });

  it("does not follow a redirect to a private address or a name resolving to one", async () => {
    routes["/wp-json/wc/v3/orders"] = (_req, res) => res.writeHead(301, { location: "https://10.1.2.3/wp-json/wc/v3/orders" }).end();
    routes["/wp-json/wc/v3/products"] = (_req, res) => res.writeHead(302, { location: "https://intranet.example/wp-json/wc/v3/products" }).end();
    routes["/wp-json/wc/v3/customers"] = (_req, res) => res.writeHead(302, { location: "http://[fd00::1]/x" }).end();
    const client = wooClient({ storeUrl: base, ...KEY }, { policy: { allowLoopback: true, resolve: stub({ "intranet.example": "192.168.10.10" }) } });
    for (const path of ["orders", "products", "customers"]) {
      const error = await failure(client.get(path));
      expect(error.wooCode).toBe("outbound_refused");
    }
    delete routes["/wp-json/wc/v3/orders"];
    delete routes["/wp-json/wc/v3/products"];
    delete routes["/wp-json/wc/v3/customers"];
  });

  it("never repeats a foreign HTML body, keeps WooCommerce's own JSON code and short message", async () => {
    routes["/wp-json/wc/v3/orders"] = (_req, res) => res.writeHead(500, { "content-type": "text/html" }).end("<html><body>root:x:0:0 secret internal page</body></html>");
    routes["/wp-json/wc/v3/products"] = (_req, res) => res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ code: "woocommerce_rest_authentication_error", message: "Consumer key is invalid.", data: { status: 401 } }));
    routes["/wp-json/wc/v3/coupons"] = (_req, res) => res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: "<script>", message: "x" }));
    const client = wooClient({ storeUrl: base, ...KEY }, { policy: { allowLoopback: true } });
    const html = await failure(client.get("orders"));
    expect(html.message).not.toMatch(/secret|root:x|<html/);
    expect(html.message).toContain("500");
    const json = await failure(client.get("products"));
    expect(json.wooCode).toBe("woocommerce_rest_authentication_error");
    expect(json.message).toContain("Consumer key is invalid.");
    const odd = await failure(client.get("coupons"));
    expect(odd.wooCode).toBeNull();
    expect(odd.message).not.toContain("script");
    delete routes["/wp-json/wc/v3/orders"];
    delete routes["/wp-json/wc/v3/products"];
    delete routes["/wp-json/wc/v3/coupons"];
  });

  it("gives up on an answer over the size limit and on a store that does not answer in time", async () => {
    routes["/wp-json/wc/v3/orders"] = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(`[${'"x",'.repeat(20_000)}"x"]`);
    routes["/wp-json/wc/v3/products"] = (_req, res) => setTimeout(() => res.writeHead(200).end("[]"), 1_500);
    const big = await failure(wooClient({ storeUrl: base, ...KEY }, { policy: { allowLoopback: true, maxBytes: 10_000 } }).get("orders"));
    expect(big.message).toContain("too large");
    const slow = await failure(wooClient({ storeUrl: base, ...KEY }, { timeoutMs: 200, policy: { allowLoopback: true } }).get("products"));
    expect(slow.message).toContain("no answer in time");
    delete routes["/wp-json/wc/v3/orders"];
    delete routes["/wp-json/wc/v3/products"];
  });
});

describe("wooClient over https to this machine (the auth-stripping proxy of the real-store suite)", () => {
  it("reaches an https store on 127.0.0.1 and a name pinned to it, key in the query string", async () => {
    const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], { keySize: 2048, algorithm: "sha256", extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }] });
    const seen: { host: string | undefined; query: string }[] = [];
    const tls = createHttpsServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      seen.push({ host: req.headers.host, query: new URL(req.url ?? "", "https://x").searchParams.get("consumer_key") ?? "" });
      res.writeHead(200, { "content-type": "application/json" }).end("[]");
    });
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    const port = (tls.address() as AddressInfo).port;
    // The self-signed certificate, trusted the way the test stack trusts its local fakes.
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    try {
      await wooClient({ storeUrl: `https://127.0.0.1:${port}`, ...KEY, authInQuery: true }, { policy: { allowLoopback: true } }).get("orders");
      await wooClient({ storeUrl: `https://shop.localhost:${port}`, ...KEY, authInQuery: true }, { policy: { allowLoopback: true, resolve: stub({ "shop.localhost": "127.0.0.1" }) } }).get("orders");
      expect(seen).toEqual([{ host: `127.0.0.1:${port}`, query: KEY.consumerKey }, { host: `shop.localhost:${port}`, query: KEY.consumerKey }]);
      const refused = await failure(wooClient({ storeUrl: `https://127.0.0.1:${port}`, ...KEY }, { policy: { allowLoopback: false } }).get("orders"));
      expect(refused.wooCode).toBe("outbound_refused");
      expect(seen).toHaveLength(2);
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });
});

describe("wooErrorBody", () => {
  it("keeps only a WooCommerce REST error object, stripped of markup and cut short", () => {
    expect(wooErrorBody({ code: "woocommerce_rest_cannot_view", message: "Sorry, you cannot list resources." })).toEqual({ code: "woocommerce_rest_cannot_view", message: "Sorry, you cannot list resources." });
    expect(wooErrorBody("<html>error</html>")).toBeNull();
    expect(wooErrorBody({ message: "no code" })).toBeNull();
    expect(wooErrorBody({ code: "x", message: `<b>bold</b> ${"y".repeat(500)}` })!.message).toMatch(/^bold y+…$/);
    expect(wooErrorBody({ code: "x", message: `<b>bold</b> ${"y".repeat(500)}` })!.message.length).toBe(200);
  });
});
