import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertUrlAllowed, classifyAddress, guardedFetch, OutboundRefusedError, type Resolver } from "./outbound-guard.server";

/**
 * Every refused address class, in IPv4 and IPv6, and the guard at work on real sockets — but only
 * ever to 127.0.0.1: names resolve through an injected resolver (a DNS stub), and a refused address
 * is refused before any packet leaves (no test sends traffic to a non-loopback address).
 */

describe("classifyAddress", () => {
  const cases: [string, string][] = [
    // IPv4
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["169.254.0.1", "link-local"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "reserved"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.10", "reserved"],
    ["198.18.0.1", "reserved"],
    // IPv4 neighbours of refused ranges stay public
    ["172.15.255.255", "public"],
    ["172.32.0.1", "public"],
    ["100.63.255.255", "public"],
    ["100.128.0.1", "public"],
    ["169.253.1.1", "public"],
    ["11.0.0.1", "public"],
    ["93.184.215.14", "public"],
    // IPv6
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["fc00::1", "private"],
    ["fd12:3456:789a::1", "private"],
    ["fec0::1", "private"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["ff02::1", "multicast"],
    ["ff05::1:3", "multicast"],
    ["2001:db8::1", "reserved"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"],
    ["100::1", "reserved"],
    ["2606:4700::6810:84e5", "public"],
    // IPv4 inside IPv6
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["::ffff:100.64.0.1", "cgnat"],
    ["::ffff:0.0.0.0", "unspecified"],
    ["::ffff:93.184.215.14", "public"],
    ["::10.0.0.1", "private"],
    ["64:ff9b::a00:1", "private"],
    ["64:ff9b::169.254.169.254", "link-local"],
    ["64:ff9b:1::1", "private"],
    ["2002:a00:1::1", "private"],
    ["2002:7f00:1::", "loopback"],
    // not an address
    ["example.com", "invalid"],
    ["10.0.0", "invalid"],
  ];
  it.each(cases)("%s is %s", (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });
});

describe("assertUrlAllowed", () => {
  const strict = { allowLoopback: false };
  const demo = { allowLoopback: true };
  const refused = (url: string, policy = strict) => {
    try {
      assertUrlAllowed(url, policy);
    } catch (error) {
      expect(error).toBeInstanceOf(OutboundRefusedError);
      return (error as OutboundRefusedError).reason;
    }
    return "allowed";
  };
  it("accepts https to a public name or address", () => {
    expect(refused("https://shop.example.be/")).toBe("allowed");
    expect(refused("https://93.184.215.14/")).toBe("allowed");
  });
  it("refuses http, even to a public address, and other schemes", () => {
    expect(refused("http://shop.example.be/")).toBe("protocol");
    expect(refused("http://93.184.215.14/", demo)).toBe("protocol");
    expect(refused("ftp://shop.example.be/")).toBe("protocol");
    expect(refused("file:///etc/passwd")).toBe("protocol");
  });
  it("refuses every non-public literal address, also written in the forms URLs normalise", () => {
    expect(refused("https://10.1.2.3/")).toBe("private");
    expect(refused("https://169.254.169.254/latest/meta-data/")).toBe("link-local");
    expect(refused("https://[::ffff:10.0.0.1]/")).toBe("private");
    expect(refused("https://[fd00::1]/")).toBe("private");
    expect(refused("https://[fe80::1]/")).toBe("link-local");
    expect(refused("https://0x7f.1/")).toBe("loopback");
    expect(refused("https://2130706433/")).toBe("loopback");
    expect(refused("https://0.0.0.0/")).toBe("unspecified");
    expect(refused("https://100.100.100.100/")).toBe("cgnat");
    expect(refused("https://224.0.0.251/")).toBe("multicast");
  });
  it("refuses loopback unless the test/demo setting is on, and then allows http only to loopback", () => {
    expect(refused("https://127.0.0.1/")).toBe("loopback");
    expect(refused("http://127.0.0.1:8080/")).toBe("protocol");
    expect(refused("http://localhost:8080/")).toBe("protocol");
    expect(refused("http://127.0.0.1:8080/", demo)).toBe("allowed");
    expect(refused("https://127.0.0.1:8443/", demo)).toBe("allowed");
    expect(refused("http://[::1]:8080/", demo)).toBe("allowed");
    expect(refused("https://10.0.0.1/", demo)).toBe("private");
  });
  it("refuses user info in the address", () => {
    expect(refused("https://user:pass@shop.example.be/")).toBe("protocol");
  });
});

describe("guardedFetch", () => {
  let server: Server;
  let port = 0;
  let hits: string[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {};
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.headers.host} ${req.url}`);
      const route = routes[req.url ?? ""];
      if (route) return route(req, res);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, host: req.headers.host }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A DNS stub: the names the tests use, and a count of how often each was asked. */
  function stub(table: Record<string, string[]>): Resolver & { asked: Record<string, number> } {
    const asked: Record<string, number> = {};
    const resolver = (async (hostname: string) => {
      asked[hostname] = (asked[hostname] ?? 0) + 1;
      const answers = table[hostname];
      if (!answers) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
      return answers.map((address) => ({ address, family: address.includes(":") ? (6 as const) : (4 as const) }));
    }) as Resolver & { asked: Record<string, number> };
    resolver.asked = asked;
    return resolver;
  }

  const reason = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return "allowed";
    } catch (error) {
      const refusal = error instanceof OutboundRefusedError ? error : (error as { cause?: unknown }).cause;
      expect(refusal).toBeInstanceOf(OutboundRefusedError);
      expect((refusal as Error).message).not.toMatch(/\d+\.\d+\.\d+\.\d+|::/); // the resolved address is never named
      return (refusal as OutboundRefusedError).reason;
    }
  };

  it.each([
    ["private", "10.0.0.7"],
    ["private", "172.20.1.1"],
    ["private", "192.168.0.10"],
    ["private", "fd00::7"],
    ["private", "::ffff:192.168.0.10"],
    ["link-local", "169.254.169.254"],
    ["link-local", "fe80::1"],
    ["cgnat", "100.64.1.1"],
    ["multicast", "239.1.1.1"],
    ["multicast", "ff02::1"],
    ["unspecified", "0.0.0.0"],
    ["unspecified", "::"],
    ["loopback", "127.0.0.1"],
    ["loopback", "::1"],
  ])("a name resolving to a %s address (%s) is refused before connecting", async (kind, address) => {
    hits = [];
    const resolve = stub({ "store.example": [address] });
    const fetchGuarded = guardedFetch({ allowLoopback: false, resolve });
    expect(await reason(fetchGuarded(`https://store.example:${port}/wp-json/wc/v3/orders`))).toBe(kind);
    expect(hits).toEqual([]);
  });

  it("refuses a name if any one of its addresses is refused (a public and a private answer)", async () => {
    hits = [];
    const direct = guardedFetch({ allowLoopback: true, resolve: stub({ "mixed.localhost": ["127.0.0.1", "10.0.0.1"] }) });
    expect(await reason(direct(`http://mixed.localhost:${port}/`))).toBe("private");
    const https = guardedFetch({ allowLoopback: false, resolve: stub({ "mixed.example": ["93.184.215.14", "10.0.0.1"] }) });
    expect(await reason(https(`https://mixed.example:${port}/`))).toBe("private");
    expect(hits).toEqual([]);
  });

  it("connects to the address the name resolved to (pinned), resolving once for several requests", async () => {
    hits = [];
    const resolve = stub({ "store.localhost": ["127.0.0.1"] });
    const fetchGuarded = guardedFetch({ allowLoopback: true, resolve });
    const first = await fetchGuarded(`http://store.localhost:${port}/one`);
    const second = await fetchGuarded(`http://store.localhost:${port}/two`);
    expect(first.status).toBe(200);
    expect(await second.json()).toEqual({ ok: true, host: `store.localhost:${port}` });
    expect(resolve.asked["store.localhost"]).toBe(1);
    expect(hits).toEqual([`GET store.localhost:${port} /one`, `GET store.localhost:${port} /two`]);
  });

  it("does not reach loopback without the test/demo setting", async () => {
    hits = [];
    const fetchGuarded = guardedFetch({ allowLoopback: false });
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/`))).toBe("protocol");
    expect(await reason(fetchGuarded(`https://127.0.0.1:${port}/`))).toBe("loopback");
    expect(hits).toEqual([]);
  });

  it("follows a redirect to an allowed address, refuses one to a private address or a name resolving to one", async () => {
    routes["/to-ok"] = (_req, res) => res.writeHead(302, { location: "/landing" }).end();
    routes["/to-private-ip"] = (_req, res) => res.writeHead(302, { location: "http://10.0.0.1/admin" }).end();
    routes["/to-private-ip-https"] = (_req, res) => res.writeHead(301, { location: "https://192.168.1.1/admin" }).end();
    routes["/to-metadata-name"] = (_req, res) => res.writeHead(307, { location: `https://metadata.example:${port}/latest/meta-data/` }).end();
    routes["/to-mapped"] = (_req, res) => res.writeHead(302, { location: "https://[::ffff:169.254.169.254]/" }).end();
    routes["/loop"] = (_req, res) => res.writeHead(302, { location: "/loop" }).end();
    const fetchGuarded = guardedFetch({ allowLoopback: true, resolve: stub({ "metadata.example": ["169.254.169.254"] }) });
    hits = [];
    const ok = await fetchGuarded(`http://127.0.0.1:${port}/to-ok`);
    expect(ok.status).toBe(200);
    expect(hits).toEqual([`GET 127.0.0.1:${port} /to-ok`, `GET 127.0.0.1:${port} /landing`]);
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/to-private-ip`))).toBe("protocol");
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/to-private-ip-https`))).toBe("private");
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/to-metadata-name`))).toBe("link-local");
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/to-mapped`))).toBe("link-local");
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/loop`))).toBe("redirects");
  });

  it("cuts an answer larger than the limit and gives up after the time limit", async () => {
    routes["/big"] = (_req, res) => res.writeHead(200).end(Buffer.alloc(64 * 1024, 0x61));
    routes["/slow"] = (_req, res) => setTimeout(() => res.writeHead(200).end("late"), 2_000);
    const small = guardedFetch({ allowLoopback: true, maxBytes: 16 * 1024 });
    expect(await reason(small(`http://127.0.0.1:${port}/big`))).toBe("too-large");
    const quick = guardedFetch({ allowLoopback: true, timeoutMs: 200 });
    const started = Date.now();
    await expect(quick(`http://127.0.0.1:${port}/slow`)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
