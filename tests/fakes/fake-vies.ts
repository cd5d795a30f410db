import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake of the EU's VIES REST API on 127.0.0.1: POST /check-vat-number answers from a registry of
 * known companies (with a consultation number when a requester is given), GET /check-status lists
 * availability, and a country marked unavailable answers VIES's MS_UNAVAILABLE error body
 * (tests mark countries with setUnavailable, or POST /_control/unavailable from another process).
 *
 * Every answer VIES documents can be produced with the numbers of the EU's own test service
 * (checkVatTestService.wsdl / POST /check-vat-test-service: "Here is the list of VAT Number to use to
 * receive each kind of answer: 100 = Valid request with Valid VAT Number, 200 = Valid request with an
 * Invalid VAT Number, 201 = Error : INVALID_INPUT, 202 = Error : INVALID_REQUESTER_INFO, 300 = Error :
 * SERVICE_UNAVAILABLE, 301 = Error : MS_UNAVAILABLE, 302 = Error : TIMEOUT, 400 = Error : VAT_BLOCKED,
 * 401 = Error : IP_BLOCKED, 500 = Error : GLOBAL_MAX_CONCURRENT_REQ, 501 = Error :
 * GLOBAL_MAX_CONCURRENT_REQ_TIME, 600 = Error : MS_MAX_CONCURRENT_REQ, 601 = Error :
 * MS_MAX_CONCURRENT_REQ_TIME"). The fake answers them on /check-vat-number for any member state, so
 * a number that passes Facto's own format check reaches it: RO has no check digit and 2–10 digits, so
 * RO100 … RO601 are the magic numbers (VIES_TEST_NUMBERS). Divergences, each a guess kept small:
 * - 202 answers INVALID_REQUESTER_INFO only when a requester is sent (the requester is what VIES
 *   refuses); without one the same number is valid, so a check without requester can succeed.
 * - The error comes as `{valid: false, userError: CODE}` (the REST answer shape), or as
 *   `{actionSucceed: false, errorWrappers: [{error: CODE}]}` after setErrorShape("errorWrappers") —
 *   VIES answers both ways (the second is how the REST API reports MS_UNAVAILABLE, see the reference
 *   notes in /work/shared/reference/vat-invoicing-sepa.md §1).
 * - A normal answer carries `userError: "VALID"` or `"INVALID"` next to `valid`, as live REST answers do.
 */
export interface FakeVies {
  url: string;
  requests: { countryCode: string; vatNumber: string; requesterMemberStateCode?: string; requesterNumber?: string }[];
  setUnavailable: (countries: string[]) => void;
  /** How the test-service error numbers answer: `{valid:false, userError}` (default) or VIES's error body. */
  setErrorShape: (shape: "userError" | "errorWrappers") => void;
  close: () => Promise<void>;
}

/** The EU test service's numbers (see above) and the answer each one gives. */
export const VIES_TEST_NUMBERS: Record<string, string> = {
  "100": "VALID",
  "200": "INVALID",
  "201": "INVALID_INPUT",
  "202": "INVALID_REQUESTER_INFO",
  "300": "SERVICE_UNAVAILABLE",
  "301": "MS_UNAVAILABLE",
  "302": "TIMEOUT",
  "400": "VAT_BLOCKED",
  "401": "IP_BLOCKED",
  "500": "GLOBAL_MAX_CONCURRENT_REQ",
  "501": "GLOBAL_MAX_CONCURRENT_REQ_TIME",
  "600": "MS_MAX_CONCURRENT_REQ",
  "601": "MS_MAX_CONCURRENT_REQ_TIME",
};

/** VIES's member-state codes: the EU 27 (Greece as EL) and XI, Northern Ireland. */
const VIES_COUNTRIES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI"];

export const FAKE_VIES_REGISTRY: Record<string, { name: string; address: string }> = {
  BE0123456749: { name: "ATELIER LUMIERE BV", address: "Rue de la Loi 16\n1000 Bruxelles" },
  BE0456810810: { name: "BROUWERIJ DE KLOK NV", address: "Markt 1\n9000 Gent" },
  NL004495445B01: { name: "Koffiebranderij Noord B.V.", address: "Damrak 1\n1012LG Amsterdam" },
  DE136695976: { name: "---", address: "---" },
  FR40303265045: { name: "SA LIBRAIRIE DU QUAI", address: "12 QUAI DES CELESTINS 75004 PARIS" },
  ATU13585627: { name: "Wiener Glas GmbH", address: "Ring 3, 1010 Wien" },
};

export async function startFakeVies(options: { port?: number; registry?: Record<string, { name: string; address: string }>; unavailableCountries?: string[] } = {}): Promise<FakeVies> {
  const registry = options.registry ?? FAKE_VIES_REGISTRY;
  let unavailable = new Set(options.unavailableCountries ?? []);
  let errorShape: "userError" | "errorWrappers" = "userError";
  const requests: FakeVies["requests"] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ actionSucceed: false, errorWrappers: [{ error: "SERVICE_UNAVAILABLE" }] }));
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/check-status") {
      return send(200, {
        vow: { available: true },
        countries: VIES_COUNTRIES.map((c) => ({ countryCode: c, availability: unavailable.has(c) ? "Unavailable" : "Available" })),
      });
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === "POST" && req.url === "/_control/unavailable") {
      // Test control (not part of VIES): which member states answer MS_UNAVAILABLE.
      unavailable = new Set(JSON.parse(Buffer.concat(chunks).toString("utf8")) as string[]);
      return send(200, { unavailable: [...unavailable] });
    }
    if (req.method === "POST" && req.url === "/_control/error-shape") {
      errorShape = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { shape: "userError" | "errorWrappers" }).shape;
      return send(200, { errorShape });
    }
    if (req.method !== "POST" || req.url !== "/check-vat-number") return send(404, { errorWrappers: [{ error: "NOT_FOUND" }] });
    let body: { countryCode?: string; vatNumber?: string; requesterMemberStateCode?: string; requesterNumber?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(400, { actionSucceed: false, errorWrappers: [{ error: "INVALID_INPUT", message: "Malformed request" }] });
    }
    if (!body.countryCode || !body.vatNumber) return send(400, { actionSucceed: false, errorWrappers: [{ error: "INVALID_INPUT", message: "countryCode and vatNumber are required" }] });
    requests.push({
      countryCode: body.countryCode,
      vatNumber: body.vatNumber,
      ...(body.requesterMemberStateCode ? { requesterMemberStateCode: body.requesterMemberStateCode } : {}),
      ...(body.requesterNumber ? { requesterNumber: body.requesterNumber } : {}),
    });
    if (!VIES_COUNTRIES.includes(body.countryCode)) {
      return send(200, { actionSucceed: false, errorWrappers: [{ error: "INVALID_INPUT", message: `Unknown member state ${body.countryCode}` }] });
    }
    if (unavailable.has(body.countryCode)) {
      return send(200, { actionSucceed: false, errorWrappers: [{ error: "MS_UNAVAILABLE", message: "The member state service is unavailable, try again later" }] });
    }
    const requestDate = new Date().toISOString();
    let code = VIES_TEST_NUMBERS[body.vatNumber];
    if (code === "INVALID_REQUESTER_INFO" && !body.requesterNumber) code = "VALID";
    if (code && code !== "VALID" && code !== "INVALID") {
      if (errorShape === "errorWrappers") return send(200, { actionSucceed: false, errorWrappers: [{ error: code, message: `${code} (fake VIES test number ${body.vatNumber})` }] });
      return send(200, { countryCode: body.countryCode, vatNumber: body.vatNumber, requestDate, valid: false, userError: code, requestIdentifier: "", name: "---", address: "---" });
    }
    const known = code === "VALID" ? { name: "VIES TEST COMPANY", address: "---" } : code === "INVALID" ? undefined : registry[`${body.countryCode}${body.vatNumber}`];
    const requestIdentifier = body.requesterNumber ? `WAPIAAAAZ${String(++counter).padStart(6, "0")}` : "";
    send(200, {
      countryCode: body.countryCode,
      vatNumber: body.vatNumber,
      requestDate,
      valid: !!known,
      userError: known ? "VALID" : "INVALID",
      requestIdentifier,
      name: known?.name ?? "---",
      address: known?.address ?? "---",
      traderName: "---",
      traderStreet: "---",
      traderPostalCode: "---",
      traderCity: "---",
      traderCompanyType: "---",
    });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    setUnavailable: (countries) => {
      unavailable = new Set(countries);
    },
    setErrorShape: (shape) => {
      errorShape = shape;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
