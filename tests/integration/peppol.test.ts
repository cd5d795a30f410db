import { randomUUID } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { sendShopifyWebhook, sendWooWebhook } from "../fakes/send-webhook";
import { startFakeWooCommerce } from "../fakes/fake-woocommerce";
import { encryptSecret } from "~/utils/encryption.server";
import { startFakePeppolNetwork, type FakePeppolNetwork } from "../fakes/fake-peppol-network";
import { startFakeRecommand, type FakeRecommand } from "../fakes/fake-recommand";
import { seedShopifyShop, seedWooStore } from "../support/seed-shop";
import { peppolAction, peppolLoader } from "~/admin-pages/peppol.server";
import { adminIdToken, embeddedQuery } from "../support/shopify-admin-token";
import { customerAction, customerLoader } from "~/admin-pages/customer.server";
import { incomingDocumentResponse, incomingLoader } from "~/admin-pages/incoming.server";
import { searchInvoices } from "~/models/invoice.server";
import { invoicePageData, runInvoiceAction } from "~/services/invoice-page.server";
import { createRecommandProvider } from "~/integrations/peppol/recommand/recommand-provider.server";
import { checkPendingPeppolRegistration, registerPeppolCompany } from "~/services/peppol-registration.server";
import type { AccessPointProvider } from "~/integrations/peppol/access-point-provider";
import { INVOICE_DOCUMENT_TYPE_ID, BILLING_PROCESS_ID, CREDIT_NOTE_DOCUMENT_TYPE_ID } from "~/domain/peppol/document-types";
import { adoptStackEnv, ROOT, startStack, waitFor, type Stack } from "../support/stack";
import { SUPPLIER, supplierSamples } from "../fixtures/peppol/supplier-ubl";


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

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
let nextOrder = 9100;
let lastDelivered: { invoiceId: string; orderId: string; providerDocumentId: string; number: string } | null = null;
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
      PEPPOL_POLL_EVERY_MS: "1000",
    },
  });
  adoptStackEnv(stack.info);
  db = createPrisma(stack.info.databaseUrl, 2);
  ({ shopId } = await seedShopifyShop(db, { domain: shop }));
  await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "FACTO" } });
  network.register("0208:0456810810", { accessPoint: "Brouwerij AP" });
}, 300_000);

// The admin pages' data, read through the loaders the Shopify and WooCommerce pages share (the HTTP
// layer of the embedded admin — session tokens — is covered by admin-pages.test.ts).
const shopRow = () => db.shop.findUniqueOrThrow({ where: { id: shopId } });
const shopifyOrderFields = async (orderId: string) =>
  ((await (await fetch(`${stack.info.fakeShopifyUrl}/_state/${shop}`)).json()) as { metafields: Record<string, Record<string, { value: string }>> }).metafields[`gid://shopify/Order/${orderId}`] ?? {};

describe("PEPPOL registration", () => {
  it("registers the merchant's company through the provider: pending with the identity-check link, then active, webhook registered", async () => {
    const provider = createRecommandProvider({ baseUrl: fake.url, apiKey: fake.apiKey, apiSecret: fake.apiSecret });
    const pending = await registerPeppolCompany(db, await db.shop.findUniqueOrThrow({ where: { id: shopId } }), provider, { receivingHere: true });
    expect(pending).toMatchObject({ peppolRegistration: "PENDING", peppolReceivingHere: true, peppolRegistrationUrl: expect.stringContaining("/company-verification/") });
    const company = fake.companies.get(pending.peppolProviderCompanyId!)!;
    expect(company).toMatchObject({ enterpriseNumber: "0123456749", vatNumber: "BE0123456749", isSmpRecipient: true, isVerified: false });
    expect(fake.webhooks).toContainEqual(expect.objectContaining({ companyId: company.id, url: `${stack.info.appUrl}/webhooks/peppol/${pending.peppolWebhookToken}` }));
    // The PEPPOL page shows "pending" until the provider says verified; opening it asks again.
    const before = await peppolLoader(await shopRow(), "/app");
    expect(before.registration).toMatchObject({ state: "PENDING", verificationUrl: pending.peppolRegistrationUrl });
    fake.verifyCompany(company.id);
    const after = await peppolLoader(await shopRow(), "/app");
    expect(after).toMatchObject({ participantId: "0208:0123456749", registration: { state: "ACTIVE", verificationUrl: null } });
  });

  it("registration explains incomplete company settings and an invalid own PEPPOL id, and registers nothing", async () => {
    const provider = createRecommandProvider({ baseUrl: fake.url, apiKey: fake.apiKey, apiSecret: fake.apiSecret });
    const other = await db.shop.create({ data: { platform: "SHOPIFY", domain: "peppol-refused.myshopify.com", legalName: "X", street: "S 1", postalCode: "1000", city: "B", countryCode: "BE", vatNumber: "BE0123456749" } });
    const refused = await registerPeppolCompany(db, { ...other, city: "" }, provider, { receivingHere: false }).then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ code: "SHOP_SETTINGS_INCOMPLETE" });
    const noVat = await registerPeppolCompany(db, { ...other, vatNumber: "BE0123456789", enterpriseNumber: null }, provider, { receivingHere: false }).then(() => null, (e: unknown) => e);
    expect(noVat).toMatchObject({ code: "SHOP_SETTINGS_INCOMPLETE", message: expect.stringContaining("check digits") });
    expect(fake.companies.size).toBe(1); // nothing was registered for them
  });
});

