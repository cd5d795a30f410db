import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_PROCESS_ID, INVOICE_DOCUMENT_TYPE_ID } from "~/domain/peppol/document-types";
import { parseParticipantId, type ParticipantId } from "~/domain/peppol/participant-id";
import { AppError, isAppError } from "~/errors/app-error";
import { startFakePeppolNetwork, type FakePeppolNetwork } from "../../../../tests/fakes/fake-peppol-network";
import { startFakeRecommand, type FakeRecommand } from "../../../../tests/fakes/fake-recommand";
import { createRecommandProvider } from "./recommand-provider.server";

const ROOT = path.resolve(__dirname, "../../../..");
const UBL = readFileSync(path.join(ROOT, "tests/golden/domestic.ubl.xml"), "utf8");
const NUMBER = /<cbc:ID>([^<]+)<\/cbc:ID>/.exec(UBL)![1]!;
const id = (s: string): ParticipantId => {
  const r = parseParticipantId(s);
  if (!r.ok) throw new Error(r.reason);
  return r.id;
};
const caught = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe("Recommand provider against the fake Recommand", () => {
  let network: FakePeppolNetwork;
  let fake: FakeRecommand;
  let companyId: string;
  beforeAll(async () => {
    network = await startFakePeppolNetwork();
    fake = await startFakeRecommand({ network });
    network.register("0208:0456810810");
    companyId = fake.addCompany({ name: "Atelier Lumière", enterpriseNumber: "0123456749", isVerified: true }).id;
  });
  afterAll(async () => {
    await fake.close();
    await network.close();
  });
  const provider = (o: { timeoutMs?: number; apiSecret?: string } = {}) =>
    createRecommandProvider({ baseUrl: fake.url, apiKey: fake.apiKey, apiSecret: o.apiSecret ?? fake.apiSecret, timeoutMs: o.timeoutMs ?? 5000 });
  const send = (p = provider(), recipient = "0208:0456810810") =>
    p.send({ companyId, recipient: id(recipient), ubl: UBL, documentTypeId: INVOICE_DOCUMENT_TYPE_ID, processId: BILLING_PROCESS_ID, idempotencyKey: "doc-1", documentNumber: NUMBER });

  it("sends the stored UBL unchanged as documentType xml and returns the provider's ids", async () => {
    const sent = await send();
    expect(sent).toMatchObject({ providerDocumentId: expect.stringMatching(/^doc_/), peppolMessageId: expect.any(String), deliveredToAccessPoint: true });
    const stored = fake.documents.find((d) => d.id === sent.providerDocumentId)!;
    expect(stored.xml).toBe(UBL);
    expect(stored.receiverId).toBe("0208:0456810810");
  });

  it("a recipient not on PEPPOL is a permanent refusal with Recommand's reason", async () => {
    const error = await caught(send(provider(), "0208:0123456749"));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("UPSTREAM_REJECTED");
    expect((error as AppError).retryable).toBe(false);
    expect((error as AppError).message).toMatch(/^Failed to send document over Peppol network\. No Peppol endpoint found for 0208:0123456749/);
  });

  it("a delivery failure at the receiving AP carries its reason", async () => {
    fake.failNextDelivery("AS4 receipt not received: EBMS:0004 receiver certificate revoked");
    const error = await caught(send());
    expect(isAppError(error) && error.code === "UPSTREAM_REJECTED" && error.message.includes("EBMS:0004")).toBe(true);
  });

  it("an outage is retryable", async () => {
    fake.setOutage(true);
    try {
      const error = await caught(send());
      expect(isAppError(error) && error.code === "UPSTREAM_UNAVAILABLE" && error.retryable).toBe(true);
    } finally {
      fake.setOutage(false);
    }
  });

  it("slow acceptance past our timeout is retryable, and findSent then finds the document that did go", async () => {
    const before = fake.transmissions(NUMBER);
    fake.setSlowMs(400);
    try {
      const error = await caught(send(provider({ timeoutMs: 100 })));
      expect(isAppError(error) && error.code === "UPSTREAM_UNAVAILABLE").toBe(true);
    } finally {
      fake.setSlowMs(0);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.transmissions(NUMBER)).toBe(before + 1);
    const found = await provider().findSent({ companyId, documentNumber: NUMBER, recipient: id("0208:0456810810") });
    expect(found?.providerDocumentId).toMatch(/^doc_/);
    expect(await provider().findSent({ companyId, documentNumber: "NOPE-1", recipient: id("0208:0456810810") })).toBeNull();
  });

  it("wrong credentials are a permanent refusal", async () => {
    const error = await caught(provider({ apiSecret: "wrong" }).lookup(id("0208:0456810810")));
    expect(isAppError(error) && error.code === "UPSTREAM_REJECTED" && error.message === "Unauthorized").toBe(true);
  });

  it("looks a participant up", async () => {
    expect(await provider().lookup(id("0208:0456810810"))).toMatchObject({ registered: true, documentTypeIds: expect.arrayContaining([INVOICE_DOCUMENT_TYPE_ID]) });
    expect(await provider().lookup(id("0208:1234567894"))).toEqual({ registered: false, documentTypeIds: [], smpHostnames: [] });
  });

  const company = (o: Partial<{ name: string; vatNumber: string | null; enterpriseNumber: string | null; receiving: boolean }> = {}) => ({
    name: "Bakkerij Zoet BV",
    street: "Markt 1",
    postalCode: "9000",
    city: "Gent",
    countryCode: "BE",
    vatNumber: "BE0412345614",
    enterpriseNumber: null,
    email: "info@zoet.example",
    receiving: true,
    ...o,
  });

  it("registers a company: pending with a verification link until verified, then active", async () => {
    const registration = await provider().registerCompany(company());
    expect(registration).toMatchObject({ state: "PENDING", verificationUrl: expect.stringContaining("/company-verification/cvl_"), receiving: true });
    expect(fake.companies.get(registration.companyId)?.enterpriseNumber).toBe("0412345614");
    expect(fake.verifyCompany(registration.companyId)).toEqual({ status: "verified", errorMessage: null });
    expect(await provider().getCompany(registration.companyId, { lastVerificationUrl: registration.verificationUrl })).toMatchObject({ state: "ACTIVE", verificationUrl: null });
    // Found again by its numbers (a registration whose answer was lost), and not by others'.
    expect(await provider().findCompanies({ enterpriseNumber: "0412345614", vatNumber: null })).toEqual([expect.objectContaining({ companyId: registration.companyId, state: "ACTIVE" })]);
    expect(await provider().findCompanies({ enterpriseNumber: "0876543270", vatNumber: null })).toEqual([]);
  });

  it("a company Recommand refuses (a VAT number whose check digits are wrong) is a permanent refusal with Recommand's reason", async () => {
    const before = fake.companies.size;
    const error = await caught(provider().registerCompany(company({ vatNumber: "BE0412345615", enterpriseNumber: "0412345614" })));
    expect(error).toMatchObject({ code: "UPSTREAM_REJECTED", retryable: false, message: "Belgian VAT number has an invalid check digit" });
    const foreign = await caught(provider().registerCompany(company({ vatNumber: "NL004495445B01", enterpriseNumber: "0412345614" })));
    expect(foreign).toMatchObject({ code: "UPSTREAM_REJECTED", message: "VAT number country code (NL) does not match the selected country (BE)" });
    expect(fake.companies.size).toBe(before);
  });

  it("an identity check that ends in Recommand's refusal (the id is at another SMP) reads as FAILED with its reason; corrected and checked again, active", async () => {
    network.register("0208:0876543270", { accessPoint: "Other AP" });
    const registration = await provider().registerCompany(company({ name: "Drukkerij Inkt NV", vatNumber: "BE0876543270" }));
    expect(fake.verifyCompany(registration.companyId).status).toBe("error");
    const failed = await provider().getCompany(registration.companyId, { lastVerificationUrl: registration.verificationUrl });
    expect(failed).toMatchObject({ state: "FAILED", verificationUrl: null });
    expect(failed.failureReason).toMatch(/^Failed to register company identifier 0208:0876543270, it might already be registered with another SMP \(127\.0\.0\.1\)\. Please revoke your registration with the other SMP and try again/);
    // Without the link Facto recorded it can only say "pending".
    expect((await provider().getCompany(registration.companyId)).state).toBe("PENDING");
    // The merchant revokes the other registration; a new identity check on the same company succeeds.
    network.unregister("0208:0876543270");
    const again = await provider().restartVerification(registration.companyId);
    expect(again.verificationUrl).toMatch(/\/company-verification\/cvl_\w+\/verify$/);
    expect(again.verificationUrl).not.toBe(registration.verificationUrl);
    expect(fake.verifyCompany(registration.companyId).status).toBe("verified");
    expect(await provider().getCompany(registration.companyId, { lastVerificationUrl: again.verificationUrl })).toMatchObject({ state: "ACTIVE" });
    // Sending only from now on: the same company, updated.
    expect(await provider().updateCompany(registration.companyId, company({ name: "Drukkerij Inkt NV", vatNumber: "BE0876543270", receiving: false }))).toMatchObject({ companyId: registration.companyId, receiving: false });
  });

  it("registers a webhook once per URL and company", async () => {
    const url = "http://127.0.0.1:9/webhooks/peppol/tok_once_0123456789abcdef";
    await provider().registerWebhook({ companyId, url });
    await provider().registerWebhook({ companyId, url });
    expect(fake.webhooks.filter((w) => w.url === url)).toHaveLength(1);
    fake.webhooks.splice(fake.webhooks.findIndex((w) => w.url === url), 1);
  });

  it("reads the inbox, fetches a received document with its XML and marks it read", async () => {
    const rejection = await fake.rejectByReceiver(fake.documents.find((d) => d.direction === "outgoing")!.id, "PO number missing");
    const inbox = await provider().listInbox(companyId);
    expect(inbox).toContainEqual({ id: rejection.id });
    const doc = await provider().fetchDocument(rejection.id);
    expect(doc).toMatchObject({ senderId: "0208:0456810810", documentTypeId: expect.stringContaining("invoice_response"), companyId });
    expect(doc.xml).toContain("<cbc:ResponseCode listID=\"UNCL4343OpSubset\">RE</cbc:ResponseCode>");
    await provider().markRead(rejection.id);
    expect(await provider().listInbox(companyId)).not.toContainEqual({ id: rejection.id });
  });

  it("webhooks: Recommand's unsigned document.received call is accepted only with the URL token", async () => {
    let received: { url: string; body: string } | null = null;
    const hook: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received = { url: req.url ?? "", body };
        res.end("ok");
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    try {
      fake.webhooks.push({ id: "wh_t", url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhooks/peppol/recommand/tok_123`, companyId });
      const doc = await fake.receiveDocument({ companyId, senderId: "0208:0456810810", xml: UBL, docTypeId: INVOICE_DOCUMENT_TYPE_ID, processId: BILLING_PROCESS_ID });
      expect(received).not.toBeNull();
      const call = received!;
      const p = provider();
      expect(p.readWebhook({ headers: new Headers(), rawBody: call.body, urlToken: call.url.split("/").pop()!, expectedToken: "tok_123" })).toEqual({
        event: "document.received",
        providerDocumentId: doc.id,
        companyId,
      });
      const forged = (() => {
        try {
          p.readWebhook({ headers: new Headers(), rawBody: call.body, urlToken: "tok_999", expectedToken: "tok_123" });
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(isAppError(forged) && forged.code === "UNAUTHORIZED").toBe(true);
      expect(p.readWebhook({ headers: new Headers(), rawBody: JSON.stringify({ eventType: "document.label.assigned", documentId: "x" }), urlToken: "tok_123", expectedToken: "tok_123" })).toBeNull();
    } finally {
      fake.webhooks.pop();
      await new Promise<void>((r) => hook.close(() => r()));
    }
  });
});
