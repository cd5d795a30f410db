import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { mapShopifyOrder } from "~/integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "~/integrations/shopify/order-payload";
import type { JobName } from "~/queues.server";
import {
  AFTER_ISSUE_STEPS,
  afterInvoiceIssued,
  afterInvoiceIssuedById,
  autoCollectionStep,
  channelPaymentStep,
  documentsStep,
  emailStep,
  issuedDocumentOfInsert,
  loadIssuedDocument,
  peppolStep,
  saleStep,
  settlementStep,
  storeWriteBackStep,
  type AfterIssueDeps,
  type AfterIssueReport,
} from "~/services/after-invoice-issued.server";
import { issueCreditNote } from "~/services/issue-credit-note.server";
import { issueInvoice } from "~/services/issue-invoice.server";
import { issuedInvoiceOfRow, loadIssuedInvoice } from "~/models/issued-invoice.server";
import { processWebhookEvent, type ProcessDeps } from "~/services/process-webhook-event.server";
import { ensureInvoiceDocuments } from "~/services/render-invoice-documents.server";
import { WooRefundPayload } from "~/integrations/woocommerce/order-payload";
import { encryptSecret } from "~/utils/encryption.server";
import { seedShopifyShop, seedWooStore } from "../support/seed-shop";
import { adoptStackEnv, ROOT } from "../support/stack";

/**
 * The after-issue pipeline (decision 024), step by step against the real database: each step on its
 * own, then the whole list on one load of the document — for a Shopify invoice, a credit note, the
 * admin's credit note (merchant-actions.test.ts) and a WooCommerce refund.
 */
const stack = inject("stack");
let base: Db;
/** The same database, counting reads of the Invoice row (what one load per document saves). */
let db: Db;
const reads = { invoice: 0, stockItem: 0 };
let shopId: string;
const queued: { name: JobName; payload: unknown }[] = [];
const deps = (over: Partial<AfterIssueDeps> = {}): AfterIssueDeps => ({
  enqueue: async (name, payload) => void queued.push({ name, payload }),
  peppolProvider: null,
  renderDocuments: ensureInvoiceDocuments,
  ...over,
});
const jobs = (name: JobName) => queued.filter((j) => j.name === name).map((j) => j.payload);
const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
const notRun = () => Object.fromEntries(AFTER_ISSUE_STEPS.map((s) => [s, "not run"])) as AfterIssueReport;

async function issue(orderId: number, changes: Record<string, unknown> = {}) {
  const raw = { ...fixture, id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}`, name: `#${orderId}`, financial_status: "pending", ...changes };
  const { invoiceId } = await issueInvoice(base, { shopId, order: mapShopifyOrder(ShopifyOrderPayload.parse(raw)), now: new Date() });
  return invoiceId;
}

beforeAll(async () => {
  adoptStackEnv(stack);
  base = createPrisma(stack.databaseUrl, 3);
  db = base.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        if (model === "Invoice" && operation.startsWith("find")) reads.invoice += 1;
        if (model === "StockItem" && operation.startsWith("find")) reads.stockItem += 1;
        return query(args);
      },
    },
  }) as unknown as Db;
  ({ shopId } = await seedShopifyShop(base, { domain: "after-issue.myshopify.com" }));
  await base.shop.update({ where: { id: shopId }, data: { invoiceSender: "FACTO" } });
});
afterAll(async () => base.$disconnect());
beforeEach(() => {
  queued.length = 0;
  reads.invoice = 0;
});