describe("PEPPOL registration refused, corrected and retried (docs/decisions/026)", () => {
  const form = (intent: string) => {
    const f = new FormData();
    f.set("intent", intent);
    return f;
  };
  /** A Shopify shop of its own (with an admin session), with these numbers. */
  async function merchant(domain: string, numbers: { enterpriseNumber: string; vatNumber: string }) {
    const { shopId: id } = await seedShopifyShop(db, { domain });
    return db.shop.update({ where: { id }, data: { ...numbers, legalName: `Merchant ${domain.split(".")[0]} BV` } });
  }
  const companiesWith = (enterpriseNumber: string) => [...fake.companies.values()].filter((c) => c.enterpriseNumber === enterpriseNumber);
  /** The PEPPOL page as the embedded admin renders it for that shop. */
  async function settingsPage(domain: string) {
    const token = adminIdToken({ shop: domain, apiKey: stack.info.shopifyApiKey, apiSecret: stack.info.shopifyApiSecret });
    const res = await fetch(`${stack.info.appUrl}/app/peppol?${embeddedQuery(domain, token)}`, { headers: { "User-Agent": BROWSER_UA } });
    expect(res.status).toBe(200);
    return (await res.text()).replace(/<!-- -->/g, "");
  }

  it("the provider refuses the company (its VAT number's check digits are wrong): FAILED with the provider's reason on the settings page; corrected, registered, active", async () => {
    const domain = "peppol-typo.myshopify.com";
    const shop = await merchant(domain, { enterpriseNumber: "0412345614", vatNumber: "BE0412345615" }); // Facto derives 0208:0412345614; Recommand checks the VAT number too
    const refused = await peppolAction(shop, form("register"));
    expect(refused).toEqual({ ok: false, error: "Registration failed: Belgian VAT number has an invalid check digit" });
    expect(await db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ peppolRegistration: "FAILED", peppolRegistrationError: "Belgian VAT number has an invalid check digit", peppolProviderCompanyId: null });
    expect(companiesWith("0412345614")).toEqual([]);
    expect((await peppolLoader(await db.shop.findUniqueOrThrow({ where: { id: shop.id } }), "/app")).registration).toMatchObject({ state: "FAILED", error: "Belgian VAT number has an invalid check digit" });
    const page = await settingsPage(domain);
    expect(page).toContain("Reason: Belgian VAT number has an invalid check digit");
    expect(page).toContain("Register my company"); // the merchant can try again
    // The merchant corrects the VAT number in Settings and registers again.
    const corrected = await db.shop.update({ where: { id: shop.id }, data: { vatNumber: "BE0412345614" } });
    expect(await peppolAction(corrected, form("register"))).toEqual({ ok: true, message: "Registration started: confirm your identity with the provider" });
    const [company] = companiesWith("0412345614");
    expect(companiesWith("0412345614")).toHaveLength(1);
    expect(company).toMatchObject({ vatNumber: "BE0412345614", isSmpRecipient: true });
    fake.verifyCompany(company!.id);
    expect((await peppolLoader(await db.shop.findUniqueOrThrow({ where: { id: shop.id } }), "/app")).registration).toMatchObject({ state: "ACTIVE", error: null });
  });

  it("the identity check is refused because the company is registered at another Access Point: FAILED with the provider's reason; after revoking it there, registering again reuses the company", async () => {
    const domain = "peppol-elsewhere.myshopify.com";
    network.register("0208:0876543270", { accessPoint: "Other AP" });
    try {
      const shop = await merchant(domain, { enterpriseNumber: "0876543270", vatNumber: "BE0876543270" });
      expect(await peppolAction(shop, form("register"))).toMatchObject({ ok: true });
      const pending = await db.shop.findUniqueOrThrow({ where: { id: shop.id } });
      expect(pending.peppolRegistration).toBe("PENDING");
      expect(fake.verifyCompany(pending.peppolProviderCompanyId!).status).toBe("error"); // the merchant passed the check; Recommand's SMP registration failed
      // Opening the PEPPOL page asks the provider: FAILED, with its reason.
      const page = await settingsPage(domain);
      expect(page).toMatch(/Reason: Failed to register company identifier 0208:0876543270, it might already be registered with another SMP \(127\.0\.0\.1\)\. Please revoke your registration with the other SMP and try again/);
      expect(page).toContain("I already receive through another Access Point");
      const failed = await db.shop.findUniqueOrThrow({ where: { id: shop.id } });
      expect(failed).toMatchObject({ peppolRegistration: "FAILED", peppolProviderCompanyId: pending.peppolProviderCompanyId, peppolRegistrationUrl: null });
      // Revoked at the other Access Point; registering again: the same company, a new identity check.
      network.unregister("0208:0876543270");
      expect(await peppolAction(failed, form("register"))).toMatchObject({ ok: true });
      const retried = await db.shop.findUniqueOrThrow({ where: { id: shop.id } });
      expect(retried).toMatchObject({ peppolRegistration: "PENDING", peppolProviderCompanyId: pending.peppolProviderCompanyId, peppolRegistrationError: null });
      expect(retried.peppolRegistrationUrl).not.toBe(pending.peppolRegistrationUrl);
      expect(companiesWith("0876543270")).toHaveLength(1);
      expect(fake.verifyCompany(pending.peppolProviderCompanyId!).status).toBe("verified");
      expect((await peppolLoader(await db.shop.findUniqueOrThrow({ where: { id: shop.id } }), "/app")).registration.state).toBe("ACTIVE");
      expect(fake.webhooks.filter((w) => w.companyId === pending.peppolProviderCompanyId)).toHaveLength(1);
    } finally {
      network.unregister("0208:0876543270");
    }
  });

  it("a registration waiting for the provider is checked in the background: the merchant is e-mailed when it is active, or refused with the reason — without opening the PEPPOL page", async () => {
    const mailAbout = (name: string, subject: string) => stack.fakeSmtp.messages.find((m) => m.parsed.subject === `Facto: ${subject}` && m.parsed.text?.includes(name));
    // Verified: the scheduled "peppol-poll-all" (every second in this stack) finds it PENDING and asks the provider.
    const verified = await merchant("peppol-background.myshopify.com", { enterpriseNumber: "0634567862", vatNumber: "BE0634567862" });
    expect(await peppolAction(verified, form("register"))).toMatchObject({ ok: true });
    const pending = await db.shop.findUniqueOrThrow({ where: { id: verified.id } });
    expect(pending.peppolRegistration).toBe("PENDING");
    expect(fake.verifyCompany(pending.peppolProviderCompanyId!).status).toBe("verified");
    await waitFor(async () => (await db.shop.findUniqueOrThrow({ where: { id: verified.id } })).peppolRegistration === "ACTIVE", 30_000, "the registration active");
    await waitFor(async () => Boolean(mailAbout("Merchant peppol-background BV", "your company is on PEPPOL")), 15_000, "the merchant's e-mail");
    expect(mailAbout("Merchant peppol-background BV", "your company is on PEPPOL")?.parsed.text).toContain("receives your suppliers' invoices there");

    // Refused after the identity check (another SMP holds the id): FAILED with the provider's reason, and e-mailed.
    network.register("0208:0745678986", { accessPoint: "Other AP" });
    try {
      const refused = await merchant("peppol-background-refused.myshopify.com", { enterpriseNumber: "0745678986", vatNumber: "BE0745678986" });
      expect(await peppolAction(refused, form("register"))).toMatchObject({ ok: true });
      const waiting = await db.shop.findUniqueOrThrow({ where: { id: refused.id } });
      expect(fake.verifyCompany(waiting.peppolProviderCompanyId!).status).toBe("error");
      await waitFor(async () => (await db.shop.findUniqueOrThrow({ where: { id: refused.id } })).peppolRegistration === "FAILED", 30_000, "the registration refused");
      expect((await db.shop.findUniqueOrThrow({ where: { id: refused.id } })).peppolRegistrationError).toMatch(/might already be registered with another SMP/);
      await waitFor(async () => Boolean(mailAbout("Merchant peppol-background-refused BV", "your PEPPOL registration was refused")), 15_000, "the merchant's e-mail");
      expect(mailAbout("Merchant peppol-background-refused BV", "your PEPPOL registration was refused")?.parsed.text).toMatch(/might already be registered with another SMP/);
    } finally {
      network.unregister("0208:0745678986");
    }
  });

  it("a background check whose answer arrives after the merchant registered again changes nothing and e-mails no one", async () => {
    const shop = await merchant("peppol-raced.myshopify.com", { enterpriseNumber: "0523456738", vatNumber: "BE0523456738" });
    await db.shop.update({ where: { id: shop.id }, data: { peppolRegistration: "PENDING", peppolProviderCompanyId: "company-raced", peppolRegistrationCheckedAt: new Date("2026-11-01T10:00:00Z") } });
    const again = new Date();
    const notices: string[] = [];
    // The provider answers about the earlier identity check — refused — while the merchant starts a new one.
    const provider = {
      name: "stub",
      getCompany: async () => {
        await db.shop.update({ where: { id: shop.id }, data: { peppolRegistrationUrl: "https://provider.example/verify/new", peppolRegistrationCheckedAt: again } });
        return { companyId: "company-raced", state: "FAILED", failureReason: "the earlier check failed", verificationUrl: null, receiving: true };
      },
    } as unknown as AccessPointProvider;
    const outcome = await checkPendingPeppolRegistration(db, shop.id, provider, async (_id, subject) => void notices.push(subject));
    expect(outcome).toEqual({ skipped: "the registration changed meanwhile" });
    expect(await db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ peppolRegistration: "PENDING", peppolRegistrationUrl: "https://provider.example/verify/new", peppolRegistrationError: null });
    expect(notices).toEqual([]);
    await db.shop.update({ where: { id: shop.id }, data: { peppolRegistration: "NONE", peppolProviderCompanyId: null } });
  });

  it("a failed webhook registration: FAILED with the company recorded; registering again creates no second company and registers the webhook once", async () => {
    const shop = await merchant("peppol-webhook.myshopify.com", { enterpriseNumber: "0512345684", vatNumber: "BE0512345684" });
    fake.failNextWebhookCreation(); // create-webhook.ts l.63: 500 "Could not create webhook"
    const first = await peppolAction(shop, form("register"));
    expect(first.ok).toBe(false);
    expect(!first.ok && first.error).toMatch(/^Registration failed: Your company is registered at recommand, but the address where it announces received documents could not be set up/);
    const failed = await db.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(failed.peppolRegistration).toBe("FAILED");
    const [company] = companiesWith("0512345684");
    expect(failed.peppolProviderCompanyId).toBe(company!.id);
    expect(fake.webhooks.filter((w) => w.companyId === company!.id)).toEqual([]);
    const creates = () => fake.requests.filter((r) => r === "POST /api/v1/companies").length;
    const createsBefore = creates();
    expect(await peppolAction(failed, form("register"))).toMatchObject({ ok: true });
    const retried = await db.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(retried).toMatchObject({ peppolRegistration: "PENDING", peppolProviderCompanyId: company!.id, peppolRegistrationError: null });
    expect(companiesWith("0512345684")).toHaveLength(1);
    expect(creates()).toBe(createsBefore);
    expect(fake.webhooks.filter((w) => w.companyId === company!.id)).toEqual([expect.objectContaining({ url: `${stack.info.appUrl}/webhooks/peppol/${retried.peppolWebhookToken}` })]);
    // An answer lost before Facto recorded the company (a crash): the provider is asked for the company with these numbers.
    await db.shop.update({ where: { id: shop.id }, data: { peppolProviderCompanyId: null, peppolRegistration: "NONE" } });
    expect(await peppolAction(await db.shop.findUniqueOrThrow({ where: { id: shop.id } }), form("register"))).toMatchObject({ ok: true });
    expect((await db.shop.findUniqueOrThrow({ where: { id: shop.id } })).peppolProviderCompanyId).toBe(company!.id);
    expect(companiesWith("0512345684")).toHaveLength(1);
    expect(creates()).toBe(createsBefore);
    expect(fake.webhooks.filter((w) => w.companyId === company!.id)).toHaveLength(1);
  });
});

afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
  await fake?.close();
  await network?.close();
});

describe("PEPPOL delivery", () => {
  beforeAll(async () => {
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).peppolRegistration).toBe("ACTIVE");
  });

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
    // The state on the invoice page and on the Shopify order.
    const page = await invoicePageData(db, await shopRow(), invoiceId);
    expect(page?.peppol).toMatchObject({ state: "DELIVERED", label: "delivered", recipient: "0208:0456810810", canSend: false });
    // And as the embedded admin renders it (Shopify's session token; a browser's User-Agent, since the
    // Shopify library answers bots with 410).
    const token = adminIdToken({ shop, apiKey: stack.info.shopifyApiKey, apiSecret: stack.info.shopifyApiSecret });
    const html = await fetch(`${stack.info.appUrl}/app/invoices/${invoiceId}?${embeddedQuery(shop, token)}`, { headers: { "User-Agent": BROWSER_UA } });
    expect(html.status).toBe(200);
    const text = await html.text();
    expect(text).toContain(">PEPPOL<");
    expect(text).toMatch(/To (<!-- -->)?0208:0456810810/);
    const orderId = (await db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).channelOrderId;
    await waitFor(async () => (await shopifyOrderFields(orderId))["facto.peppol_status"]?.value === "delivered", 30_000, "the order's PEPPOL status");
    lastDelivered = { invoiceId, orderId, providerDocumentId: delivery.providerDocumentId!, number: delivery.invoice.formattedNumber };
  });

  it("rejected by the receiver: the Invoice Response arrives by webhook and the invoice, the order and the list show it", async () => {
    const { invoiceId, orderId, providerDocumentId, number } = lastDelivered!;
    await fake.rejectByReceiver(providerDocumentId, "Purchase order number missing");
    const delivery = await deliveryOf(invoiceId, ["REJECTED"]);
    expect(delivery.reason).toBe("Rejected by the customer (RE): Purchase order number missing");
    await waitFor(async () => stack.fakeSmtp.messages.some((m) => m.parsed.subject === `Facto: ${number} was rejected by your customer`), 15_000, "the merchant told of the rejection");
    await waitFor(async () => (await shopifyOrderFields(orderId))["facto.peppol_status"]?.value === "rejected", 30_000, "the order's PEPPOL status rejected");
    const response = await db.incomingDocument.findFirstOrThrow({ where: { shopId, kind: "INVOICE_RESPONSE" } });
    expect(response).toMatchObject({ referencedNumber: number, responseCode: "RE", senderId: "0208:0456810810" });
    const list = await searchInvoices(db, shopId, { peppol: "NOT_DELIVERED" });
    expect(list.invoices.map((i) => [i.formattedNumber, i.peppolDelivery?.state])).toContainEqual([number, "REJECTED"]);
    expect(list.invoices.every((i) => ["QUEUED", "SENDING", "FAILED", "REJECTED"].includes(i.peppolDelivery?.state ?? ""))).toBe(true);
    // The provider's inbox is acknowledged.
    expect(fake.documents.find((d) => d.id === response.providerDocumentId)?.readAt).not.toBeNull();
  });

  it("after the rejection the merchant credits the invoice: the credit note goes over PEPPOL as a BIS 3 credit note", async () => {
    const { invoiceId } = lastDelivered!;
    const form = new FormData();
    form.set("intent", "credit");
    form.set("reason", "Rejected by the customer: purchase order number missing");
    const result = await runInvoiceAction(db, { id: shopId, platform: "SHOPIFY" }, invoiceId, form);
    expect(result).toMatchObject({ ok: true });
    const creditNote = await db.invoice.findFirstOrThrow({ where: { shopId, originalInvoiceId: invoiceId, kind: "CREDIT_NOTE" } });
    const delivery = await deliveryOf(creditNote.id, ["DELIVERED", "FAILED", "NOT_ON_PEPPOL"]);
    expect(delivery.state).toBe("DELIVERED");
    const sent = fake.documents.find((d) => d.id === delivery.providerDocumentId)!;
    expect(sent.docTypeId).toContain("CreditNote-2::CreditNote##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1");
    expect(sent.xml).toContain("<CreditNote");
    const validation = validateUbl(sent.xml!);
    expect(validation.output).not.toMatch(/FATAL/);
    expect(validation.status).toBe(0);
  });

  it("a business not on PEPPOL gets the e-mail as today", async () => {
    const invoiceId = await placeOrder("NL004495445B01", "Koffiebranderij Noord B.V.");
    const delivery = await deliveryOf(invoiceId, ["DELIVERED", "FAILED", "NOT_ON_PEPPOL"]);
    expect(delivery).toMatchObject({ state: "NOT_ON_PEPPOL", recipientId: "9944:NL004495445B01" });
    expect(delivery.reason).toContain("not registered");
    await waitFor(async () => (await emailsOf(invoiceId)).some((e) => e.status === "SENT"), 30_000, "the fallback e-mail");
    expect(fake.sendAttempts.filter((a) => a.documentNumber === delivery.invoice.formattedNumber)).toEqual([]);
  });

  it("the customer page shows the cached lookup, checks again on request, and explains an invalid id", async () => {
    const customer = await db.customer.findFirstOrThrow({ where: { shopId, vatNumber: "NL004495445B01" } });
    const before = await customerLoader(await shopRow(), customer.id, "/app");
    expect(before.peppol).toMatchObject({ participantId: "9944:NL004495445B01", problem: null, lookup: { registered: false, invoice: false, expired: false } });
    network.register("9944:NL004495445B01", { creditNote: false, accessPoint: "Noord AP" });
    const form = new FormData();
    form.set("intent", "peppol-lookup");
    expect(await customerAction(await shopRow(), customer.id, form)).toEqual({ ok: true, message: "9944:NL004495445B01 is on PEPPOL" });
    const after = await customerLoader(await shopRow(), customer.id, "/app");
    expect(after.peppol.lookup).toMatchObject({ registered: true, invoice: true, creditNote: false, accessPoint: "Noord AP" });
    const typo = await db.customer.create({ data: { shopId, channel: "SHOPIFY", externalId: "peppol-typo", name: "Typo BV", vatNumber: "BE0123456789", countryCode: "BE" } });
    expect((await customerLoader(await shopRow(), typo.id, "/app")).peppol).toMatchObject({ participantId: null, problem: expect.stringContaining("check digits of enterprise number 0123456789 do not match") });
  });

  it("a refusal by the receiving side is FAILED with its reason, the merchant is told and the customer e-mailed", async () => {
    fake.failNextDelivery("AS4 receipt not received: EBMS:0004 receiver certificate revoked");
    const invoiceId = await placeOrder("BE0456810810", "Brouwerij De Klok NV");
    const delivery = await deliveryOf(invoiceId, ["DELIVERED", "FAILED", "NOT_ON_PEPPOL"]);
    expect(delivery.state).toBe("FAILED");
    expect(delivery.reason).toBe("Failed to send document over Peppol network. AS4 receipt not received: EBMS:0004 receiver certificate revoked");
    expect(delivery.merchantNotifiedAt).not.toBeNull();
    await waitFor(async () => (await emailsOf(invoiceId)).length === 1, 30_000, "the fallback e-mail");
    // The merchant's e-mail names the document and the reason.
    const subject = `Facto: ${delivery.invoice.formattedNumber} could not be delivered over PEPPOL`;
    await waitFor(async () => stack.fakeSmtp.messages.some((m) => m.parsed.subject === subject), 15_000, "the merchant's notice");
    const notice = stack.fakeSmtp.messages.find((m) => m.parsed.subject === subject);
    expect(notice?.parsed.text).toContain("EBMS:0004 receiver certificate revoked");
    expect(notice?.to).toContain("facturen@atelier-lumiere.example");
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
      // The list's "not delivered" filter leaves delivered documents out and keeps failed / rejected ones.
      const notDelivered = (await searchInvoices(db, shopId, { peppol: "NOT_DELIVERED" })).invoices;
      expect(notDelivered.map((i) => i.id)).not.toContain(invoiceId);
      expect(notDelivered.map((i) => i.peppolDelivery?.state).sort()).toEqual(["FAILED", "REJECTED"]);
    } finally {
      fake.setSlowMs(0);
    }
  });
});

