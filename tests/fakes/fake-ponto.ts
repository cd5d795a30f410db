import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import selfsigned from "selfsigned";

/**
 * A fake of Ponto Connect (Isabel Group / Ibanity) on 127.0.0.1 — a hypothesis about the vendor, each behaviour
 * with the source it follows (docs/decisions/027-ponto.md has the table of what could and could not be verified):
 *
 * - Mutual TLS. The API (https) requires a client certificate signed by the CA the fake trusts
 *   (`requestCert` + `rejectUnauthorized`): Ibanity issues every integrator a client certificate and its SDKs
 *   present it on every call (ibanity-ruby lib/ibanity/client.rb `certificate:`, `key:`, `key_passphrase:`,
 *   `ssl_ca_file:`). The CA, server and client certificates are generated at start (selfsigned, pure JS) into a
 *   temp dir: `certs.clientCert/clientKey/ca` are what Facto is configured with.
 * - OAuth2 authorization code + PKCE. The authorization page (plain http here, as Ponto's is another host than the
 *   API: authorization.myponto.com vs api.ibanity.com) takes client_id, redirect_uri, response_type=code, scope,
 *   state, code_challenge and code_challenge_method=S256 (RFC 7636 §4.3; Ponto Connect requires PKCE — Ibanity
 *   documentation "Ponto Connect — Authorization", NOT verifiable from the stored corpus), "the merchant consents"
 *   to the accounts set by the test, and the browser is sent to redirect_uri?code=…&state=….
 *   POST /ponto-connect/oauth2/token: HTTP Basic client_id:client_secret and a form body grant_type=
 *   authorization_code|refresh_token, code, redirect_uri, refresh_token (ibanity-ruby ponto_connect/token.rb);
 *   the code_verifier must hash (S256) to the challenge (RFC 7636 §4.6); a code is single-use (RFC 6749 §4.1.2).
 *   Refresh tokens rotate: every refresh returns a new one and the old one is then `invalid_grant` (RFC 6749 §6
 *   allows it; Ponto's documentation says refresh tokens are single-use — NOT verifiable from the stored corpus).
 *   Access tokens expire after 1800 s (expires_in; the value is the fake's choice). POST /ponto-connect/oauth2/revoke
 *   with `token=` (ibanity-ruby Token.delete).
 * - JSON:API resources (pontoconnect_rs, generated from Ponto's OpenAPI: AccountApi, SynchronizationApi,
 *   TransactionApi): GET /ponto-connect/accounts (attributes reference, referenceType, currency, description);
 *   POST /ponto-connect/synchronizations with data.type "synchronization" and attributes resourceType "account",
 *   resourceId, subtype accountTransactions | accountDetails | accountTransactionsWithUnsettled, customerIpAddress
 *   (CreateSynchronizationRequest.md) → status pending → running → success | error, with `errors`
 *   (SynchronizationAttributes.md: "changes from pending to running to success or error"); GET
 *   /ponto-connect/synchronizations/{id}; GET /ponto-connect/accounts/{id}/transactions, newest first, paginated
 *   by page[limit] / page[after] with links.next (JSON:API cursor pagination as Ibanity's collection.rb reads it).
 *   Transactions appear only once a synchronization of the account has run (that is what synchronizations are for).
 *   Amounts are JSON numbers (pontoconnect_rs: `amount: f64`). Bearer access tokens the fake issued only; errors as
 *   `{"errors":[{"code","detail","meta"}]}`.
 * - Webhooks: `pontoConnect.account.transactionsCreated` (ibanity-dotnet WebhooksService.cs types; payload
 *   attributes createdAt, count, relationships account + synchronization + organization — ibanity-dotnet
 *   Models/PontoConnect/AccountTransactionsCreated.cs, ibanity-ruby spec fixture webhooks/example_payload.json)
 *   POSTed with header `Signature`: a JWT {alg: RS512, kid} (ibanity-ruby webhook.rb SIGNING_ALGORITHM = "RS512",
 *   spec fixture example_signature.sig header `{"alg":"RS512","kid":"sandbox_events_signature_1"}`) with claims
 *   aud (application id), digest = Base64 SHA-512 of the body, exp = iat + 60, iat, iss = the API base URI, jti
 *   (the same fixture's claims). Keys: GET /webhooks/keys → {keys: [{kty, n, e, kid, alg, use: "sig", status:
 *   "ACTIVE"}]} (ibanity-dotnet Jwt/JwksService.cs filters on use and status). The header name `Signature` follows
 *   Ibanity's webhook documentation — NOT verifiable from the stored corpus (the SDKs take the header's value as a
 *   parameter).
 * Test controls (not Ponto's) on the http port: /_control/….
 */

