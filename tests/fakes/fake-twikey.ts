import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake Twikey creditor API on 127.0.0.1 (base URL `<url>/creditor`), following its contract —
 * Twikey's OpenAPI description (../shared/contracts/twikey/swagger.yml, "swagger" below), its SDKs
 * (github.com/twikey/twikey-api-{go,php,python,java,node}) and its support articles. Every behaviour
 * Facto depends on cites its source; twikey-openapi.test.ts checks the fake's bodies against swagger.
 *
 * - Login: form apiToken → token in the Authorization header (24 h). A refused key is HTTP 200 with
 *   ApiError / ApiErrorCode headers and no token (swagger `/creditor` post, response 200: "the http
 *   status is ** always ** 200 ... "ApiError" and "ApiErrorCode" ... added on every response that
 *   contains errors"). Calls without a session get 401 + `ApiError: err_no_login` (twikey-api-go
 *   twikey.go: `res.Header.Get("Apierror") == "err_no_login"` → log in again).
 * - Invitations with a hosted signing page a browser can "sign"; the customer number comes back in
 *   the feed as Mndt.Dbtr.CtctDtls.Othr (twikey-api-python model/document_response.py).
 * - After signing, the shopper goes to the template's exit URL with its placeholders filled in and
 *   nothing appended (support article "How to define a thank-you page": {0}/{{mandateNumber}},
 *   {1}/{{status}}, {3}/{{s}} = signature over "mandate/status", hex; "You cannot mix both formats").
 * - Transactions are only queued (swagger `POST /creditor/transaction`: "Add transaction to an
 *   existing mandate"); the bank sees them after `POST /creditor/collect` ("Prepare a collection file
 *   and sent to collecting agent") — or at once when the creditor turned on automatic sending
 *   (config.autoSend; twikey-api-php SubscriptionGateway: "If you opted for the automatic sending
 *   this will be collected as soon as the bank permits it"). settle() refuses an unsent transaction.
 * - The transaction feed carries `final` and `state` (swagger `GET /creditor/transaction` example:
 *   `"final": false, "state": "ERROR", "bkerror": "MS03"` next to a final ERROR AC04).
 * - Webhooks to the creditor's callback URL: GET + query string with X-Signature (uppercase hex
 *   HMAC-SHA256, key = API key, over the URL-decoded query; twikey-api-php Twikey::validateWebhook).
 * Test controls: configure(), settle(), suspend(), endInvitation(), or POST /_control/... over HTTP.
 */
export interface FakeTwikeyConfig {
  apiKey: string;
  websiteKey: string;
  webhookUrl: string | null;
  /** The contract templates' exit URL ("thank-you page"), placeholders and all, as the merchant pasted it. */
  exitUrl: string | null;
  /** The creditor's "automatic sending" setting: transactions go to the bank without a collect call. */
  autoSend: boolean;
}

export interface FakeTwikeyMandate {
  mndtId: string;
  key: string;
  template: string;
  state: "PREPARED" | "SIGNED" | "SUSPENDED" | "CANCELLED" | "REMOVED";
  scheme: "CORE" | "B2B";
  name: string;
  email: string | null;
  customerNumber: string | null;
  iban: string | null;
  bic: string | null;
  language: string;
}

export interface FakeTwikeyTransaction {
  id: number;
  mndtId: string;
  amount: string;
  msg: string;
  ref: string;
  state: "OPEN" | "PAID" | "ERROR";
  final: boolean;
  /** The collection (POST /creditor/collect) that sent it to the bank; null while only queued. */
  collection: string | null;
  bkerror: string | null;
  bkmsg: string | null;
  bkdate: string | null;
}

export interface FakeTwikey {
  url: string;
  baseUrl: string;
  config: FakeTwikeyConfig;
  configure: (c: Partial<FakeTwikeyConfig>) => void;
  mandates: Map<string, FakeTwikeyMandate>;
  transactions: Map<number, FakeTwikeyTransaction>;
  webhookCalls: { query: string; status: number | string }[];
  logins: number;
  /** The bank's answer for a sent transaction; an ERROR with `final: false` is one Twikey will present again. */
  settle: (id: number, state: "PAID" | "ERROR", bankError?: { code: string; message: string }, options?: { final?: boolean }) => Promise<void>;
  /** The creditor suspends a signed mandate: an amendment in the mandate feed, not a new signature. */
  suspend: (mndtId: string) => Promise<void>;
  /** An unsigned invitation is removed or expires: Twikey's `Invite` webhook with that reason. */
  endInvitation: (mndtId: string, reason: "removed" | "expired") => Promise<void>;
  collections: { msgId: string; template: string; date: string; mndtIds: string[]; transactions: number[] }[];
  /** Twikey forgets every session token (as after its 24 h): the next call answers err_no_login. */
  forgetSessions: () => void;
  close: () => Promise<void>;
}

const hmacHex = (key: string, message: string) => createHmac("sha256", key).update(message).digest("hex").toUpperCase();

export async function startFakeTwikey(options: { port?: number; apiKey?: string; websiteKey?: string } = {}): Promise<FakeTwikey> {
  const config: FakeTwikeyConfig = { apiKey: options.apiKey ?? `tk_${randomBytes(12).toString("hex")}`, websiteKey: options.websiteKey ?? `wk_${randomBytes(12).toString("hex")}`, webhookUrl: null, exitUrl: null, autoSend: false };
  const collections: FakeTwikey["collections"] = [];
  const tokens = new Set<string>();
  const mandates = new Map<string, FakeTwikeyMandate>();
  const transactions = new Map<number, FakeTwikeyTransaction>();
  const mandateFeed: { seq: number; message: Record<string, unknown> }[] = [];
  const transactionFeed: { seq: number; id: number }[] = [];
  const idempotent = new Map<string, unknown>();
  const webhookCalls: FakeTwikey["webhookCalls"] = [];
  let seq = 100;
  let nextMandate = 1;
  let nextTransaction = 9000;
  let url = "";
  const state = { logins: 0 };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) => json(res, status, { code, message, extra: "" }, { ApiErrorCode: code });

  const readForm = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
  };

  async function webhook(query: string) {
    if (!config.webhookUrl) return;
    const signature = hmacHex(config.apiKey, decodeURIComponent(query));
    try {
      const response = await fetch(`${config.webhookUrl}?${query}`, { headers: { "X-Signature": signature } });
      webhookCalls.push({ query, status: response.status });
      await response.arrayBuffer();
    } catch (e) {
      webhookCalls.push({ query, status: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * A mandate feed message (swagger definitions/Mandate and the `GET /creditor/mandate` example):
   * CxlRsn for a cancel, AmdmntRsn for an amendment, with OrgnlMndtId (twikey-api-go MandateUpdate;
   * twikey-api-python document.py reads msg["OrgnlMndtId"] and AmdmntRsn.Orgtr.CtctDtls.EmailAdr).
   */
  function mandateMessage(m: FakeTwikeyMandate, kind: "new" | "cancelled" | "suspended") {
    return {
      Mndt: {
        MndtId: m.mndtId,
        LclInstrm: m.scheme,
        // The customer number is CtctDtls.Othr (twikey-api-python document_response.py `ctct.get("Othr")`).
        Dbtr: { Nm: m.name, CtctDtls: { EmailAdr: m.email, ...(m.customerNumber ? { Othr: m.customerNumber } : {}) } },
        DbtrAcct: m.iban,
        DbtrAgt: { FinInstnId: { BICFI: m.bic } },
        // swagger example: SplmtryData [{Key: "SignerPlace#0"}, {Key: "SignerDate#0"}] — no customer number there.
        SplmtryData: [{ Key: "SignerDate#0", Value: new Date().toISOString() }],
      },
      EvtTime: new Date().toISOString(),
      EvtId: seq,
      ...(kind === "cancelled" ? { CxlRsn: { Rsn: "MD01", Orgtr: { CtctDtls: { EmailAdr: "creditor@example.com" } } }, OrgnlMndtId: m.mndtId } : {}),
      // ⚠ The reason text of a suspension is in neither swagger nor the SDKs (the Go SDK calls the
      // state "passive": "active or passive (activated or suspend mandate)"); issue #16 says Twikey
      // sends amendments with a suspension reason. The fake writes "Suspended".
      ...(kind === "suspended" ? { AmdmntRsn: { Rsn: "Suspended", Orgtr: { CtctDtls: { EmailAdr: "creditor@example.com" } } }, OrgnlMndtId: m.mndtId } : {}),
    };
  }

  /** Twikey fills the exit URL's placeholders (nominal or positional) and appends nothing. */
  function exitUrlFor(m: FakeTwikeyMandate, status: string): string | null {
    if (!config.exitUrl) return null;
    const s = hmacHex(config.websiteKey, `${m.mndtId}/${status}`); // "Signature over mandate and status, separated by a slash (hex encoded)"
    const values: Record<string, string> = { mandateNumber: m.mndtId, status, s, "0": m.mndtId, "1": status, "3": s };
    return config.exitUrl.replace(/\{\{(\w+)\}\}|\{(\d)\}/g, (whole, name?: string, index?: string) => (values[name ?? index ?? ""] === undefined ? whole : encodeURIComponent(values[name ?? index ?? ""]!)));
  }

  async function settle(id: number, newState: "PAID" | "ERROR", bankError?: { code: string; message: string }, settleOptions: { final?: boolean } = {}) {
    const t = transactions.get(id);
    if (!t) throw new Error(`fake Twikey: no transaction ${id}`);
    // Only a transaction in a collection sent to the bank gets the bank's answer.
    if (!t.collection) throw new Error(`fake Twikey: transaction ${id} was never sent to the bank (no collect)`);
    t.state = newState;
    t.final = newState === "PAID" || settleOptions.final !== false;
    t.bkdate = new Date().toISOString().slice(0, 10);
    if (newState === "ERROR") {
      t.bkerror = bankError?.code ?? "AC04";
      t.bkmsg = bankError?.message ?? "Closed account number";
    } else {
      t.bkerror = null;
      t.bkmsg = null;
    }
    transactionFeed.push({ seq: ++seq, id });
    await webhook(`type=payment&id=${id}&ref=${encodeURIComponent(t.ref)}&status=${newState.toLowerCase()}`);
  }

  async function suspend(mndtId: string) {
    const mandate = mandates.get(mndtId);
    if (!mandate || mandate.state !== "SIGNED") throw new Error(`fake Twikey: no signed mandate ${mndtId}`);
    mandate.state = "SUSPENDED";
    seq++;
    mandateFeed.push({ seq, message: mandateMessage(mandate, "suspended") });
    await webhook(`type=contract&mandateNumber=${encodeURIComponent(mndtId)}&event=Update`);
  }

  /**
   * ⚠ The `Invite` event with reason removed|expired is quoted from issue #16 ("`Invite` webhooks
   * with `reason=removed|expired` end an unsigned mandate"); the stored support article on webhook
   * scopes (support.twikey.com/creditor/settings/api/api_scopes.html) lists the contract events
   * (Sign, Update, Cancel, ...) without this one. An unsigned mandate never enters the mandate feed.
   */
  async function endInvitation(mndtId: string, reason: "removed" | "expired") {
    const mandate = mandates.get(mndtId);
    if (!mandate || mandate.state !== "PREPARED") throw new Error(`fake Twikey: no unsigned invitation ${mndtId}`);
    mandate.state = "REMOVED";
    await webhook(`type=contract&mandateNumber=${encodeURIComponent(mndtId)}&event=Invite&reason=${reason}`);
  }

  /** A collection file with the queued transactions of a template (only those mandates when given). */
  function collect(template: string, date: string, mndtIds: string[]) {
    const sent = [...transactions.values()].filter((t) => !t.collection && mandates.get(t.mndtId)?.template === template && (mndtIds.length === 0 || mndtIds.includes(t.mndtId)));
    const msgId = `COLL${collections.length + 1}`;
    for (const t of sent) t.collection = msgId;
    collections.push({ msgId, template, date, mndtIds, transactions: sent.map((t) => t.id) });
    return msgId;
  }

  /**
   * The contract template of a request: `ct`, Twikey's numeric id (swagger: type integer / number), or
   * `tc`, the template code (twikey-api-go transaction.go sends `tc` when the template is not numeric).
   */
  function templateOf(form: URLSearchParams): string | null {
    const ct = form.get("ct");
    if (ct !== null) return /^\d+$/.test(ct) ? ct : null;
    return form.get("tc") || null;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) error(res, 500, "err_internal", String(e));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const requestUrl = new URL(req.url ?? "/", url);
    const path = requestUrl.pathname;
    const method = req.method ?? "GET";

    if (path.startsWith("/_control")) {
      if (path === "/_control/config" && method === "POST") {
        const form = Object.fromEntries(await readForm(req));
        Object.assign(config, form, "autoSend" in form ? { autoSend: form.autoSend === "true" } : {});
        return json(res, 200, config);
      }
      const m = /^\/_control\/transactions\/(\d+)$/.exec(path);
      if (m && method === "POST") {
        const form = await readForm(req);
        await settle(Number(m[1]), (form.get("state") as "PAID" | "ERROR") ?? "PAID", form.get("bkerror") ? { code: form.get("bkerror")!, message: form.get("bkmsg") ?? "" } : undefined, { final: form.get("final") !== "false" });
        return json(res, 200, transactions.get(Number(m[1])));
      }
      if (path === "/_control/state") return json(res, 200, { mandates: [...mandates.values()], transactions: [...transactions.values()], collections, webhookCalls });
      return error(res, 404, "err_not_found", "unknown control");
    }

    // The hosted signing page (a browser "signs" here).
    const sign = /^\/sign\/([A-Za-z0-9]+)$/.exec(path);
    if (sign) {
      const mandate = [...mandates.values()].find((x) => x.key === sign[1]);
      if (!mandate) {
        res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" });
        return res.end("<!doctype html><h1>Unknown invitation</h1>");
      }
      if (method === "POST") {
        const form = await readForm(req);
        mandate.state = "SIGNED";
        mandate.iban = (form.get("iban") ?? "BE68539007547034").replace(/\s/g, "");
        mandate.bic = "GKCCBEBB";
        mandate.name = form.get("name") || mandate.name;
        seq++;
        mandateFeed.push({ seq, message: mandateMessage(mandate, "new") });
        await webhook(`type=contract&mandateNumber=${encodeURIComponent(mandate.mndtId)}&event=Sign`);
        const exit = exitUrlFor(mandate, "ok");
        res.writeHead(exit ? 303 : 200, exit ? { Location: exit } : { "Content-Type": "text/html; charset=utf-8" });
        return res.end(exit ? "" : "<!doctype html><h1>Mandate signed</h1>");
      }
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(`<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Twikey — sign your mandate</title></head><body style="font-family:sans-serif;max-width:420px;margin:2rem auto">
<p><strong>Twikey</strong> (fake) — SEPA Direct Debit mandate ${mandate.mndtId} (${mandate.scheme})</p>
<form method="post"><label>Name <input name="name" value="${mandate.name.replace(/"/g, "&quot;")}"></label><br><label>IBAN <input name="iban" value="BE68 5390 0754 7034"></label><br><button type="submit">Sign mandate</button></form></body></html>`);
    }

    if (!path.startsWith("/creditor")) return error(res, 404, "err_not_found", "Not found");
    const route = path.slice("/creditor".length) || "/";

    if (route === "/" && method === "POST") {
      const form = await readForm(req);
      if (form.get("apiToken") !== config.apiKey) {
        // swagger `/creditor` post: "the http status is ** always ** 200" — the error is in ApiError / ApiErrorCode.
        return json(res, 200, { code: "err_invalid_apitoken", message: "Invalid API token" }, { ApiError: "err_invalid_apitoken", ApiErrorCode: "err_invalid_apitoken" });
      }
      const token = randomBytes(16).toString("hex");
      tokens.add(token);
      state.logins++;
      res.writeHead(200, { "Content-Type": "application/json", Authorization: token });
      return res.end(JSON.stringify({ Authorization: token }));
    }
    const auth = req.headers.authorization ?? "";
    if (!tokens.has(auth)) {
      res.writeHead(401, { "Content-Type": "application/json", ApiError: "err_no_login" });
      return res.end(JSON.stringify({ code: "err_no_login", message: "Not logged in" }));
    }

    if (route === "/invite" && method === "POST") {
      const form = await readForm(req);
      const template = templateOf(form);
      if (!template) return error(res, 400, "err_invalid_params", "ct is required (a number) or tc");
      const mandate: FakeTwikeyMandate = {
        mndtId: `MNDT${String(nextMandate++).padStart(5, "0")}`,
        key: randomBytes(8).toString("hex"),
        template,
        state: "PREPARED",
        scheme: template.toUpperCase().includes("B2B") ? "B2B" : "CORE",
        name: [form.get("firstname"), form.get("lastname")].filter(Boolean).join(" ") || form.get("companyName") || "",
        email: form.get("email"),
        customerNumber: form.get("customerNumber"),
        iban: null,
        bic: null,
        language: form.get("l") ?? "nl",
      };
      mandates.set(mandate.mndtId, mandate);
      return json(res, 200, { url: `${url}/sign/${mandate.key}`, key: mandate.key, mndtId: mandate.mndtId });
    }
    if (route === "/mandate" && method === "GET") {
      const after = Number(req.headers["x-resume-after"] ?? 0);
      const batch = mandateFeed.filter((e) => e.seq > after).slice(0, 100);
      return json(res, 200, { GrpHdr: { CreDtTm: new Date().toISOString() }, Messages: batch.map((e) => e.message) }, batch.length ? { "X-LAST": String(batch.at(-1)!.seq) } : {});
    }
    if (route === "/mandate/detail" && method === "GET") {
      const mandate = mandates.get(requestUrl.searchParams.get("mndtId") ?? "");
      if (!mandate) return error(res, 400, "err_no_contract", "No such mandate");
      return json(res, 200, { Mndt: { MndtId: mandate.mndtId, LclInstrm: mandate.scheme, DbtrAcct: mandate.iban } }, { "X-STATE": mandate.state === "SIGNED" ? "signed" : mandate.state === "SUSPENDED" ? "suspended" : mandate.state === "CANCELLED" ? "cancelled" : "prepared", "X-COLLECTABLE": String(mandate.state === "SIGNED") });
    }
    if (route === "/mandate" && method === "DELETE") {
      const mandate = mandates.get(requestUrl.searchParams.get("mndtId") ?? "");
      if (!mandate) return error(res, 400, "err_no_contract", "No such mandate");
      if (!requestUrl.searchParams.get("rsn")) return error(res, 400, "err_invalid_params", "rsn is required");
      mandate.state = "CANCELLED";
      seq++;
      mandateFeed.push({ seq, message: mandateMessage(mandate, "cancelled") });
      await webhook(`type=contract&mandateNumber=${encodeURIComponent(mandate.mndtId)}&event=Cancel`);
      res.writeHead(204);
      return res.end();
    }
    if (route === "/payment/link" && method === "POST") {
      const key = req.headers["idempotency-key"] as string | undefined;
      if (key && idempotent.has(key)) return json(res, 200, idempotent.get(key));
      const form = await readForm(req);
      if (!/^\d+\.\d{2}$/.test(form.get("amount") ?? "")) return error(res, 400, "err_invalid_amount", "Invalid amount");
      const id = nextTransaction++;
      const body = { id, amount: Number(form.get("amount")), msg: form.get("message") ?? "", url: `${url}/paylink/${id}` };
      if (key) idempotent.set(key, body);
      return json(res, 200, body);
    }
    if (route === "/mandate/pdf" && method === "GET") {
      const mandate = mandates.get(requestUrl.searchParams.get("mndtId") ?? "");
      if (!mandate || mandate.state !== "SIGNED") return error(res, 400, "err_no_contract", "No such signed mandate");
      res.writeHead(200, { "Content-Type": "application/pdf" });
      return res.end(Buffer.from(`%PDF-1.4\n% fake signed mandate ${mandate.mndtId} ${mandate.iban}\n%%EOF\n`));
    }
    if (route === "/transaction" && method === "POST") {
      const key = req.headers["idempotency-key"] as string | undefined;
      if (key && idempotent.has(key)) return json(res, 200, idempotent.get(key));
      const form = await readForm(req);
      const mandate = mandates.get(form.get("mndtId") ?? "");
      if (!mandate || mandate.state !== "SIGNED") return error(res, 400, "err_no_contract", "No valid mandate for this transaction");
      const amount = form.get("amount") ?? "";
      if (!/^\d+\.\d{2}$/.test(amount)) return error(res, 400, "err_invalid_amount", "Invalid amount");
      // swagger: `message` is required ("Message to the customer").
      if (!form.get("message")) return error(res, 400, "err_invalid_params", "message is required");
      const t: FakeTwikeyTransaction = { id: nextTransaction++, mndtId: mandate.mndtId, amount, msg: form.get("message") ?? "", ref: form.get("ref") ?? "", state: "OPEN", final: false, collection: null, bkerror: null, bkmsg: null, bkdate: null };
      transactions.set(t.id, t);
      // Queued only: it reaches the bank with a collect call, or at once with automatic sending.
      if (config.autoSend) collect(mandate.template, new Date().toISOString().slice(0, 10), [mandate.mndtId]);
      const body = { Entries: [{ id: t.id, contractId: 1, mndtId: t.mndtId, amount: Number(t.amount), msg: t.msg, date: new Date().toISOString(), reqcolldt: new Date(Date.now() + 5 * 86400000).toISOString().slice(0, 10) }] };
      if (key) idempotent.set(key, body);
      return json(res, 200, body);
    }
    if (route === "/collect" && method === "POST") {
      // swagger `/creditor/collect`: ct (required), colltndt (required, yyyy-mm-dd), mndtId (array,
      // collectionFormat multi: "default = all with billable entries"), prenotify → `{"msgId": "123"}`.
      const form = await readForm(req);
      const template = templateOf(form);
      const date = form.get("colltndt") ?? "";
      if (!template) return error(res, 400, "err_invalid_params", "ct is required (a number) or tc");
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return error(res, 400, "err_invalid_date", "colltndt is required (yyyy-mm-dd)");
      return json(res, 200, { msgId: collect(template, date, form.getAll("mndtId")) });
    }
    if (route === "/transaction" && method === "GET") {
      const after = Number(req.headers["x-resume-after"] ?? 0);
      const batch = transactionFeed.filter((e) => e.seq > after).slice(0, 100);
      const entries = batch.map((e) => {
        const t = transactions.get(e.id)!;
        return { id: t.id, mndtId: t.mndtId, amount: Number(t.amount), msg: t.msg, ref: t.ref, state: t.state, final: t.final, bkdate: t.bkdate, bkerror: t.bkerror, bkmsg: t.bkmsg };
      });
      return json(res, 200, { Entries: entries }, batch.length ? { "X-LAST": String(batch.at(-1)!.seq) } : {});
    }
    return error(res, 404, "err_not_found", "No such endpoint");
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    baseUrl: `${url}/creditor`,
    config,
    configure: (c) => Object.assign(config, c),
    mandates,
    transactions,
    webhookCalls,
    get logins() {
      return state.logins;
    },
    settle,
    suspend,
    endInvitation,
    collections,
    forgetSessions: () => tokens.clear(),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