describe("PEPPOL for a WooCommerce store", () => {
  it("a B2B WooCommerce order is invoiced, delivered over PEPPOL, and the order carries the state", async () => {
    const woo = await startFakeWooCommerce();
    try {
      const secret = "woo-peppol-secret";
      const { shopId: wooShopId, connectionId } = await seedWooStore(db, { storeUrl: woo.url, webhookSecret: secret });
      await db.wooConnection.update({ where: { id: connectionId }, data: { consumerKey: encryptSecret(woo.key.consumerKey), consumerSecret: encryptSecret(woo.key.consumerSecret) } });
      const company = fake.addCompany({ name: "Atelier Lumière BV (Woo)", enterpriseNumber: "0123456749", vatNumber: "BE0123456749", isVerified: true });
      await db.shop.update({ where: { id: wooShopId }, data: { peppolRegistration: "ACTIVE", peppolProviderCompanyId: company.id, invoiceSender: "FACTO" } });
      const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/woocommerce/order-be-incl.json"), "utf8"));
      const order = { ...fixture, id: 8801, number: "8801", billing: { ...fixture.billing, company: "Brouwerij De Klok NV" }, meta_data: [{ id: 1, key: "_billing_vat_number", value: "BE0456810810" }] };
      woo.orders.set(8801, order);
      expect((await sendWooWebhook({ appUrl: stack.info.appUrl, connectionId, topic: "order.created", body: JSON.stringify(order), secret, deliveryId: "pe-8801" })).status).toBe(200);
      await waitFor(async () => Boolean(await db.invoice.findFirst({ where: { shopId: wooShopId, channelOrderId: "8801" } })), 60_000, "the WooCommerce invoice");
      const invoice = await db.invoice.findFirstOrThrow({ where: { shopId: wooShopId, channelOrderId: "8801" } });
      const delivery = await deliveryOf(invoice.id, ["DELIVERED", "FAILED", "NOT_ON_PEPPOL"]);
      expect(delivery).toMatchObject({ state: "DELIVERED", recipientId: "0208:0456810810" });
      expect(fake.documents.find((d) => d.id === delivery.providerDocumentId)?.companyId).toBe(company.id);
      const meta = () => (woo.orders.get(8801)!.meta_data as { key: string; value: unknown }[]) ?? [];
      await waitFor(async () => meta().some((m) => m.key === "_facto_peppol_status" && m.value === "delivered"), 30_000, "the order's PEPPOL status in WooCommerce");
    } finally {
      await woo.close();
    }
  });
});

