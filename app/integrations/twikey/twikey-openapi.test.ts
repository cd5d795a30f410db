import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { guardedFetch } from "~/integrations/outbound/outbound-guard.server";
import { startFakeTwikey, type FakeTwikey } from "../../../tests/fakes/fake-twikey";
import { TwikeyAuthError, twikeyClient, type TwikeyClient } from "./twikey-client.server";

/**
 * Facto's Twikey client and the fake Twikey, held to Twikey's own OpenAPI description
 * (../shared/contracts/twikey/swagger.yml, read from where CI has it, never copied): every request
 * the client can make goes to a path and method the description has, with parameter names it
 * declares (and the required ones present); every body the fake answers with uses field names of
 * the description's schema or examples for that operation; a refused login is HTTP 200 + ApiError.
 *
 * The description is an older snapshot than Twikey's SDKs: the few names Facto sends or reads that
 * it lacks are listed in EXTRA with the SDK line that shows them. Anything else is a failure.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
// `../shared/contracts` seen from the project's root (CI, the main checkout); a git worktree one level deeper looks one more up.
const SWAGGER = [path.resolve(ROOT, "../shared/contracts/twikey/swagger.yml"), path.resolve(ROOT, "../../shared/contracts/twikey/swagger.yml")].find((p) => existsSync(p)) ?? path.resolve(ROOT, "../shared/contracts/twikey/swagger.yml");

interface Parameter { name: string; in: string; required?: boolean }
interface Operation { parameters?: Parameter[]; responses?: Record<string, { schema?: { $ref?: string }; examples?: Record<string, unknown> }> }
interface Swagger { paths: Record<string, Record<string, Operation>>; definitions: Record<string, unknown> }

const spec = parse(readFileSync(SWAGGER, "utf8")) as Swagger;

/** Names outside the description, each backed by Twikey's SDK source. Keyed "METHOD path". */
const TC = "twikey-api-go transaction.go TransactionCollect: params.Add(\"tc\", template) when the template is not numeric; twikey-api-node models/Document.ts `tc?: string`";
const EXTRA: Record<string, { params?: Record<string, string>; fields?: Record<string, string> }> = {
  "POST /creditor/invite": {
    params: {
      tc: TC,
      customerNumber: "twikey-api-go document.go InviteRequest.asUrlParams: addIfExists(params, \"customerNumber\", …); twikey-api-node models/Document.ts BaseInfo.customerNumber",
    },
  },
  "GET /creditor/mandate": {
    fields: {
      "Messages[].EvtId": "twikey-api-go document.go MandateUpdate.EvtId",
      "Messages[].OrgnlMndtId": "twikey-api-go document.go MandateUpdate.OrgnlMndtId; twikey-api-python document.py msg[\"OrgnlMndtId\"]",
      "Messages[].CxlRsn": "twikey-api-go document.go MandateUpdate.CxlRsn",
      "Messages[].CxlRsn.Rsn": "twikey-api-go document.go CxlRsn.Rsn",
      "Messages[].CxlRsn.Orgtr": "twikey-api-python document.py cxl_rsn_[\"Orgtr\"][\"CtctDtls\"][\"EmailAdr\"]",
      "Messages[].CxlRsn.Orgtr.CtctDtls": "idem",
      "Messages[].CxlRsn.Orgtr.CtctDtls.EmailAdr": "idem",
      "Messages[].AmdmntRsn": "twikey-api-go document.go MandateUpdate.AmdmntRsn",
      "Messages[].AmdmntRsn.Rsn": "twikey-api-go document.go AmdmntRsn.Rsn",
      "Messages[].AmdmntRsn.Orgtr": "twikey-api-python document.py amdmnt_rsn_[\"Orgtr\"][\"CtctDtls\"][\"EmailAdr\"]",
      "Messages[].AmdmntRsn.Orgtr.CtctDtls": "idem",
      "Messages[].AmdmntRsn.Orgtr.CtctDtls.EmailAdr": "idem",
      "Messages[].Mndt.Dbtr.CtctDtls.Othr": "twikey-api-python model/document_response.py self.customer_number = ctct.get(\"Othr\"); twikey-api-go document.go CtctDtls.Othr",
    },
  },
  "POST /creditor/collect": { params: { tc: TC } },
  "POST /creditor/payment/link": {
    params: {
      tc: TC,
      ct: "twikey-api-node models/Paylink.ts PaylinkRequest.ct",
      remittance: "twikey-api-node models/Paylink.ts PaylinkRequest.remittance",
      redirectUrl: "twikey-api-node models/Paylink.ts PaylinkRequest.redirectUrl",
      l: "twikey-api-node models/Document.ts BaseInfo.l (PaylinkRequest extends BaseInfo)",
    },
  },
};

