import { promises as dns } from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { Duplex } from "node:stream";
import { AppError } from "~/errors/app-error";

/**
 * The one guard every request to a merchant-supplied address goes through (a WooCommerce store, a
 * Twikey tenant): Facto's servers must never become a way into the network they run in
 * (docs/decisions/019-outbound-guard-and-accounts.md).
 *
 *  - https only; http only to this machine (loopback), and loopback at all only when the explicit
 *    test/demo setting OUTBOUND_ALLOW_LOOPBACK=1 is on.
 *  - The host name is resolved once (per client, cached for RESOLVE_TTL_MS) and the socket connects
 *    to exactly the addresses that were checked (the agent's `lookup`), so a name cannot answer a
 *    public address to the check and a private one to the connection (DNS rebinding).
 *  - Refused: loopback, private (RFC 1918, IPv6 ULA, site-local), link-local (cloud metadata at
 *    169.254.169.254 / fe80::), CGNAT (100.64/10), multicast, unspecified, broadcast and other
 *    reserved ranges — in IPv4 and IPv6, including IPv4 inside IPv6 (mapped ::ffff:a.b.c.d,
 *    compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16); Teredo is refused outright.
 *  - A literal IP in the URL is checked too (Node skips `lookup` for those), at the socket.
 *  - Redirects are followed only to addresses that pass the same check (each hop goes through the
 *    same agents), at most MAX_REDIRECTS; answers are cut at a size and time limit.
 *  - Refusals never name the resolved address nor echo anything the foreign host sent.
 */

export type AddressClass = "public" | "loopback" | "private" | "link-local" | "cgnat" | "multicast" | "unspecified" | "reserved" | "invalid";

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Resolves a host name to all its addresses; injectable so tests never depend on real DNS. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface OutboundPolicy {
  /** Test/demo only: allow 127.0.0.0/8, ::1 and localhost (and http to them). Never by default. */
  allowLoopback: boolean;
  resolve?: Resolver;
  timeoutMs?: number;
  maxBytes?: number;
  /** Mutual TLS: the client certificate and key presented to the server, and the CAs trusted for it (Ponto, decision 027). */
  tls?: { cert?: string | Buffer; key?: string | Buffer; passphrase?: string; ca?: string | Buffer };
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const MAX_REDIRECTS = 3;
const RESOLVE_TTL_MS = 60_000;

export class OutboundRefusedError extends AppError {
  override name = "OutboundRefusedError";
  readonly reason: AddressClass | "protocol" | "unresolvable" | "too-large" | "redirects";
  constructor(reason: OutboundRefusedError["reason"], message: string) {
    super("OUTBOUND_REFUSED", message, { details: { reason } });
    this.reason = reason;
  }
}

/** The process's policy: OUTBOUND_ALLOW_LOOPBACK=1 is the explicit test/demo setting. */
export function outboundPolicy(overrides: Partial<OutboundPolicy> = {}): OutboundPolicy {
  return { allowLoopback: process.env.OUTBOUND_ALLOW_LOOPBACK === "1", ...overrides };
}

// ---------------------------------------------------------------------------------------------
// Address classes

function parseIPv4(ip: string): number[] | null {
  if (!net.isIPv4(ip)) return null;
  return ip.split(".").map(Number);
}

function parseIPv6(input: string): number[] | null {
  const ip = input.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!net.isIPv6(ip)) return null;
  let text = ip;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]!);
    if (!v4) return null;
    tail.push(...v4);
    text = text.slice(0, -dotted[1]!.length) + "0:0";
  }
  const [head, rest] = text.includes("::") ? (text.split("::") as [string, string]) : [text, null];
  const groups = (s: string) => (s ? s.split(":").filter((g) => g !== "").map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const r = rest === null ? [] : groups(rest);
  const all = rest === null ? h : [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r];
  if (all.length !== 8) return null;
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function classifyV4(bytes: number[]): AddressClass {
  const [a, b, c] = bytes as [number, number, number, number];
  if (a === 0) return "unspecified"; // 0.0.0.0/8 "this network"
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 169 && b === 254) return "link-local";
  if (a === 100 && b >= 64 && b <= 127) return "cgnat";
  if (a >= 224 && a <= 239) return "multicast";
  if (a >= 240) return "reserved"; // 240/4 and 255.255.255.255
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return "reserved"; // IETF protocol assignments, TEST-NET-1
  if (a === 198 && (b === 18 || b === 19)) return "reserved"; // benchmarking
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return "reserved"; // TEST-NET-2/3
  if (a === 192 && b === 88 && c === 99) return "reserved"; // 6to4 relay anycast
  return "public";
}