describe("PEPPOL delivery across a crash", () => {
  it("a worker killed while the provider accepts the document: the restarted worker finds it sent and never sends it twice", async () => {
    fake.setSlowMs(4000); // the provider takes 4 s to accept; the worker dies meanwhile
    try {
      const sendsBefore = fake.requests.filter((r) => /^POST \/api\/v1\/[^/]+\/send$/.test(r)).length;
      const invoiceId = await placeOrder("BE0456810810", "Brouwerij De Klok NV");
      const deadline = Date.now() + 30_000;
      // Killed once the send request has reached the provider (SENDING alone may be recorded a moment
      // before the request leaves, which on a loaded machine made this test kill too early).
      while (
        (await db.peppolDelivery.findUnique({ where: { invoiceId } }))?.state !== "SENDING" ||
        fake.requests.filter((r) => /^POST \/api\/v1\/[^/]+\/send$/.test(r)).length === sendsBefore
      ) {
        if (Date.now() > deadline) throw new Error("the send never started");
        await new Promise((r) => setTimeout(r, 20));
      }
      const exited = new Promise((resolve) => stack.worker.once("exit", resolve));
      stack.worker.kill("SIGKILL"); // between "SENDING recorded + request sent" and "DELIVERED recorded"
      await exited;
      const { formattedNumber: number } = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
      await waitFor(async () => fake.transmissions(number) === 1, 15_000, "the provider finishing the transmission");
      expect((await db.peppolDelivery.findUniqueOrThrow({ where: { invoiceId } })).state).toBe("SENDING");
      stack.worker = stack.startWorker();
      // BullMQ hands the stalled job to the new worker once the dead one's lock expires (~30 s).
      const delivery = await deliveryOf(invoiceId, ["DELIVERED", "FAILED"], 120_000);
      expect(delivery.state).toBe("DELIVERED");
      expect(fake.transmissions(number)).toBe(1);
      expect(fake.sendAttempts.filter((a) => a.documentNumber === number)).toHaveLength(1);
      expect(delivery.providerDocumentId).toBe(fake.documents.find((d) => d.documentNumber === number && d.direction === "outgoing")!.id);
    } finally {
      fake.setSlowMs(0);
    }
  }, 180_000);
});

