import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "~/errors/app-error";
import { startFakeVies, type FakeVies } from "../../../tests/fakes/fake-vies";
import { createViesClient } from "./vies-client.server";

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

  it("every 'retry later' code of VIES is retryable, INVALID_INPUT is a bad request, 5xx is retryable", async () => {
    const answering = (status: number, body: unknown) =>
      createViesClient({ baseUrl: "http://vies.invalid", fetchImpl: async () => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }) });
    for (const code of ["MS_UNAVAILABLE", "SERVICE_UNAVAILABLE", "TIMEOUT", "MS_MAX_CONCURRENT_REQ", "GLOBAL_MAX_CONCURRENT_REQ"]) {
      const error = await answering(200, { actionSucceed: false, errorWrappers: [{ error: code }] }).checkVatNumber("BE0123456749").catch((e) => e);
      expect(error, code).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
    }
    const bad = await answering(400, { actionSucceed: false, errorWrappers: [{ error: "INVALID_INPUT", message: "x" }] }).checkVatNumber("BE0123456749").catch((e) => e);
    expect(bad).toMatchObject({ code: "BAD_REQUEST", retryable: false });
    const down = await answering(502, { message: "Bad gateway" }).checkVatNumber("BE0123456749").catch((e) => e);
    expect(down).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
    const busy = await answering(200, { countryCode: "DE", vatNumber: "136695976", requestDate: "2026-01-01", valid: false, userError: "MS_MAX_CONCURRENT_REQ" }).checkVatNumber("DE136695976").catch((e) => e);
    expect(busy).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
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