describe("the after-issue steps, each on its own", () => {
  it("sale: takes each line with a SKU Facto keeps off its stock, once; a credit note moves nothing", async () => {
    const item = await base.stockItem.create({ data: { shopId, sku: "LAMP-BR-01", title: "Lamp", quantity: 10, storeQuantity: 10 } });
    const doc = await loadIssuedDocument(db, await issue(9_240_001));
    expect(await saleStep(db, doc, { paidInStore: null }, deps(), notRun())).toBe("1 stock item(s) moved");
    expect(await saleStep(db, doc, { paidInStore: null }, deps(), notRun())).toBe("0 stock item(s) moved");
    const line = doc.lines.find((l) => l.sku === "LAMP-BR-01")!;
    expect((await base.stockItem.findUniqueOrThrow({ where: { id: item.id } })).quantity).toBe(10 - Number(line.quantity));
    await base.stockMovement.deleteMany({ where: { stockItemId: item.id } });
    await base.stockItem.delete({ where: { id: item.id } });
    expect(await saleStep(db, { ...doc, kind: "CREDIT_NOTE" }, { paidInStore: null }, deps(), notRun())).toBe("not an invoice");
  });

  it("channel payment: paid in the store → a CHANNEL line, the invoice PAID, and the loaded copy follows", async () => {
    const doc = await loadIssuedDocument(db, await issue(9_240_002));
    expect(await channelPaymentStep(db, doc, { paidInStore: null }, deps(), notRun())).toBe("not paid in the store");
    const paid = { paidAt: new Date("2026-11-20T13:03:11Z"), method: "Shopify Payments" };
    expect(await channelPaymentStep(db, doc, { paidInStore: paid }, deps(), notRun())).toBe("paid in the store");
    expect([doc.status, doc.amountDue.toFixed(2)]).toEqual(["PAID", "0.00"]);
    const stored = await base.invoice.findUniqueOrThrow({ where: { id: doc.id }, include: { payments: true } });
    expect([stored.status, stored.amountDue.toFixed(2), stored.payments.map((p) => p.provider)]).toEqual(["PAID", "0.00", ["CHANNEL"]]);
    // Again (a retried job): nothing more.
    expect(await channelPaymentStep(db, doc, { paidInStore: paid }, deps(), notRun())).toBe("nothing to record");
  });

  it("documents: the PDF and the UBL are stored", async () => {
    const doc = await loadIssuedDocument(db, await issue(9_240_003));
    expect(await documentsStep(db, doc, { paidInStore: null }, deps(), notRun())).toBe("stored");
    expect((await base.document.findMany({ where: { invoiceId: doc.id } })).map((d) => d.format).sort()).toEqual(["PDF", "UBL"]);
  });

  it("PEPPOL: a business buyer's document is queued for the provider and its e-mail waits; without a provider nothing goes over PEPPOL", async () => {
    await base.shop.update({ where: { id: shopId }, data: { peppolMode: "AUTOMATIC", peppolRegistration: "ACTIVE", peppolProviderCompanyId: "company-1" } });
    try {
      const business = await loadIssuedDocument(db, await issue(9_240_004, { billing_address: { ...fixture.billing_address, company: "Vermeulen BV" }, note_attributes: [{ name: "vat_number", value: "BE0417497106" }] }));
      const consumer = await loadIssuedDocument(db, await issue(9_240_005));
      expect((business.buyer as { vatNumber?: string | null }).vatNumber).toBe("BE0417497106");
      const report = { ...notRun(), peppol: await peppolStep(db, business, { paidInStore: null }, deps({ peppolProvider: "recommand" }), notRun()) };
      expect(report.peppol).toBe("queued; e-mail waits for the outcome");
      expect(jobs("peppol-send")).toEqual([{ invoiceId: business.id }]);
      expect(await base.peppolDelivery.count({ where: { invoiceId: business.id } })).toBe(1);
      expect(await emailStep(db, business, { paidInStore: null }, deps(), report)).toBe("waits for PEPPOL");
      // The shop that always e-mails too.
      const always = { ...business, shop: { ...business.shop, peppolEmail: "ALWAYS" as const } };
      expect(await peppolStep(db, always, { paidInStore: null }, deps({ peppolProvider: "recommand" }), notRun())).toBe("queued; e-mail too");
      expect(await peppolStep(db, consumer, { paidInStore: null }, deps({ peppolProvider: "recommand" }), notRun())).toBe("not over PEPPOL");
      expect(await peppolStep(db, business, { paidInStore: null }, deps({ peppolProvider: null }), notRun())).toBe("not over PEPPOL");
    } finally {
      await base.shop.update({ where: { id: shopId }, data: { peppolMode: "AUTOMATIC", peppolRegistration: "NONE", peppolProviderCompanyId: null } });
    }
  });

  it("e-mail: queued with its send job when Facto sends the shop's e-mails; not when the platform does", async () => {
    const id = await issue(9_240_006);
    await ensureInvoiceDocuments(base, id);
    const doc = await loadIssuedDocument(db, id);
    expect(await emailStep(db, doc, { paidInStore: null }, deps(), { ...notRun(), peppol: "not over PEPPOL" })).toBe("queued");
    const email = await base.emailMessage.findFirstOrThrow({ where: { invoiceId: id, kind: "INVOICE" } });
    expect(jobs("send-email")).toEqual([{ emailId: email.id }]);
    const viaShop = { ...doc, shop: { ...doc.shop, invoiceSender: "PLATFORM" as const } };
    expect(await emailStep(db, viaShop, { paidInStore: null }, deps(), { ...notRun(), peppol: "not over PEPPOL" })).toBe("not sent: the shop platform sends the invoices");
  });

  it("auto-collection: an open invoice of a customer with a signed mandate, in a shop that collects automatically, is collected", async () => {
    const doc = await loadIssuedDocument(db, await issue(9_240_007));
    expect(await autoCollectionStep(db, doc, { paidInStore: null }, deps(), notRun())).toBe("not collected automatically"); // no Twikey
    const twikey = { ...doc, shop: { ...doc.shop, twikeyApiKey: encryptSecret("twikey-key"), twikeyAutoCollect: true } };
    expect(await autoCollectionStep(db, twikey, { paidInStore: null }, deps(), notRun())).toBe("not collected automatically"); // no mandate
    await base.mandate.create({ data: { shopId, customerId: doc.customerId!, mndtId: "MNDT-AFTER-1", status: "SIGNED", signedAt: new Date(), iban: "BE68539007547034" } });
    expect(await autoCollectionStep(db, twikey, { paidInStore: null }, deps(), notRun())).toBe("collection queued");
    expect(jobs("twikey-collect")).toEqual([{ invoiceId: doc.id }]);
    expect(await autoCollectionStep(db, { ...twikey, status: "PAID" }, { paidInStore: null }, deps(), notRun())).toBe("not collected automatically");
    expect(await autoCollectionStep(db, { ...twikey, shop: { ...twikey.shop, twikeyAutoCollect: false } }, { paidInStore: null }, deps(), notRun())).toBe("not collected automatically");
    await base.mandate.deleteMany({ where: { mndtId: "MNDT-AFTER-1" } });
  });

  it("settlement: a credit note lowers what is due on its invoice; an invoice is not settled here", async () => {
    const invoiceId = await issue(9_240_008);
    const invoice = await loadIssuedDocument(db, invoiceId);
    expect(await settlementStep(db, invoice, { paidInStore: null }, deps(), notRun())).toBe("not a credit note");
    const credit = await issueCreditNote(base, { shopId, channel: "SHOPIFY", refund: { refundId: "r-9240008", orderId: "9240008", createdAt: new Date().toISOString(), lines: [], shipping: "0", otherAmount: "50.00", reason: "Goodwill", full: false }, now: new Date() });
    if (credit.status === "nothing-to-credit") throw new Error(credit.reason);
    const note = await loadIssuedDocument(db, credit.creditNoteId);
    expect(await settlementStep(db, note, { paidInStore: null }, deps(), notRun())).toMatch(/^invoice issued, \d+\.\d\d outstanding$/);
    const { taxInclusiveTotal: credited } = await base.invoice.findUniqueOrThrow({ where: { id: note.id } });
    expect(credited.toFixed(2)).toBe("50.00");
    expect((await base.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).amountDue.toFixed(2)).toBe(invoice.amountDue.minus(credited).toFixed(2));
  });

  it("store write-back: the store's order is annotated through the store port (an annotate-order job), for invoices and credit notes", async () => {
    const doc = await loadIssuedDocument(db, await issue(9_240_009));
    expect(await storeWriteBackStep(db, doc, { paidInStore: null }, deps(), notRun())).toBe("annotation queued");
    expect(await storeWriteBackStep(db, { ...doc, kind: "CREDIT_NOTE" }, { paidInStore: null }, deps(), notRun())).toBe("annotation queued");
    expect(jobs("annotate-order")).toEqual([{ invoiceId: doc.id }, { invoiceId: doc.id }]);
  });
});