describe("PEPPOL inbound", () => {
  it("a supplier's invoice arrives by the provider's webhook, is stored with its UBL and essentials, and is listed on the Incoming page", async () => {
    const { peppolProviderCompanyId } = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
    const xml = readFileSync(path.join(ROOT, "tests/golden/export.ubl.xml"), "utf8");
    const sent = await fake.receiveDocument({ companyId: peppolProviderCompanyId!, senderId: "0208:0456810810", xml, docTypeId: INVOICE_DOCUMENT_TYPE_ID, processId: BILLING_PROCESS_ID });
    await waitFor(async () => Boolean(await db.incomingDocument.findFirst({ where: { shopId, providerDocumentId: sent.id } })), 30_000, "the incoming invoice");
    const stored = await db.incomingDocument.findFirstOrThrow({ where: { shopId, providerDocumentId: sent.id } });
    expect(Buffer.from(stored.ubl).toString("utf8")).toBe(xml);
    expect(stored).toMatchObject({ kind: "INVOICE", number: /<cbc:ID>([^<]+)</.exec(xml)![1], supplierName: expect.stringContaining("Atelier"), currency: expect.any(String) });
    expect(stored.payableAmount?.toFixed(2)).toBe(/<cbc:PayableAmount currencyID="[A-Z]+">([^<]+)</.exec(xml)![1]);
    const page = await incomingLoader({ id: shopId }, "/app");
    expect(page.documents).toContainEqual(expect.objectContaining({ id: stored.id, kind: "INVOICE", number: stored.number }));
    // Through the admin's resource route, as the Incoming page's download button fetches it.
    const token = adminIdToken({ shop, apiKey: stack.info.shopifyApiKey, apiSecret: stack.info.shopifyApiSecret });
    const pdf = await fetch(`${stack.info.appUrl}/app/incoming/${stored.id}/pdf?${embeddedQuery(shop, token)}`, { headers: { "User-Agent": BROWSER_UA } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    const ubl = await incomingDocumentResponse(shopId, stored.id, "ubl");
    expect(await ubl.text()).toBe(xml);
    expect((await incomingDocumentResponse(shopId, randomUUID(), "pdf")).status).toBe(404);
    // A redelivered webhook for the same document stores nothing new.
    const webhook = fake.webhooks.find((w) => w.companyId === peppolProviderCompanyId)!;
    const again = await fetch(webhook.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ eventType: "document.received", documentId: sent.id, companyId: peppolProviderCompanyId }) });
    expect(again.status).toBe(200);
    expect(await db.incomingDocument.count({ where: { shopId, providerDocumentId: sent.id } })).toBe(1);
  });

  it("a document whose webhook never came is found by polling the provider's inbox", async () => {
    const { peppolProviderCompanyId } = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
    const hooks = fake.webhooks.splice(0); // Recommand calls a webhook once and never again: here, not at all
    try {
      const xml = readFileSync(path.join(ROOT, "tests/golden/creditNote.ubl.xml"), "utf8");
      const sent = await fake.receiveDocument({ companyId: peppolProviderCompanyId!, senderId: "0208:0456810810", xml, docTypeId: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1", processId: BILLING_PROCESS_ID });
      await waitFor(async () => Boolean(await db.incomingDocument.findFirst({ where: { shopId, providerDocumentId: sent.id } })), 30_000, "the polled credit note");
      expect(await db.incomingDocument.findFirstOrThrow({ where: { shopId, providerDocumentId: sent.id } })).toMatchObject({ kind: "CREDIT_NOTE" });
      await waitFor(async () => fake.documents.find((d) => d.id === sent.id)?.readAt !== null, 10_000, "the provider's inbox acknowledged");
    } finally {
      fake.webhooks.push(...hooks);
    }
  });

  it("a supplier's 40-line invoice and credit note without their own PDF are shown as PDFs rendered whole from the UBL; one with the supplier's PDF is shown as is", async () => {
    const { peppolProviderCompanyId } = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
    const token = adminIdToken({ shop, apiKey: stack.info.shopifyApiKey, apiSecret: stack.info.shopifyApiSecret });
    const supplier = `0208:${SUPPLIER.enterpriseNumber}`;
    const receive = async (xml: string, docTypeId: string) => {
      const sent = await fake.receiveDocument({ companyId: peppolProviderCompanyId!, senderId: supplier, xml, docTypeId, processId: BILLING_PROCESS_ID });
      await waitFor(async () => Boolean(await db.incomingDocument.findFirst({ where: { shopId, providerDocumentId: sent.id } })), 30_000, "the incoming document");
      return db.incomingDocument.findFirstOrThrow({ where: { shopId, providerDocumentId: sent.id } });
    };
    const pdfOf = async (id: string) => {
      const res = await fetch(`${stack.info.appUrl}/app/incoming/${id}/pdf?${embeddedQuery(shop, token)}`, { headers: { "User-Agent": BROWSER_UA } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/pdf");
      return Buffer.from(await res.arrayBuffer());
    };
    const text = (pdf: Buffer) => execFileSync("pdftotext", ["-layout", "-", "-"], { input: pdf }).toString("utf8");
    const samples = supplierSamples();
    for (const file of ["supplier-invoice-40-lines.xml", "supplier-credit-note.xml", "supplier-invoice-with-pdf.xml"]) {
      const verdict = validateUbl(readFileSync(path.join(ROOT, "tests/fixtures/peppol", file), "utf8"));
      expect(verdict.output).toContain(": VALID");
      expect(verdict.status).toBe(0);
    }

    const invoice = await receive(samples.invoice40.xml, INVOICE_DOCUMENT_TYPE_ID);
    expect(invoice).toMatchObject({ kind: "INVOICE", number: "VD-2026-004711", supplierName: SUPPLIER.name, hasEmbeddedPdf: false });
    const invoicePdf = await pdfOf(invoice.id);
    expect((invoicePdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length).toBeGreaterThan(1);
    const invoiceText = text(invoicePdf);
    samples.invoice40.lines.forEach((line, i) => expect(invoiceText, `line ${i + 1}`).toContain(`${i + 1}. ${line.name}`));
    for (const expected of ["INVOICE", SUPPLIER.name, "Atelier Lumière BV", samples.invoice40.paymentReference, "BE71 0961 2345 6769", "VAT BREAKDOWN", "Amount due", "Goods remain our property"]) {
      expect(invoiceText).toContain(expected);
    }
    expect((await incomingLoader({ id: shopId }, "/app")).documents).toContainEqual(expect.objectContaining({ id: invoice.id, pdfIsRendered: true }));

    const creditNote = await receive(samples.creditNote.xml, CREDIT_NOTE_DOCUMENT_TYPE_ID);
    expect(creditNote).toMatchObject({ kind: "CREDIT_NOTE", number: "VD-CN-2026-000093" });
    const creditText = text(await pdfOf(creditNote.id));
    for (const expected of ["CREDIT NOTE", "VD-CN-2026-000093", "Credits invoice", "VD-2026-004711", "Credited", ...samples.creditNote.lines.map((l, i) => `${i + 1}. ${l.name}`)]) {
      expect(creditText).toContain(expected);
    }

    const withPdfXml = readFileSync(path.join(ROOT, "tests/fixtures/peppol/supplier-invoice-with-pdf.xml"), "utf8");
    const withPdf = await receive(withPdfXml, INVOICE_DOCUMENT_TYPE_ID);
    expect(withPdf.hasEmbeddedPdf).toBe(true);
    const served = await pdfOf(withPdf.id);
    const embedded = Buffer.from(/<cbc:EmbeddedDocumentBinaryObject[^>]*>([^<]+)</.exec(withPdfXml)![1]!, "base64");
    expect(served.equals(embedded)).toBe(true);
    expect(text(served).replace(/\s+/g, " ")).toContain("(the supplier's own PDF)");
  });

  it("a webhook with a wrong token is refused and stored nowhere", async () => {
    const before = await db.webhookEvent.count({ where: { provider: "PEPPOL" } });
    const res = await fetch(`${stack.info.appUrl}/webhooks/peppol/not-the-token-of-any-shop-xyz`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ eventType: "document.received", documentId: "doc_forged" }) });
    expect(res.status).toBe(401);
    expect(await db.webhookEvent.count({ where: { provider: "PEPPOL" } })).toBe(before);
  });
});