function classifyV6(bytes: number[]): AddressClass {
  const zeroUpTo = (n: number) => bytes.slice(0, n).every((x) => x === 0);
  const v4At = (i: number) => classifyV4(bytes.slice(i, i + 4));
  if (zeroUpTo(16)) return "unspecified";
  if (zeroUpTo(15) && bytes[15] === 1) return "loopback";
  if (zeroUpTo(10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4At(12); // ::ffff:a.b.c.d
  if (zeroUpTo(12)) return v4At(12); // ::a.b.c.d (deprecated IPv4-compatible)
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b) {
    return bytes.slice(4, 12).every((x) => x === 0) ? v4At(12) : "private"; // NAT64 well-known / local-use 64:ff9b:1::/48
  }
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4At(2); // 6to4
  if (bytes[0] === 0x20 && bytes[1] === 0x01 && bytes[2] === 0 && bytes[3] === 0) return "reserved"; // Teredo hides an address
  if (bytes[0] === 0x20 && bytes[1] === 0x01 && bytes[2] === 0x0d && bytes[3] === 0xb8) return "reserved"; // documentation
  if (bytes[0] === 0x01 && bytes.slice(1, 8).every((x) => x === 0)) return "reserved"; // discard-only 100::/64
  if ((bytes[0]! & 0xfe) === 0xfc) return "private"; // ULA fc00::/7
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80) return "link-local"; // fe80::/10
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0xc0) return "private"; // site-local fec0::/10 (deprecated)
  if (bytes[0] === 0xff) return "multicast";
  if ((bytes[0]! & 0xe0) !== 0x20) return "reserved"; // outside global unicast 2000::/3
  return "public";
}

/** What kind of address this is; anything but "public" is refused (loopback only under the test setting). */
export function classifyAddress(ip: string): AddressClass {
  const v4 = parseIPv4(ip);
  if (v4) return classifyV4(v4);
  const v6 = parseIPv6(ip);
  if (v6) return classifyV6(v6);
  return "invalid";
}

const REFUSAL: Record<Exclude<AddressClass, "public">, string> = {
  loopback: "it points at the server itself",
  private: "it points into a private network",
  "link-local": "it points at a link-local address",
  cgnat: "it points into a carrier-grade NAT range",
  multicast: "it is a multicast address",
  unspecified: "it is an unspecified address",
  reserved: "it is a reserved address",
  invalid: "it is not a valid address",
};

/** Throws unless Facto may connect to this address under the policy (`loopbackOnly`: the http case). */
export function assertAddressAllowed(ip: string, policy: Pick<OutboundPolicy, "allowLoopback">, loopbackOnly = false): void {
  const kind = classifyAddress(ip);
  if (kind === "loopback" && policy.allowLoopback) return;
  if (kind === "public" && !loopbackOnly) return;
  if (kind === "public") throw new OutboundRefusedError("protocol", "Facto connects to stores over https only");
  throw new OutboundRefusedError(kind, `Facto does not connect to this address: ${REFUSAL[kind]}`);
}

function isLoopbackName(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || classifyAddress(h) === "loopback";
}