export interface FakePontoTransaction {
  id: string;
  amount: string;
  currency: string;
  executionDate: string;
  valueDate: string;
  remittanceInformation: string;
  remittanceInformationType: "structured" | "unstructured";
  counterpartName: string | null;
  counterpartReference: string | null;
  description: string;
}

interface Account {
  id: string;
  reference: string;
  currency: string;
  description: string;
  /** At the bank, not yet synchronised into Ponto. */
  bank: FakePontoTransaction[];
  /** What Ponto shows (newest first). */
  visible: FakePontoTransaction[];
}

interface Synchronization {
  id: string;
  accountId: string;
  subtype: string;
  status: "pending" | "running" | "success" | "error";
  errors: Array<{ code: string; detail: string }>;
  createdAt: string;
  polls: number;
  created: number;
}

interface Organization {
  id: string;
  accounts: Map<string, Account>;
  /** Set by a test: the consent is gone at the bank (synchronizations fail, refresh is refused). */
  consentRevoked: boolean;
}

export interface FakePonto {
  /** The mTLS API base (what PONTO_API_BASE_URL is set to). */
  apiUrl: string;
  /** Ponto's authorization page (PONTO_AUTHORIZE_URL). */
  authorizeUrl: string;
  /** The test controls' base (plain http). */
  controlUrl: string;
  clientId: string;
  clientSecret: string;
  applicationId: string;
  certs: { dir: string; ca: string; clientCert: string; clientKey: string; caPath: string; clientCertPath: string; clientKeyPath: string };
  close: () => Promise<void>;
}

const JSON_API = "application/vnd.api+json";
const ACCESS_TTL_S = 1800;

/** JSON with the amounts written as JSON numbers of their exact decimal text (as Ponto sends them). */
function jsonWithNumbers(value: unknown): string {
  return JSON.stringify(value).replace(/"__num__(-?\d+(?:\.\d+)?)"/g, "$1");
}

async function makeCerts() {
  const dir = mkdtempSync(path.join(tmpdir(), "fake-ponto-"));
  const ca = await selfsigned.generate([{ name: "commonName", value: "Fake Ibanity CA" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "basicConstraints", cA: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true }],
  } as Parameters<typeof selfsigned.generate>[1]);
  const server = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    algorithm: "sha256",
    ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: "basicConstraints", cA: false }, { name: "keyUsage", digitalSignature: true, keyEncipherment: true }, { name: "extKeyUsage", serverAuth: true }, { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] }],
  } as Parameters<typeof selfsigned.generate>[1]);
  const client = await selfsigned.generate([{ name: "commonName", value: "facto-test-integrator" }], {
    keySize: 2048,
    algorithm: "sha256",
    ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: "basicConstraints", cA: false }, { name: "keyUsage", digitalSignature: true, keyEncipherment: true }, { name: "extKeyUsage", clientAuth: true }],
  } as Parameters<typeof selfsigned.generate>[1]);
  const files = { caPath: path.join(dir, "ca.pem"), clientCertPath: path.join(dir, "client-cert.pem"), clientKeyPath: path.join(dir, "client-key.pem") };
  writeFileSync(files.caPath, ca.cert);
  writeFileSync(files.clientCertPath, client.cert);
  writeFileSync(files.clientKeyPath, client.private, { mode: 0o600 });
  return { dir, ca: ca.cert, server, clientCert: client.cert, clientKey: client.private, ...files };
}

