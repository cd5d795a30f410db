import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "~/errors/app-error";
import { startFakeVies, VIES_TEST_NUMBERS, type FakeVies } from "../../../tests/fakes/fake-vies";
import { classifyViesAnswer, createViesClient, VIES_ANSWERS } from "./vies-client.server";

let fake: FakeVies;
beforeAll(async () => {
  fake = await startFakeVies();
});
afterAll(async () => fake.close());

describe("VIES client (against the fake over HTTP)", () => {
  it("a registered number is valid, with name, address and the consultation number as proof", async () => {
    const vies = createViesClient({ baseUrl: fake.url, requester: "BE0123456749" });
    const result = await vies.checkVatNumber("NL 0044.95445 B01");
    expect(result).toMatchObject({ status: "valid", countryCode: "NL", vatNumber: "004495445B01", name: "Koffiebranderij Noord B.V." });
    expect(result.requestIdentifier).toMatch(/^WAPIAAAAZ\d{6}$/);
    expect(fake.requests.at(-1)).toEqual({ countryCode: "NL", vatNumber: "004495445B01", requesterMemberStateCode: "BE", requesterNumber: "0123456749" });
  });

  it("takes the requester as { countryCode, vatNumber } too", async () => {
    const vies = createViesClient({ baseUrl: fake.url, requester: { countryCode: "BE", vatNumber: "0456810810" } });
    const result = await vies.checkVatNumber("BE0123456749");
    expect(result).toMatchObject({ status: "valid", name: "ATELIER LUMIERE BV", address: "Rue de la Loi 16\n1000 Bruxelles" });
    expect(result.requestIdentifier).toMatch(/^WAPIAAAAZ\d{6}$/);
    expect(fake.requests.at(-1)).toMatchObject({ requesterMemberStateCode: "BE", requesterNumber: "0456810810" });
  });

  it("VIES's '---' for an unknown name becomes null", async () => {
    const result = await createViesClient({ baseUrl: fake.url }).checkVatNumber("DE136695976");
    expect(result).toMatchObject({ status: "valid", name: null, address: null, requestIdentifier: null });
  });

  it("a well-formed but unregistered number is invalid", async () => {
    const result = await createViesClient({ baseUrl: fake.url }).checkVatNumber("BE1000000021");
    expect(result).toMatchObject({ status: "invalid", reason: "not registered in VIES" });
  });

  it("a malformed number is invalid without any request", async () => {
    const before = fake.requests.length;
    const result = await createViesClient({ baseUrl: fake.url }).checkVatNumber("BE0123456748");
    expect(result).toMatchObject({ status: "invalid", reason: "The check digits of BE0123456748 do not match" });
    expect(result.requestDate).toEqual(expect.any(String));
    expect(fake.requests.length).toBe(before);
    const greek = await createViesClient({ baseUrl: fake.url }).checkVatNumber("GR12");
    expect(greek).toMatchObject({ status: "invalid", countryCode: "EL", vatNumber: "12", requestIdentifier: null });
    expect(fake.requests.length).toBe(before);
  });

  it("a member state that is down means 'retry later', never 'invalid'", async () => {
    fake.setUnavailable(["FR"]);
    try {
      const error = await createViesClient({ baseUrl: fake.url }).checkVatNumber("FR40303265045").catch((e) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
      expect(error.message).toContain("MS_UNAVAILABLE");
    } finally {
      fake.setUnavailable([]);
    }
  });

  it("an HTTP 400 INVALID_INPUT is our unreadable request (a bad request), 5xx and a contradictory answer are retryable", async () => {
    const answering = (status: number, body: unknown) =>
      createViesClient({ baseUrl: "http://vies.invalid", fetchImpl: async () => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }) });
    const bad = await answering(400, { actionSucceed: false, errorWrappers: [{ error: "INVALID_INPUT", message: "x" }] }).checkVatNumber("BE0123456749").catch((e) => e);
    expect(bad).toMatchObject({ code: "BAD_REQUEST", retryable: false });
    const down = await answering(502, { message: "Bad gateway" }).checkVatNumber("BE0123456749").catch((e) => e);
    expect(down).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
    const contradictory = await answering(200, { countryCode: "DE", vatNumber: "136695976", requestDate: "2026-01-01", valid: false, userError: "VALID" }).checkVatNumber("DE136695976").catch((e) => e);
    expect(contradictory).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
    const unknown = await answering(200, { countryCode: "DE", vatNumber: "136695976", requestDate: "2026-01-01", valid: false, userError: "SOMETHING_NEW" }).checkVatNumber("DE136695976").catch((e) => e);
    expect(unknown).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
    const plainNo = await answering(200, { countryCode: "DE", vatNumber: "136695976", requestDate: "2026-01-01", valid: false }).checkVatNumber("DE136695976");
    expect(plainNo).toMatchObject({ status: "invalid", reason: "not registered in VIES" });
  });

  it("the fake answers INVALID_INPUT for an unknown member state and lists all of them in /check-status", async () => {
    const status = (await (await fetch(`${fake.url}/check-status`)).json()) as { countries: { countryCode: string }[] };
    expect(status.countries.map((c) => c.countryCode)).toHaveLength(28);
    const answer = await fetch(`${fake.url}/check-vat-number`, { method: "POST", body: JSON.stringify({ countryCode: "US", vatNumber: "1" }) });
    expect(await answer.json()).toMatchObject({ actionSucceed: false, errorWrappers: [{ error: "INVALID_INPUT" }] });
  });

  it("an unreachable VIES is retryable", async () => {
    const error = await createViesClient({ baseUrl: "http://127.0.0.1:9", timeoutMs: 2000 }).checkVatNumber("BE0123456749").catch((e) => e);
    expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
  });
});