/** Field paths ("a.b[].c") an operation's description allows: its response schema and examples. */
function allowedFields(operation: Operation): Set<string> {
  const out = new Set<string>();
  const walkValue = (value: unknown, prefix: string) => {
    if (Array.isArray(value)) value.forEach((v) => walkValue(v, `${prefix}[]`));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        const p = prefix ? `${prefix}.${k}` : k;
        out.add(p);
        walkValue(v, p);
      }
    }
  };
  const walkSchema = (schema: Record<string, unknown> | undefined, prefix: string, depth = 0) => {
    if (!schema || depth > 12) return;
    if (typeof schema.$ref === "string") return walkSchema(spec.definitions[schema.$ref.replace("#/definitions/", "")] as Record<string, unknown>, prefix, depth + 1);
    if (schema.type === "array") return walkSchema(schema.items as Record<string, unknown>, `${prefix}[]`, depth + 1);
    for (const [k, v] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.add(p);
      walkSchema(v, p, depth + 1);
    }
  };
  for (const response of Object.values(operation.responses ?? {}) as { description?: string; schema?: Record<string, unknown>; examples?: Record<string, unknown> }[]) {
    walkSchema(response.schema, "");
    // `/creditor/mandate/detail` 200: "Details of the mandate (see /creditor/mandate)" — one feed message.
    if (/\(see \/creditor\/mandate\)/.test(response.description ?? "")) walkSchema({ $ref: "#/definitions/Mandate" }, "");
    for (const example of Object.values(response.examples ?? {})) walkValue(example, "");
  }
  return out;
}

function fieldsOf(value: unknown, prefix = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => fieldsOf(v, `${prefix}[]`, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.add(p);
      fieldsOf(v, p, out);
    }
  }
  return out;
}

interface Exchange { method: string; path: string; query: string[]; form: string[]; status: number; headers: Headers; body: unknown }

let twikey: FakeTwikey;
let client: TwikeyClient;
const exchanges: Exchange[] = [];

/** A fetch that records what the client sends and what the fake answers. */
const recordingFetch: typeof fetch = async (input, init) => {
  const url = new URL(String(input));
  const response = await fetch(input, init);
  const text = await response.clone().text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null; // the PDF
  }
  const form = typeof init?.body === "string" ? [...new URLSearchParams(init.body).keys()] : [];
  exchanges.push({ method: (init?.method ?? "GET").toUpperCase(), path: url.pathname.replace(/^.*?\/creditor/, "/creditor"), query: [...url.searchParams.keys()], form, status: response.status, headers: response.headers, body });
  return response;
};

beforeAll(async () => {
  twikey = await startFakeTwikey();
  client = twikeyClient({ baseUrl: twikey.baseUrl, apiKey: twikey.config.apiKey, fetchImpl: recordingFetch });
  // Every call the client can make, once, against the fake.
  const invite = await client.invite({ template: "4201", language: "nl", email: "els@example.be", name: "Els Vermeulen", companyName: "Vermeulen BV", vatNumber: "BE0123456789", customerNumber: "c-oa-1", sendInvite: false });
  await fetch(invite.url!, { method: "POST", body: new URLSearchParams({ iban: "BE68539007547034" }) });
  const { id } = await client.createTransaction({ mndtId: invite.mndtId, amount: "12.10", message: "INV-1", ref: "INV-1", idempotencyKey: "oa-1" });
  await client.collect({ template: "4201", collectionDate: "2026-11-29", mndtIds: [invite.mndtId] });
  await twikey.settle(Number(id), "ERROR", { code: "MS03", message: "No reason specified" }, { final: false });
  await twikey.suspend(invite.mndtId);
  await client.mandateFeed(null);
  await client.transactionFeed(null);
  await client.mandateDetail(invite.mndtId);
  await client.mandatePdf(invite.mndtId).catch(() => undefined); // suspended: Twikey has no signed PDF to give; the request still counts
  await client.createPaymentLink({ template: "4201", title: "INV-2", remittance: "INV-2", amount: "5.00", ref: "INV-2", redirectUrl: "https://shop.example/thanks", email: "els@example.be", name: "Els", language: "nl", idempotencyKey: "oa-2" });
  const other = await client.invite({ template: "4201", language: "fr", email: "jan@example.be", customerNumber: "c-oa-2", sendInvite: true });
  await fetch(other.url!, { method: "POST", body: new URLSearchParams({ iban: "BE71096123456769" }) });
  await client.cancelMandate(other.mndtId, "MD01");
  await client.mandateFeed(null);
  await twikeyClient({ baseUrl: twikey.baseUrl, apiKey: "not-the-key", fetchImpl: recordingFetch }).checkLogin().catch(() => undefined);
});
afterAll(async () => twikey.close());