/** The protocol and (for a literal IP) address checks every URL passes before a request or a redirect. */
export function assertUrlAllowed(input: string | URL, policy: Pick<OutboundPolicy, "allowLoopback">): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new OutboundRefusedError("invalid", "Not a valid address");
  }
  if (url.username || url.password) throw new OutboundRefusedError("protocol", "Addresses with a user name or password are not accepted");
  if (url.protocol === "http:") {
    if (!(policy.allowLoopback && isLoopbackName(url.hostname))) throw new OutboundRefusedError("protocol", "Facto connects over https only");
  } else if (url.protocol !== "https:") {
    throw new OutboundRefusedError("protocol", "Facto connects over https only");
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) assertAddressAllowed(host, policy, url.protocol === "http:");
  return url;
}

// ---------------------------------------------------------------------------------------------
// Pinned connections

const systemResolver: Resolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, order: "verbatim" });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;
type LookupFunction = (hostname: string, options: { all?: boolean } | number | LookupCallback, callback?: LookupCallback) => void;

/**
 * A `lookup` for net/tls.connect: resolves once (cached per guard), refuses the name if ANY of its
 * addresses is refused, and hands the connection exactly the checked addresses.
 */
function guardedLookup(policy: OutboundPolicy, loopbackOnly: boolean, cache: Map<string, { at: number; answer: Promise<ResolvedAddress[]> }>): LookupFunction {
  const resolve = policy.resolve ?? systemResolver;
  return (hostname, options, maybeCallback) => {
    const callback = (typeof options === "function" ? options : maybeCallback) as LookupCallback;
    const all = typeof options === "object" && options !== null && options.all === true;
    const key = hostname.toLowerCase();
    let entry = cache.get(key);
    if (!entry || Date.now() - entry.at > RESOLVE_TTL_MS) {
      entry = { at: Date.now(), answer: resolve(hostname) };
      cache.set(key, entry);
    }
    entry.answer.then(
      (addresses) => {
        if (addresses.length === 0) throw new OutboundRefusedError("unresolvable", "The store's name does not resolve");
        for (const a of addresses) assertAddressAllowed(a.address, policy, loopbackOnly);
        if (all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
    ).catch((error: unknown) => {
      const refused = error instanceof OutboundRefusedError ? error : new OutboundRefusedError("unresolvable", "The store's name could not be resolved");
      callback(Object.assign(refused, { code: "EOUTBOUNDREFUSED" }) as NodeJS.ErrnoException, "", 0);
    });
  };
}

type ConnectionCallback = (error: Error | null, socket?: Duplex) => void;
type ConnectionOptions = { host?: string | null; hostname?: string | null } & Record<string, unknown>;

function guard<T extends http.Agent>(agent: T, policy: OutboundPolicy, loopbackOnly: boolean, cache: Map<string, { at: number; answer: Promise<ResolvedAddress[]> }>): T {
  const lookup = guardedLookup(policy, loopbackOnly, cache);
  const original = (agent as unknown as { createConnection: (o: ConnectionOptions, cb: ConnectionCallback) => Duplex | undefined }).createConnection.bind(agent);
  (agent as unknown as { createConnection: unknown }).createConnection = (options: ConnectionOptions, callback: ConnectionCallback) => {
    const host = String(options.host ?? options.hostname ?? "").replace(/^\[|\]$/g, "");
    if (net.isIP(host)) {
      // Node connects to a literal IP without calling lookup: check it here.
      try {
        assertAddressAllowed(host, policy, loopbackOnly);
      } catch (error) {
        callback(error as Error);
        return undefined;
      }
    }
    return original({ ...options, lookup }, callback);
  };
  return agent;
}

export interface GuardedAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/** An http agent (loopback only, test setting only) and an https agent whose sockets go only where the guard allows. */
export function guardedAgents(policy: OutboundPolicy): GuardedAgents {
  const cache = new Map<string, { at: number; answer: Promise<ResolvedAddress[]> }>();
  return {
    httpAgent: guard(new http.Agent({ keepAlive: true, maxSockets: 8 }), policy, true, cache),
    httpsAgent: guard(new https.Agent({ keepAlive: true, maxSockets: 8, ...(policy.tls ?? {}) }), policy, false, cache),
  };
}

/**
 * The options an axios-based client (the WooCommerce REST client) needs to go through the guard:
 * the pinned agents, no proxy from the environment, every redirect hop checked, size and time limits.
 */
export function guardedAxiosConfig(policy: OutboundPolicy) {
  const agents = guardedAgents(policy);
  const maxBytes = policy.maxBytes ?? DEFAULT_MAX_BYTES;
  return {
    ...agents,
    proxy: false as const,
    maxRedirects: MAX_REDIRECTS,
    maxContentLength: maxBytes,
    maxBodyLength: maxBytes,
    timeout: policy.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    beforeRedirect: (options: { href?: string; protocol?: string; hostname?: string; host?: string; port?: string | number; path?: string }) => {
      const target = options.href ?? `${options.protocol ?? "https:"}//${options.hostname ?? options.host ?? ""}${options.port ? `:${options.port}` : ""}${options.path ?? "/"}`;
      assertUrlAllowed(target, policy);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// fetch through the guard

/**
 * A `fetch` for merchant-supplied addresses (the Twikey client's fetchImpl): the same pinned agents,
 * redirects followed by hand through the same checks, the body cut at maxBytes, a time limit.
 */
export function guardedFetch(policy: OutboundPolicy): typeof fetch {
  const agents = guardedAgents(policy);
  const maxBytes = policy.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = policy.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) throw new TypeError("guardedFetch takes a URL");
    let url = assertUrlAllowed(input, policy);
    let method = (init.method ?? "GET").toUpperCase();
    let body: Buffer | undefined = init.body === undefined || init.body === null ? undefined : Buffer.from(typeof init.body === "string" ? init.body : init.body instanceof URLSearchParams ? init.body.toString() : (init.body as Uint8Array));
    const headers = new Headers(init.headers);
    const signals = [AbortSignal.timeout(timeoutMs), ...(init.signal ? [init.signal] : [])];
    const signal = AbortSignal.any(signals);
    for (let hop = 0; ; hop++) {
      const answer = await requestOnce(url, method, headers, body, signal, agents, maxBytes);
      const location = answer.headers.get("location");
      if (answer.status >= 300 && answer.status < 400 && location && init.redirect !== "manual") {
        if (init.redirect === "error") throw new OutboundRefusedError("redirects", "The address answered with a redirect");
        if (hop >= MAX_REDIRECTS) throw new OutboundRefusedError("redirects", "Too many redirects");
        const next = assertUrlAllowed(new URL(location, url), policy);
        if (next.origin !== url.origin) headers.delete("authorization");
        if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === "POST")) {
          method = "GET";
          body = undefined;
          headers.delete("content-type");
        }
        url = next;
        continue;
      }
      return new Response(answer.status === 204 || answer.status === 304 || method === "HEAD" ? null : new Uint8Array(answer.body), { status: answer.status, statusText: answer.statusText, headers: answer.headers });
    }
  };
  return doFetch as typeof fetch;
}

function requestOnce(url: URL, method: string, headers: Headers, body: Buffer | undefined, signal: AbortSignal, agents: GuardedAgents, maxBytes: number): Promise<{ status: number; statusText: string; headers: Headers; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === "http:" ? http : https;
    const outgoing: Record<string, string> = {};
    headers.forEach((value, name) => (outgoing[name] = value));
    if (body) outgoing["content-length"] = String(body.length);
    const request = lib.request(url, { method, headers: outgoing, agent: url.protocol === "http:" ? agents.httpAgent : agents.httpsAgent, signal }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          response.destroy();
          request.destroy();
          reject(new OutboundRefusedError("too-large", `The answer is larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on("error", reject);
      response.on("end", () => {
        const h = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (Array.isArray(value)) for (const v of value) h.append(name, v);
          else if (value !== undefined) h.set(name, value);
        }
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? "", headers: h, body: Buffer.concat(chunks) });
      });
    });
    request.on("error", reject);
    request.end(body);
  });
}