/**
 * Every answer VIES documents, one test each, produced by the fake from the EU test service's numbers
 * (RO100 … RO601, see tests/fakes/fake-vies.ts), in both shapes VIES uses for an error: the REST
 * answer `{valid:false, userError}` and the error body `{actionSucceed:false, errorWrappers}`.
 */
describe("every VIES userError means what it says", () => {
  const SHAPES = ["userError", "errorWrappers"] as const;
  const check = async (number: string, shape: (typeof SHAPES)[number], requester: string | null = "BE0123456749") => {
    fake.setErrorShape(shape);
    try {
      return await createViesClient({ baseUrl: fake.url, requester }).checkVatNumber(number).catch((e: unknown) => e);
    } finally {
      fake.setErrorShape("userError");
    }
  };
  const retryLater = async (code: string) => {
    const number = `RO${Object.entries(VIES_TEST_NUMBERS).find(([, c]) => c === code)![0]}`;
    for (const shape of SHAPES) {
      const error = await check(number, shape);
      expect(error, `${code} as ${shape}`).toBeInstanceOf(AppError);
      expect(error, `${code} as ${shape}`).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true, details: { code, kind: "retry-later" } });
      expect((error as AppError).message).toContain("retry later");
    }
  };

  it("the table covers every code of the EU test service, and nothing but VALID, INVALID and INVALID_INPUT decides", () => {
    expect(Object.values(VIES_TEST_NUMBERS).every((code) => code in VIES_ANSWERS)).toBe(true);
    const deciding = Object.entries(VIES_ANSWERS).filter(([, kind]) => kind === "valid" || kind === "buyer-invalid").map(([code]) => code);
    expect(deciding.sort()).toEqual(["INVALID", "INVALID_INPUT", "VALID"]);
    expect(classifyViesAnswer(true, "MS_UNAVAILABLE")).toBe("valid");
    expect(classifyViesAnswer(false, null)).toBe("buyer-invalid");
    expect(classifyViesAnswer(false, "NOT_A_DOCUMENTED_CODE")).toBe("retry-later");
  });

  it("VALID: the buyer is confirmed, with the consultation number", async () => {
    const result = await check("RO100", "userError");
    expect(result).toMatchObject({ status: "valid", countryCode: "RO", vatNumber: "100", name: "VIES TEST COMPANY" });
    expect((result as { requestIdentifier: string }).requestIdentifier).toMatch(/^WAPIAAAAZ\d{6}$/);
  });

  it("INVALID: the buyer's number is not valid (the only 'no' that comes from VIES's register)", async () => {
    expect(await check("RO200", "userError")).toMatchObject({ status: "invalid", countryCode: "RO", vatNumber: "200", reason: "not registered in VIES" });
  });

  it("INVALID_INPUT: the buyer's input is not a number VIES can check — invalid, with the reason", async () => {
    for (const shape of SHAPES) {
      expect(await check("RO201", shape), shape).toMatchObject({ status: "invalid", reason: "VIES says the country code is invalid or the number is empty (INVALID_INPUT)" });
    }
  });

  it("INVALID_REQUESTER_INFO: our own requester is refused, never the buyer — checked again without it, and the problem is reported", async () => {
    for (const shape of SHAPES) {
      const before = fake.requests.length;
      const result = await check("RO202", shape);
      expect(result, shape).toMatchObject({ status: "valid", requestIdentifier: null, requesterProblem: "VIES refused the requester BE0123456749 (INVALID_REQUESTER_INFO)" });
      expect(fake.requests.slice(before).map((r) => r.requesterNumber ?? null)).toEqual(["0123456749", null]);
    }
  });

  it("SERVICE_UNAVAILABLE: retry later", () => retryLater("SERVICE_UNAVAILABLE"));
  it("MS_UNAVAILABLE: retry later", () => retryLater("MS_UNAVAILABLE"));
  it("TIMEOUT: retry later", () => retryLater("TIMEOUT"));
  it("VAT_BLOCKED: checks of the number are blocked, not a 'no' — retry later", () => retryLater("VAT_BLOCKED"));

  it("IP_BLOCKED: our server's address is blocked — a problem on our side, the invoice waits", async () => {
    for (const shape of SHAPES) {
      const error = await check("RO401", shape);
      expect(error, shape).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true, details: { code: "IP_BLOCKED", kind: "requester-problem" } });
      expect((error as AppError).message).toContain("the operator must act");
    }
  });

  it("GLOBAL_MAX_CONCURRENT_REQ: retry later", () => retryLater("GLOBAL_MAX_CONCURRENT_REQ"));
  it("GLOBAL_MAX_CONCURRENT_REQ_TIME: retry later", () => retryLater("GLOBAL_MAX_CONCURRENT_REQ_TIME"));
  it("MS_MAX_CONCURRENT_REQ: retry later", () => retryLater("MS_MAX_CONCURRENT_REQ"));
  it("MS_MAX_CONCURRENT_REQ_TIME: retry later", () => retryLater("MS_MAX_CONCURRENT_REQ_TIME"));

  it("a requester refused again without a requester is still not 'invalid'", async () => {
    // Without a requester the fake's 202 is valid; a VIES that kept refusing would throw, never say invalid.
    const refusing = createViesClient({
      baseUrl: "http://vies.invalid",
      requester: "BE0123456749",
      fetchImpl: async () => new Response(JSON.stringify({ countryCode: "RO", vatNumber: "202", requestDate: "2026-01-01", valid: false, userError: "INVALID_REQUESTER_INFO" }), { status: 200, headers: { "Content-Type": "application/json" } }),
    });
    expect(await refusing.checkVatNumber("RO202").catch((e) => e)).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", details: { code: "INVALID_REQUESTER_INFO", kind: "requester-problem" } });
  });
});
