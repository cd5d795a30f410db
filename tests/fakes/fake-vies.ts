import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake of the EU's VIES REST API on 127.0.0.1: POST /check-vat-number answers from a registry of
 * known companies (with a consultation number when a requester is given), GET /check-status lists
 * availability, and a country marked unavailable answers VIES's MS_UNAVAILABLE error body
 * (tests mark countries with setUnavailable, or POST /_control/unavailable from another process).
 */
export interface FakeVies {
  url: string;
  requests: { countryCode: string; vatNumber: string; requesterMemberStateCode?: string; requesterNumber?: string }[];
  setUnavailable: (countries: string[]) => void;
  close: () => Promise<void>;
}

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
    const known = registry[`${body.countryCode}${body.vatNumber}`];
    const requestDate = new Date().toISOString();
    const requestIdentifier = body.requesterNumber ? `WAPIAAAAZ${String(++counter).padStart(6, "0")}` : "";
    send(200, {
      countryCode: body.countryCode,
      vatNumber: body.vatNumber,
      requestDate,
      valid: !!known,
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