describe("Twikey's OpenAPI description", () => {
  it("has every path and method the client calls, with the parameter names the client sends", () => {
    const calls = new Set(exchanges.map((e) => `${e.method} ${e.path}`));
    expect([...calls].sort()).toEqual(
      ["DELETE /creditor/mandate", "GET /creditor/mandate", "GET /creditor/mandate/detail", "GET /creditor/mandate/pdf", "GET /creditor/transaction", "POST /creditor", "POST /creditor/collect", "POST /creditor/invite", "POST /creditor/payment/link", "POST /creditor/transaction"].sort(),
    );
    for (const e of exchanges) {
      const key = `${e.method} ${e.path}`;
      const operation = spec.paths[e.path]?.[e.method.toLowerCase()];
      expect(operation, `${key} is in swagger.yml`).toBeDefined();
      const declared = operation!.parameters ?? [];
      const extra = EXTRA[key]?.params ?? {};
      for (const name of e.query) expect(declared.some((p) => p.name === name && p.in === "query") || name in extra, `${key}: query parameter ${name}`).toBe(true);
      for (const name of e.form) expect(declared.some((p) => p.name === name && p.in === "formData") || name in extra, `${key}: form field ${name}`).toBe(true);
      for (const p of declared.filter((d) => d.required && (d.in === "query" || d.in === "formData"))) {
        // A template code (tc) stands for the numeric template id (ct): see TC.
        if (p.name === "ct" && e.form.includes("tc")) continue;
        expect([...e.query, ...e.form], `${key}: required ${p.in} parameter ${p.name}`).toContain(p.name);
      }
    }
  });

  it("sends a numeric template as ct (an integer in the description) and a template code as tc", async () => {
    expect(spec.paths["/creditor/invite"]!.post!.parameters!.find((p) => p.name === "ct")).toMatchObject({ type: "integer", required: true });
    expect(exchanges.filter((e) => e.path === "/creditor/invite").every((e) => e.form.includes("ct") && !e.form.includes("tc"))).toBe(true);
    const before = exchanges.length;
    await client.invite({ template: "CORE-CODE", language: "nl", email: "code@example.be", customerNumber: "c-oa-3", sendInvite: false });
    const sent = exchanges.slice(before).find((e) => e.path === "/creditor/invite")!;
    expect(sent.form).toContain("tc");
    expect(sent.form).not.toContain("ct");
    expect(sent.status).toBe(200);
  });

  it("sends the collection date and each mandate of a collect call as Twikey declares them (colltndt, repeated mndtId)", () => {
    const collect = spec.paths["/creditor/collect"]!.post!.parameters!;
    expect(collect.find((p) => p.name === "mndtId")).toMatchObject({ in: "formData", type: "array", collectionFormat: "multi" });
    expect(collect.find((p) => p.name === "colltndt")).toMatchObject({ required: true });
    expect(exchanges.find((e) => e.path === "/creditor/collect")?.form).toEqual(["ct", "colltndt", "mndtId"]);
  });

  it("finds in the fake's answers only field names of the description (schema or example) for that call", () => {
    let checked = 0;
    for (const e of exchanges) {
      if (e.status !== 200 || !e.body || typeof e.body !== "object") continue;
      const key = `${e.method} ${e.path}`;
      const operation = spec.paths[e.path]![e.method.toLowerCase()]!;
      if (e.path === "/creditor" && e.headers.get("apierror")) continue; // the refused login: next test
      const allowed = allowedFields(operation);
      const extra = EXTRA[key]?.fields ?? {};
      for (const field of fieldsOf(e.body)) expect(allowed.has(field) || field in extra, `${key}: field ${field}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it("gives the transaction feed `final` and `state`, with a non-final ERROR as the description's example has", () => {
    const example = (spec.paths["/creditor/transaction"]!.get!.responses!["200"]!.examples!["Transactions with payment updates"] as { Entries: { final: boolean; state: string }[] }).Entries;
    expect(example.some((t) => t.state === "ERROR" && t.final === false)).toBe(true);
    const feed = exchanges.find((e) => e.method === "GET" && e.path === "/creditor/transaction")!.body as { Entries: { final: boolean; state: string; bkerror: string }[] };
    expect(feed.Entries[0]).toMatchObject({ state: "ERROR", final: false, bkerror: "MS03" });
  });

  it("refuses a wrong API key with HTTP 200 and ApiError headers, which the client turns into a typed error", async () => {
    const login = spec.paths["/creditor"]!.post!.responses!["200"] as { description: string };
    expect(login.description).toMatch(/always \*\* 200/);
    expect(login.description).toMatch(/"ApiError" and "ApiErrorCode"/);
    const refused = exchanges.find((e) => e.path === "/creditor" && e.method === "POST" && e.headers.get("apierror"))!;
    expect(refused.status).toBe(200);
    expect(refused.headers.get("authorization")).toBeNull();
    // The fake runs on 127.0.0.1: the outbound guard allows loopback only when told to (decision 019).
    const wrong = twikeyClient({ baseUrl: twikey.baseUrl, apiKey: "still-not-the-key", fetchImpl: guardedFetch({ allowLoopback: true }) });
    const error = await wrong.mandateFeed(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwikeyAuthError);
    expect((error as Error).message).toBe("Twikey refused the API key: err_invalid_apitoken (Invalid API token)");
    expect((error as TwikeyAuthError).retryable).toBe(false);
  });
});
