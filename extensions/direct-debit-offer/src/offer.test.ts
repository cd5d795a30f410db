import { describe, expect, it } from "vitest";
import { loadOffer, startSigning, texts } from "./offer";

/** A fetch that answers from a script and records what it was asked. */
function scripted(answers: { status: number; body: unknown }[]) {
  const calls: { url: string; auth: string | null; body: unknown }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, auth: new Headers(init.headers).get("authorization"), body: JSON.parse(String(init.body)) });
    const next = answers.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(next.body), { status: next.status });
  }) as unknown as typeof fetch;
  return { fetchImpl, calls };
}
const deps = (fetchImpl: typeof fetch) => ({ apiUrl: "https://facto.test/", getToken: async () => "session-token", fetchImpl, sleep: async () => {} });

describe("the direct-debit offer", () => {
  it("asks Facto with the session token and shows the offer", async () => {
    const { fetchImpl, calls } = scripted([{ status: 200, body: { offer: true } }]);
    expect(await loadOffer(deps(fetchImpl), "gid://shopify/OrderIdentity/1")).toEqual({ kind: "offer" });
    expect(calls).toEqual([{ url: "https://facto.test/api/checkout/direct-debit", auth: "Bearer session-token", body: { intent: "status", orderId: "gid://shopify/OrderIdentity/1" } }]);
  });

  it("says the customer already pays by direct debit, and hides itself for guests or errors", async () => {
    expect(await loadOffer(deps(scripted([{ status: 200, body: { offer: false, reason: "active", mandateId: "MNDT1" } }]).fetchImpl), "o")).toEqual({ kind: "active", mandateId: "MNDT1" });
    expect(await loadOffer(deps(scripted([{ status: 200, body: { offer: false, reason: "guest" } }]).fetchImpl), null)).toEqual({ kind: "hidden" });
    expect(await loadOffer(deps(scripted([{ status: 500, body: {} }]).fetchImpl), "o")).toEqual({ kind: "hidden" });
  });

  it("retries while the order is still being processed, then opens the signing page", async () => {
    const { fetchImpl, calls } = scripted([
      { status: 409, body: { error: "Your order is still being processed", retry: true } },
      { status: 409, body: { error: "Your order is still being processed", retry: true } },
      { status: 200, body: { offer: true, url: "https://twikey.test/sign/abc" } },
    ]);
    expect(await startSigning(deps(fetchImpl), "o")).toEqual({ url: "https://twikey.test/sign/abc" });
    expect(calls.map((c) => (c.body as { intent: string }).intent)).toEqual(["start", "start", "start"]);
  });

  it("gives up with Facto's message after the retries", async () => {
    const busy = { status: 409, body: { error: "Your order is still being processed; try again in a few seconds" } };
    expect(await startSigning(deps(scripted([busy, busy, busy, busy, busy]).fetchImpl), "o")).toEqual({ error: "Your order is still being processed; try again in a few seconds" });
  });

  it("speaks the shopper's language", () => {
    expect(texts("nl-BE").button).toBe("Mandaat ondertekenen");
    expect(texts("fr").title).toContain("domiciliation");
    expect(texts("es-ES").button).toBe("Sign the mandate");
  });
});