describe("the whole pipeline", () => {
  it("runs every step in order on one load of a paid Shopify invoice (the Invoice row read 3 times in all, not 8)", async () => {
    const id = await issue(9_240_101);
    reads.invoice = 0;
    const report = await afterInvoiceIssuedById(db, id, { paidInStore: { paidAt: new Date(), method: "Shopify Payments" } }, deps());
    expect(Object.keys(report)).toEqual([...AFTER_ISSUE_STEPS]);
    expect(report).toEqual({
      sale: "0 stock item(s) moved",
      "channel-payment": "paid in the store",
      documents: "stored",
      peppol: "not over PEPPOL",
      email: "queued",
      "auto-collection": "not collected automatically",
      settlement: "not a credit note",
      "store-write-back": "annotation queued",
    });
    // The pipeline's one load + the settlement's read under the row lock + the renderer's own (lines, seller, buyer).
    expect(reads.invoice).toBe(3);
    expect(queued.map((j) => j.name)).toEqual(["send-email", "annotate-order"]);
    const stored = await base.invoice.findUniqueOrThrow({ where: { id }, include: { documents: true } });
    expect(stored.status).toBe("PAID");
    expect(stored.documents).toHaveLength(2);
    // A retried job runs the list again and changes nothing.
    queued.length = 0;
    const again = await afterInvoiceIssued(db, await loadIssuedDocument(db, id), { paidInStore: { paidAt: new Date(), method: "Shopify Payments" } }, deps());
    expect(again["channel-payment"]).toBe("nothing to record");
    expect(await base.payment.count({ where: { invoiceId: id } })).toBe(1);
    expect(await base.emailMessage.count({ where: { invoiceId: id } })).toBe(1);
  });

  it("a credit note: documents, e-mail, settlement of its invoice and the store write-back; no sale, no payment, no collection", async () => {
    const invoiceId = await issue(9_240_102);
    const credit = await issueCreditNote(base, { shopId, channel: "SHOPIFY", refund: { refundId: "r-9240102", orderId: "9240102", createdAt: new Date().toISOString(), lines: [], shipping: "0", reason: "Cancelled", full: true }, now: new Date() });
    if (credit.status === "nothing-to-credit") throw new Error(credit.reason);
    const report = await afterInvoiceIssuedById(db, credit.creditNoteId, { paidInStore: null }, deps());
    expect(report).toMatchObject({ sale: "not an invoice", "channel-payment": "not paid in the store", documents: "stored", email: "queued", "auto-collection": "not collected automatically", settlement: "invoice credited, 0.00 outstanding", "store-write-back": "annotation queued" });
    expect(jobs("annotate-order")).toEqual([{ invoiceId: credit.creditNoteId }]);
    expect((await base.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).amountDue.toFixed(2)).toBe("0.00");
  });

  it("a WooCommerce refund's credit note goes through it too: its order is annotated (WooCommerce credit notes used to miss the write-back)", async () => {
    const { shopId: wooShopId } = await seedWooStore(base, { storeUrl: "https://after-issue-woo.example", webhookSecret: "after-issue-secret" });
    const order = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/woocommerce/order-be-incl.json"), "utf8"));
    const payload = { ...order, id: 9_240_201, number: "9240201", refunds: [{ id: 501, reason: "Kaars beschadigd", total: "-18.00" }] };
    const event = await base.webhookEvent.create({ data: { shopId: wooShopId, provider: "WOOCOMMERCE", deliveryId: "after-issue-woo-1", topic: "order.updated", payload } });
    const refund = WooRefundPayload.parse({ id: 501, amount: "18.00", reason: "Kaars beschadigd", line_items: [{ name: "Sojakaars Amber", sku: "CAND-AMB", quantity: -1, total: "-14.88", total_tax: "-3.12" }] });
    const unused = async () => {
      throw new Error("not used by this event");
    };
    const processDeps: ProcessDeps = {
      now: () => new Date(),
      checkVat: unused,
      afterIssue: deps(),
      payments: { enqueueOrderPaid: unused, enqueueThankYou: unused, notifyMerchant: unused, enqueueStoreStatus: unused },
      readTwikeyFeeds: unused,
      readPontoTransactions: unused,
      receivePeppolDocument: unused,
      requeueEvent: unused,
      wooRefund: async () => refund,
    };
    const outcome = await processWebhookEvent(db, event.id, processDeps);
    expect(outcome.status).toBe("PROCESSED");
    const invoice = await base.invoice.findFirstOrThrow({ where: { shopId: wooShopId, kind: "INVOICE", channelOrderId: "9240201" } });
    const note = await base.invoice.findFirstOrThrow({ where: { shopId: wooShopId, kind: "CREDIT_NOTE", originalInvoiceId: invoice.id } });
    expect(jobs("annotate-order")).toEqual([{ invoiceId: invoice.id }, { invoiceId: note.id }]);
    expect(await base.document.count({ where: { invoiceId: note.id } })).toBe(2);
  });

  it("from the invoice as issuing inserted it (decision 030): the same document and the same bytes as read back, without reading the invoice", async () => {
    const shop = await base.shop.findUniqueOrThrow({ where: { id: shopId } });
    const raw = { ...fixture, id: 9_240_301, admin_graphql_api_id: "gid://shopify/Order/9240301", name: "#9240301", financial_status: "paid" };
    // Facto keeps stock for one of its SKUs: looked up with the issuing (decision 032), taken off by the sale step.
    const lamp = await base.stockItem.create({ data: { shopId, sku: "LAMP-BR-01", title: "Lamp", quantity: 10, storeQuantity: 10 } });
    const issued = await issueInvoice(base, { shopId, order: mapShopifyOrder(ShopifyOrderPayload.parse(raw)), now: new Date(), shop });
    if (!issued.fresh) throw new Error("a new invoice comes back with its inserted row");
    expect(issued.fresh.stockItems).toEqual([{ id: lamp.id, sku: "LAMP-BR-01" }]);
    const doc = issuedDocumentOfInsert(issued.fresh, shop);
    const { inserted: _row, ...fields } = doc;
    expect(fields).toEqual(await loadIssuedDocument(base, issued.invoiceId));
    expect(issuedInvoiceOfRow(issued.fresh.row, null)).toEqual(await loadIssuedInvoice(base, issued.invoiceId));

    reads.invoice = 0;
    reads.stockItem = 0;
    const report = await afterInvoiceIssued(db, doc, { paidInStore: { paidAt: new Date("2026-11-20T13:03:11Z"), method: "Shopify Payments" } }, deps());
    expect(report).toMatchObject({ "channel-payment": "paid in the store", documents: "stored", sale: "1 stock item(s) moved" });
    // Only the settlement's read under the row lock (read back: 3); the stock items were not looked up again.
    expect(reads.invoice).toBe(1);
    expect(reads.stockItem).toBe(0);
    const soldLamps = Number(issued.fresh.row.lines.find((l) => l.sku === "LAMP-BR-01")!.quantity);
    expect((await base.stockItem.findUniqueOrThrow({ where: { id: lamp.id } })).quantity).toBe(10 - soldLamps);
    await base.stockMovement.deleteMany({ where: { stockItemId: lamp.id } });
    await base.stockItem.delete({ where: { id: lamp.id } });
    // The copy followed the payment: what was rendered is what a render from the stored row gives.
    expect(issuedInvoiceOfRow(doc.inserted!.row, null)).toEqual(await loadIssuedInvoice(base, issued.invoiceId));
    const stored = async () => (await base.document.findMany({ where: { invoiceId: issued.invoiceId }, orderBy: { format: "asc" } })).map((d) => [d.format, d.sha256]);
    const fromInsert = await stored();
    await base.document.deleteMany({ where: { invoiceId: issued.invoiceId } });
    await ensureInvoiceDocuments(base, issued.invoiceId);
    expect(await stored()).toEqual(fromInsert);
    // Issued again (a redelivery): no inserted row, the pipeline reads the invoice back.
    expect((await issueInvoice(base, { shopId, order: mapShopifyOrder(ShopifyOrderPayload.parse(raw)), now: new Date(), shop })).fresh).toBeUndefined();
  });

  it("an order paid in the store's checkout is issued paid (decision 030): the payment, its history line and the invoice's fields as recording it after the insert writes them", async () => {
    const shop = await base.shop.findUniqueOrThrow({ where: { id: shopId } });
    const paid = { paidAt: new Date("2026-11-20T13:03:11Z"), method: "Shopify Payments" };
    const order = (id: number) => mapShopifyOrder(ShopifyOrderPayload.parse({ ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${id}`, financial_status: "paid" }));
    // Issued paid, and the pipeline from the inserted row: the payment step has nothing left to do.
    const atIssue = await issueInvoice(base, { shopId, order: order(9_240_401), now: new Date(), shop, paidInStore: paid });
    if (!atIssue.fresh) throw new Error("a new invoice comes back with its inserted row");
    expect(atIssue.fresh.paidAtIssue).toBe(true);
    reads.invoice = 0;
    const report = await afterInvoiceIssued(db, issuedDocumentOfInsert(atIssue.fresh, shop), { paidInStore: paid }, deps());
    expect(report).toMatchObject({ "channel-payment": "paid in the store", documents: "stored" });
    expect(reads.invoice).toBe(0);
    // The same order's invoice issued unpaid, then paid by the step as before.
    const after = await issue(9_240_402);
    await afterInvoiceIssuedById(base, after, { paidInStore: paid }, deps());
    const state = async (id: string) => {
      const i = await base.invoice.findUniqueOrThrow({ where: { id }, include: { payments: true, events: true } });
      return {
        invoice: [i.status, i.paidAmount.toFixed(2), i.amountDue.toFixed(2), i.paidAt, i.paymentMethod],
        payments: i.payments.map((p) => [p.provider, p.externalId === `order:${id}`, p.status, p.amount.toFixed(2), p.currency, p.method, p.paidAt]),
        events: i.events.map((e) => [e.type, e.message, e.data]),
      };
    };
    expect(await state(atIssue.invoiceId)).toEqual(await state(after));
    expect((await state(after)).invoice[0]).toBe("PAID");
    // What was rendered from the inserted row is what a render from the stored invoice gives.
    const stored = async () => (await base.document.findMany({ where: { invoiceId: atIssue.invoiceId }, orderBy: { format: "asc" } })).map((d) => [d.format, d.sha256]);
    const fromInsert = await stored();
    await base.document.deleteMany({ where: { invoiceId: atIssue.invoiceId } });
    await ensureInvoiceDocuments(base, atIssue.invoiceId);
    expect(await stored()).toEqual(fromInsert);
    // A retried job (the invoice found issued): nothing recorded twice.
    const again = await issueInvoice(base, { shopId, order: order(9_240_401), now: new Date(), shop, paidInStore: paid });
    expect(again.fresh).toBeUndefined();
    expect((await afterInvoiceIssuedById(base, again.invoiceId, { paidInStore: paid }, deps()))["channel-payment"]).toBe("nothing to record");
    expect(await base.payment.count({ where: { invoiceId: atIssue.invoiceId } })).toBe(1);
  });
});
