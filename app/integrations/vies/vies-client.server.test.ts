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

  it("an unreachable VIES is retryable", async () => {
    const error = await createViesClient({ baseUrl: "http://127.0.0.1:9", timeoutMs: 2000 }).checkVatNumber("BE0123456749").catch((e) => e);
    expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
  });
});