export interface SignOptions {
  /** Sign with another key than the published one (a forgery). */
  key?: KeyObject;
  /** Claim a digest of another body. */
  digestOf?: string;
  /** Seconds since the signature was issued (expired when > 60 + tolerance). */
  age?: number;
  alg?: "RS512" | "RS256";
  kid?: string;
}

export async function startFakePonto(options: { apiPort?: number; controlPort?: number } = {}): Promise<FakePonto> {
  const certs = await makeCerts();
  const clientId = `ponto-client-${randomBytes(4).toString("hex")}`;
  const clientSecret = randomBytes(16).toString("hex");
  const applicationId = randomUUID();
  const signing = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = "fake_events_signature_1";

  const orgs = new Map<string, Organization>();
  const codes = new Map<string, { orgId: string; challenge: string; redirectUri: string; clientId: string; used: boolean; at: number }>();
  const accessTokens = new Map<string, { orgId: string; expiresAt: number }>();
  const refreshTokens = new Map<string, { orgId: string; used: boolean }>();
  const syncs = new Map<string, Synchronization & { orgId: string }>();
  const log: Array<{ method: string; path: string; clientCertificate: boolean; status: number }> = [];
  let nextConsent: Array<{ reference: string; currency?: string; description?: string }> = [{ reference: "BE68539007547034", currency: "EUR", description: "Current account" }];
  let denyNextConsent = false;
  let apiUrl = "";
  let controlUrl = "";
  const stats = { authorizations: 0, codeExchanges: 0, refreshes: 0, revocations: 0, synchronizations: 0, webhooksSent: 0, rejectedTokenRequests: 0 };

  const send = (res: ServerResponse, status: number, body: unknown, type = JSON_API) => {
    const text = typeof body === "string" ? body : jsonWithNumbers(body);
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  const apiError = (res: ServerResponse, status: number, code: string, detail: string) => send(res, status, { errors: [{ code, detail, meta: {} }] });
  const readBody = (req: IncomingMessage) => new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
  const bearer = (req: IncomingMessage): Organization | null => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
    const t = m ? accessTokens.get(m[1]!) : undefined;
    if (!t || t.expiresAt <= Date.now()) return null;
    return orgs.get(t.orgId) ?? null;
  };
  const issueTokens = (orgId: string) => {
    const access = `ponto_at_${randomBytes(24).toString("base64url")}`;
    const refresh = `ponto_rt_${randomBytes(24).toString("base64url")}`;
    accessTokens.set(access, { orgId, expiresAt: Date.now() + ACCESS_TTL_S * 1000 });
    refreshTokens.set(refresh, { orgId, used: false });
    return { access_token: access, refresh_token: refresh, expires_in: ACCESS_TTL_S, token_type: "bearer", scope: "ai offline_access" };
  };
  const accountView = (a: Account) => ({ type: "account", id: a.id, attributes: { reference: a.reference, referenceType: "IBAN", currency: a.currency, description: a.description, currentBalance: "__num__0.00", availableBalance: "__num__0.00" }, links: { self: `${apiUrl}/ponto-connect/accounts/${a.id}` } });
  const txView = (a: Account, t: FakePontoTransaction) => ({
    type: "transaction",
    id: t.id,
    attributes: { amount: `__num__${t.amount}`, currency: t.currency, executionDate: t.executionDate, valueDate: t.valueDate, remittanceInformation: t.remittanceInformation, remittanceInformationType: t.remittanceInformationType, counterpartName: t.counterpartName, counterpartReference: t.counterpartReference, description: t.description, bankTransactionCode: "PMNT-RCDT-ESCT", internalReference: t.id.slice(0, 8) },
    relationships: { account: { data: { id: a.id, type: "account" }, links: { related: `${apiUrl}/ponto-connect/accounts/${a.id}` } } },
  });
  const syncView = (s: Synchronization) => ({ data: { type: "synchronization", id: s.id, attributes: { resourceType: "account", resourceId: s.accountId, subtype: s.subtype, status: s.status, errors: s.errors, createdAt: s.createdAt, updatedAt: new Date().toISOString() } } });
  /** A synchronization moves on each time it is looked at: pending → running → success (the bank's new transactions become visible). */
  const advance = (s: Synchronization & { orgId: string }) => {
    const org = orgs.get(s.orgId)!;
    if (s.status === "pending") s.status = "running";
    else if (s.status === "running") {
      if (org.consentRevoked) {
        s.status = "error";
        s.errors = [{ code: "authorizationInvalid", detail: "The authorization with the financial institution has expired" }];
        return;
      }
      const account = org.accounts.get(s.accountId)!;
      s.created = account.bank.length;
      account.visible.unshift(...account.bank.splice(0).reverse());
      s.status = "success";
    }
  };

  // ---------------------------------------------------------------- the API (mutual TLS)
  const api: HttpsServer = createHttpsServer({ key: certs.server.private, cert: certs.server.cert, ca: [certs.ca], requestCert: true, rejectUnauthorized: true }, async (req, res) => {
    const url = new URL(req.url ?? "/", apiUrl);
    const clientCertificate = (req.socket as TLSSocket).authorized === true;
    const done = (status: number) => log.push({ method: req.method ?? "", path: url.pathname, clientCertificate, status });
    res.on("finish", () => done(res.statusCode));
    try {
      if (!clientCertificate) return apiError(res, 403, "clientCertificateRequired", "A client certificate is required");
      // ---- OAuth2
      if (req.method === "POST" && url.pathname === "/ponto-connect/oauth2/token") {
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
        const [id, secret] = basic ? Buffer.from(basic[1]!, "base64").toString().split(":") : [];
        if (id !== clientId || secret !== clientSecret) {
          stats.rejectedTokenRequests++;
          return send(res, 401, { error: "invalid_client" }, "application/json");
        }
        const form = new URLSearchParams(await readBody(req));
        if (form.get("grant_type") === "authorization_code") {
          const code = codes.get(form.get("code") ?? "");
          const verifier = form.get("code_verifier") ?? "";
          const challenge = createHash("sha256").update(verifier).digest("base64url");
          if (!code || code.used || Date.now() - code.at > 10 * 60_000 || code.redirectUri !== form.get("redirect_uri") || code.clientId !== id) {
            stats.rejectedTokenRequests++;
            return send(res, 400, { error: "invalid_grant", error_description: "The authorization code is invalid, used or expired" }, "application/json");
          }
          // RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge
          if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || challenge !== code.challenge) {
            stats.rejectedTokenRequests++;
            return send(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" }, "application/json");
          }
          code.used = true;
          stats.codeExchanges++;
          return send(res, 200, issueTokens(code.orgId), "application/json");
        }
        if (form.get("grant_type") === "refresh_token") {
          const r = refreshTokens.get(form.get("refresh_token") ?? "");
          if (!r || r.used || orgs.get(r.orgId)?.consentRevoked) {
            stats.rejectedTokenRequests++;
            return send(res, 400, { error: "invalid_grant", error_description: "The refresh token is invalid" }, "application/json");
          }
          r.used = true; // rotation: a refresh token works once
          stats.refreshes++;
          return send(res, 200, issueTokens(r.orgId), "application/json");
        }
        return send(res, 400, { error: "unsupported_grant_type" }, "application/json");
      }
      if (req.method === "POST" && url.pathname === "/ponto-connect/oauth2/revoke") {
        const form = new URLSearchParams(await readBody(req));
        const r = refreshTokens.get(form.get("token") ?? "");
        if (r) r.used = true;
        stats.revocations++;
        return send(res, 200, "", "application/json");
      }
      if (req.method === "GET" && url.pathname === "/webhooks/keys") {
        const jwk = signing.publicKey.export({ format: "jwk" }) as { n: string; e: string };
        return send(res, 200, { keys: [{ kty: "RSA", n: jwk.n, e: jwk.e, kid, alg: "RS512", use: "sig", status: "ACTIVE" }] }, "application/json");
      }
      // ---- resources (Bearer)
      if (!url.pathname.startsWith("/ponto-connect/")) return apiError(res, 404, "resourceNotFound", "Not found");
      const org = bearer(req);
      if (!org) return apiError(res, 401, "unauthorized", "The access token is invalid or expired");
      if (req.method === "GET" && url.pathname === "/ponto-connect/accounts") {
        return send(res, 200, { data: [...org.accounts.values()].map(accountView), links: { first: `${apiUrl}/ponto-connect/accounts` }, meta: { paging: { limit: 100 } } });
      }
      if (req.method === "POST" && url.pathname === "/ponto-connect/synchronizations") {
        let body: { data?: { type?: string; attributes?: { resourceType?: string; resourceId?: string; subtype?: string } } };
        try {
          body = JSON.parse(await readBody(req));
        } catch {
          return apiError(res, 400, "invalidJson", "The body is not JSON");
        }
        const a = body.data?.attributes;
        if (body.data?.type !== "synchronization" || a?.resourceType !== "account" || !a.resourceId) return apiError(res, 400, "validationError", "data.type must be synchronization with resourceType account and resourceId");
        if (!["accountTransactions", "accountDetails", "accountTransactionsWithUnsettled"].includes(a.subtype ?? "")) return apiError(res, 400, "validationError", "subtype is invalid");
        if (!org.accounts.has(a.resourceId)) return apiError(res, 404, "resourceNotFound", "Account not found");
        const s = { id: randomUUID(), accountId: a.resourceId, subtype: a.subtype!, status: "pending" as const, errors: [], createdAt: new Date().toISOString(), polls: 0, created: 0, orgId: org.id };
        syncs.set(s.id, s);
        stats.synchronizations++;
        return send(res, 201, syncView(s));
      }
      const syncMatch = /^\/ponto-connect\/synchronizations\/([0-9a-f-]{36})$/.exec(url.pathname);
      if (req.method === "GET" && syncMatch) {
        const s = syncs.get(syncMatch[1]!);
        if (!s || s.orgId !== org.id) return apiError(res, 404, "resourceNotFound", "Synchronization not found");
        advance(s);
        return send(res, 200, syncView(s));
      }
      const txMatch = /^\/ponto-connect\/accounts\/([0-9a-f-]{36})\/transactions$/.exec(url.pathname);
      if (req.method === "GET" && txMatch) {
        const account = org.accounts.get(txMatch[1]!);
        if (!account) return apiError(res, 404, "resourceNotFound", "Account not found");
        const limit = Math.min(Math.max(Number(url.searchParams.get("page[limit]") ?? "10") || 10, 1), 100);
        const after = url.searchParams.get("page[after]");
        const start = after ? account.visible.findIndex((t) => t.id === after) + 1 : 0;
        const page = account.visible.slice(start, start + limit);
        const more = start + limit < account.visible.length;
        const next = more ? `${apiUrl}/ponto-connect/accounts/${account.id}/transactions?page[limit]=${limit}&page[after]=${page.at(-1)!.id}` : undefined;
        return send(res, 200, { data: page.map((t) => txView(account, t)), links: { first: `${apiUrl}/ponto-connect/accounts/${account.id}/transactions?page[limit]=${limit}`, ...(next ? { next } : {}) }, meta: { paging: { limit, ...(after ? { after } : {}) } } });
      }
      return apiError(res, 404, "resourceNotFound", "Not found");
    } catch (error) {
      apiError(res, 500, "internal", String(error));
    }
  });

  const signBody = (body: string, o: SignOptions = {}) => {
    const iat = Math.floor(Date.now() / 1000) - (o.age ?? 0);
    const header = Buffer.from(JSON.stringify({ alg: o.alg ?? "RS512", kid: o.kid ?? kid })).toString("base64url");
    const claims = Buffer.from(JSON.stringify({ aud: applicationId, digest: createHash("sha512").update(o.digestOf ?? body).digest("base64"), exp: iat + 60, iat, iss: apiUrl, jti: randomUUID() })).toString("base64url");
    const signature = sign((o.alg ?? "RS512") === "RS512" ? "sha512" : "sha256", Buffer.from(`${header}.${claims}`), o.key ?? signing.privateKey).toString("base64url");
    return `${header}.${claims}.${signature}`;
  };

  // ---------------------------------------------------------------- authorization page and test controls (http)
  const control = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? "/", controlUrl);
    try {
      if (req.method === "GET" && url.pathname === "/oauth2/auth") {
        const p = url.searchParams;
        const redirectUri = p.get("redirect_uri") ?? "";
        if (p.get("client_id") !== clientId || !/^https?:\/\//.test(redirectUri)) return send(res, 400, "unknown client or redirect_uri", "text/plain");
        if (p.get("response_type") !== "code" || p.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(p.get("code_challenge") ?? "") || !p.get("state")) return send(res, 400, "response_type=code, state and a S256 code_challenge are required", "text/plain");
        const back = new URL(redirectUri);
        back.searchParams.set("state", p.get("state")!);
        if (denyNextConsent) {
          denyNextConsent = false;
          back.searchParams.set("error", "access_denied");
        } else {
          const org: Organization = { id: randomUUID(), accounts: new Map(), consentRevoked: false };
          for (const a of nextConsent) {
            const id = randomUUID();
            org.accounts.set(id, { id, reference: a.reference, currency: a.currency ?? "EUR", description: a.description ?? "", bank: [], visible: [] });
          }
          orgs.set(org.id, org);
          const code = randomBytes(24).toString("base64url");
          codes.set(code, { orgId: org.id, challenge: p.get("code_challenge")!, redirectUri, clientId, used: false, at: Date.now() });
          back.searchParams.set("code", code);
          stats.authorizations++;
        }
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      const body = req.method === "POST" ? await readBody(req) : "";
      const input = body ? JSON.parse(body) : {};
      if (req.method === "POST" && url.pathname === "/_control/next-consent") {
        nextConsent = input.accounts;
        denyNextConsent = Boolean(input.deny);
        return send(res, 200, { ok: true }, "application/json");
      }
      if (req.method === "GET" && url.pathname === "/_control/state") {
        return send(res, 200, {
          stats,
          log,
          organizations: [...orgs.values()].map((o) => ({ id: o.id, consentRevoked: o.consentRevoked, accounts: [...o.accounts.values()].map((a) => ({ id: a.id, reference: a.reference, bank: a.bank.length, visible: a.visible.length })) })),
        }, "application/json");
      }
      /** A transfer arrives at the bank: Ponto shows it after the next synchronization of the account. */
      const addTx = /^\/_control\/accounts\/([^/]+)\/transactions$/.exec(url.pathname);
      if (req.method === "POST" && addTx) {
        const account = [...orgs.values()].flatMap((o) => [...o.accounts.values()]).find((a) => a.id === addTx[1] || a.reference === addTx[1]);
        if (!account) return send(res, 404, { error: "no such account" }, "application/json");
        const day = input.date ?? new Date().toISOString().slice(0, 10);
        // Ponto's dates are midnight in Belgium, as UTC timestamps (winter: 23:00 the day before).
        const midnight = new Date(`${day}T00:00:00+01:00`).toISOString();
        const t: FakePontoTransaction = { id: randomUUID(), amount: input.amount, currency: input.currency ?? account.currency, executionDate: midnight, valueDate: midnight, remittanceInformation: input.remittanceInformation ?? "", remittanceInformationType: input.remittanceInformationType ?? "unstructured", counterpartName: input.counterpartName ?? null, counterpartReference: input.counterpartReference ?? null, description: input.description ?? "Credit transfer" };
        account.bank.push(t);
        return send(res, 200, { id: t.id, accountId: account.id }, "application/json");
      }
      if (req.method === "POST" && url.pathname === "/_control/expire-access-tokens") {
        for (const t of accessTokens.values()) t.expiresAt = 0;
        return send(res, 200, { ok: true }, "application/json");
      }
      if (req.method === "POST" && url.pathname === "/_control/revoke-consent") {
        for (const o of orgs.values()) if (!input.accountReference || [...o.accounts.values()].some((a) => a.reference === input.accountReference)) o.consentRevoked = true;
        return send(res, 200, { ok: true }, "application/json");
      }
      /**
       * Ponto synchronises an account on its own (its daily synchronization) and, if that created transactions,
       * POSTs a signed pontoConnect.account.transactionsCreated to `url`. `forge` sends a forged one instead.
       */
      if (req.method === "POST" && url.pathname === "/_control/webhook") {
        const account = [...orgs.values()].flatMap((o) => [...o.accounts.values()].map((a) => ({ o, a }))).find(({ a }) => a.id === input.accountId || a.reference === input.accountId);
        if (!account) return send(res, 404, { error: "no such account" }, "application/json");
        const s = { id: randomUUID(), accountId: account.a.id, subtype: "accountTransactions", status: "running" as Synchronization["status"], errors: [], createdAt: new Date().toISOString(), polls: 0, created: 0, orgId: account.o.id };
        syncs.set(s.id, s);
        advance(s);
        const event = {
          data: {
            type: "pontoConnect.account.transactionsCreated",
            id: randomUUID(),
            attributes: { createdAt: new Date().toISOString(), count: s.created },
            relationships: { account: { data: { id: account.a.id, type: "account" } }, synchronization: { data: { id: s.id, type: "synchronization" } }, organization: { data: { id: account.o.id, type: "organization" } } },
          },
        };
        const payload = JSON.stringify(event);
        let signature = signBody(payload);
        if (input.forge === "key") signature = signBody(payload, { key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey });
        if (input.forge === "digest") signature = signBody(payload, { digestOf: `${payload} ` });
        if (input.forge === "expired") signature = signBody(payload, { age: 600 });
        if (input.forge === "none") signature = "";
        const answer = await fetch(input.url, { method: "POST", headers: { "content-type": "application/json", ...(signature ? { signature } : {}) }, body: payload });
        stats.webhooksSent++;
        return send(res, 200, { status: answer.status, eventId: event.data.id, created: s.created }, "application/json");
      }
      return send(res, 404, { error: "not found" }, "application/json");
    } catch (error) {
      send(res, 500, { error: String(error) }, "application/json");
    }
  });

  await new Promise<void>((r) => api.listen(options.apiPort ?? 0, "127.0.0.1", r));
  await new Promise<void>((r) => control.listen(options.controlPort ?? 0, "127.0.0.1", r));
  apiUrl = `https://127.0.0.1:${(api.address() as AddressInfo).port}`;
  controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  return {
    apiUrl,
    authorizeUrl: `${controlUrl}/oauth2/auth`,
    controlUrl,
    clientId,
    clientSecret,
    applicationId,
    certs: { dir: certs.dir, ca: certs.ca, clientCert: certs.clientCert, clientKey: certs.clientKey, caPath: certs.caPath, clientCertPath: certs.clientCertPath, clientKeyPath: certs.clientKeyPath },
    close: async () => {
      api.closeAllConnections();
      control.closeAllConnections();
      await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => control.close(r))]);
    },
  };
}
