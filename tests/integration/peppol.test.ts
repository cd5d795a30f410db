import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { sendShopifyWebhook } from "../fakes/send-webhook";
import { startFakePeppolNetwork, type FakePeppolNetwork } from "../fakes/fake-peppol-network";
import { startFakeRecommand, type FakeRecommand } from "../fakes/fake-recommand";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT, startStack, waitFor, type Stack } from "../support/stack";

/**
 * PEPPOL end to end (issue #18, docs/decisions/018): a web + worker stack of its own, talking to the
 * fake Recommand API and the fake PEPPOL network (DNS NAPTR + SMP) started here, so the test
 * controls outages, slow answers and refusals. Nothing leaves 127.0.0.1.
 */
let stack: Stack;
let db: Db;
let fake: FakeRecommand;
let network: FakePeppolNetwork;
let shopId: string;
const shop = "peppol.myshopify.com";
const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
// The official contracts live next to the repository (../shared/contracts); from a git worktree under
// wt/ they are one level further up.
const CONTRACTS = [path.resolve(ROOT, "../shared/contracts"), path.resolve(ROOT, "../../shared/contracts")].find((p) => existsSync(p))!;
/** The official validation (UBL XSD + CEN + PEPPOL Schematron), run as its CLI from the project root. */
function validateUbl(xml: string): { status: number | null; output: string } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "peppol-ubl-")), "sent.xml");
  writeFileSync(file, xml);
  const run = spawnSync(process.execPath, [path.join(CONTRACTS, "validator/validate-ubl.mjs"), file], { cwd: ROOT, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

let nextOrder = 9100;
function businessOrder(vatNumber: string, company: string) {
  const id = nextOrder++;
  const address = { ...fixture.billing_address, company };
  return {
    id,
    body: JSON.stringify({ ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#P${id}`, billing_address: address, note_attributes: [{ name: "VAT number", value: vatNumber }] }),
  };
}
async function placeOrder(vatNumber: string, company: string) {
  const order = businessOrder(vatNumber, company);
  const res = await sendShopifyWebhook({ appUrl: stack.info.appUrl, topic: "orders/create", shop, body: order.body, secret: stack.info.shopifyApiSecret, webhookId: randomUUID() });
  expect(res.status).toBe(200);
  let invoiceId = "";
  await waitFor(
    async () => {
      const invoice = await db.invoice.findFirst({ where: { shopId, channelOrderId: String(order.id) }, select: { id: true } });
      invoiceId = invoice?.id ?? "";
      return Boolean(invoice);
    },
    60_000,
    `the invoice of order ${order.id}`,
  );
  return invoiceId;
}
async function deliveryOf(invoiceId: string, states: string[], timeoutMs = 60_000) {
  await waitFor(async () => states.includes((await db.peppolDelivery.findUnique({ where: { invoiceId } }))?.state ?? ""), timeoutMs, `PEPPOL delivery in ${states.join("/")}`);
  return db.peppolDelivery.findUniqueOrThrow({ where: { invoiceId }, include: { invoice: { select: { formattedNumber: true } } } });
}
const emailsOf = (invoiceId: string) => db.emailMessage.findMany({ where: { invoiceId, kind: "INVOICE" } });

beforeAll(async () => {
  network = await startFakePeppolNetwork();
  fake = await startFakeRecommand({ network });
  stack = await startStack({
    label: "peppol",
    extraEnv: {
      RECOMMAND_API_BASE_URL: fake.url,
      RECOMMAND_API_KEY: fake.apiKey,
      RECOMMAND_API_SECRET: fake.apiSecret,
      PEPPOL_SML_ZONE: network.zone,
      PEPPOL_DNS_SERVERS: network.dnsServer,
      RECOMMAND_TIMEOUT_MS: "800",
      PEPPOL_RETRY_DELAY_MS: "2500",
    },
  });
  adoptStackEnv(stack.info);
  db = createPrisma(stack.info.databaseUrl, 2);
  ({ shopId } = await seedShopifyShop(db, { domain: shop }));
  // The merchant's company, registered and verified at the provider (the registration flow has its own test).
  const company = fake.addCompany({ name: "Atelier Lumière BV", enterpriseNumber: "0123456749", vatNumber: "BE0123456749", isVerified: true });
  await db.shop.update({ where: { id: shopId }, data: { peppolRegistration: "ACTIVE", peppolProviderCompanyId: company.id, invoiceSender: "FACTO" } });
  network.register("0208:0456810810", { accessPoint: "Brouwerij AP" });
}, 300_000);

afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
  await fake?.close();
  await network?.close();
});

describe("PEPPOL delivery", () => {
  it("B2B order → invoice → verified recipient → sent over PEPPOL → delivered; the UBL sent is the stored one and passes the official validation", async () => {
    const invoiceId = await placeOrder("BE0456810810", "Brouwerij De Klok NV");
    const delivery = await deliveryOf(invoiceId, ["DELIVERED", "FAILED", "NOT_ON_PEPPOL"]);
    expect(delivery).toMatchObject({ state: "DELIVERED", recipientId: "0208:0456810810", provider: "recommand", attempts: 1, reason: null });
    const sent = fake.documents.find((d) => d.id === delivery.providerDocumentId)!;
    const stored = await db.document.findUniqueOrThrow({ where: { invoiceId_format: { invoiceId, format: "UBL" } } });
    expect(sent.xml).toBe(Buffer.from(stored.content).toString("utf8"));
    expect(sent.receiverId).toBe("0208:0456810810");
    expect(sent.docTypeId).toContain("Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1");
    const validation = validateUbl(sent.xml!);
    expect(validation.output).toContain(": VALID");
    expect(validation.output).not.toMatch(/FATAL/);
    expect(validation.status).toBe(0);
    // The lookup was made through PEPPOL's own discovery too, and cached.
    expect(network.dnsQueries.some((q) => q.startsWith("NAPTR "))).toBe(true);
    expect(await db.peppolLookup.findFirst({ where: { shopId, participantId: "0208:0456810810" } })).toMatchObject({ registered: true, invoice: true, creditNote: true, accessPoint: "Brouwerij AP" });
    // Delivered over PEPPOL: no e-mail (the shop e-mails only as fallback).
    expect(await emailsOf(invoiceId)).toEqual([]);
    expect(fake.transmissions(delivery.invoice.formattedNumber)).toBe(1);
  });

  it("a business not on PEPPOL gets the e-mail as today", async () => {
    const invoiceId = await placeOrder("NL004495445B01", "Koffiebranderij Noord B.V.");
    const delivery = await deliveryOf(invoiceId, ["DELIVERED", "FAILED", "NOT_ON_PEPPOL"]);
    expect(delivery).toMatchObject({ state: "NOT_ON_PEPPOL", recipientId: "9944:NL004495445B01" });
    expect(delivery.reason).toContain("not registered");
    await waitFor(async () => (await emailsOf(invoiceId)).some((e) => e.status === "SENT"), 30_000, "the fallback e-mail");
    expect(fake.sendAttempts.filter((a) => a.documentNumber === delivery.invoice.formattedNumber)).toEqual([]);
  });

  it("a refusal by the receiving side is FAILED with its reason, the merchant is told and the customer e-mailed", async () => {
    fake.failNextDelivery("AS4 receipt not received: EBMS:0004 receiver certificate revoked");
    const invoiceId = await placeOrder("BE0456810810", "Brouwerij De Klok NV");
    const delivery = await deliveryOf(invoiceId, ["DELIVERED", "FAILED", "NOT_ON_PEPPOL"]);
    expect(delivery.state).toBe("FAILED");
    expect(delivery.reason).toBe("Failed to send document over Peppol network. AS4 receipt not received: EBMS:0004 receiver certificate revoked");
    expect(delivery.merchantNotifiedAt).not.toBeNull();
    await waitFor(async () => (await emailsOf(invoiceId)).length === 1, 30_000, "the fallback e-mail");
  });

  it("a provider outage is retried with backoff and sent once recovered — once", async () => {
    fake.setOutage(true);
    const invoiceId = await placeOrder("BE0456810810", "Brouwerij De Klok NV");
    await waitFor(async () => ((await db.peppolDelivery.findUnique({ where: { invoiceId } }))?.reason ?? "").startsWith("Retrying"), 60_000, "a failed attempt");
    const during = await db.peppolDelivery.findUniqueOrThrow({ where: { invoiceId } });
    expect(during.state).toBe("SENDING");
    fake.setOutage(false);
    const delivery = await deliveryOf(invoiceId, ["DELIVERED", "FAILED"]);
    expect(delivery.state).toBe("DELIVERED");
    expect(delivery.attempts).toBeGreaterThanOrEqual(2);
    expect(fake.transmissions(delivery.invoice.formattedNumber)).toBe(1);
  });

  it("slow acceptance past the timeout (the crash window between sent and recorded): the retry finds the sent document and never sends twice", async () => {
    fake.setSlowMs(1500);
    try {
      const invoiceId = await placeOrder("BE0456810810", "Brouwerij De Klok NV");
      const delivery = await deliveryOf(invoiceId, ["DELIVERED", "FAILED"]);
      expect(delivery.state).toBe("DELIVERED");
      const number = delivery.invoice.formattedNumber;
      expect(fake.sendAttempts.filter((a) => a.documentNumber === number)).toHaveLength(1);
      expect(fake.transmissions(number)).toBe(1);
      expect(delivery.providerDocumentId).toBe(fake.documents.find((d) => d.documentNumber === number)!.id);
    } finally {
      fake.setSlowMs(0);
    }
  });
});
