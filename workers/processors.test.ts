import { describe, expect, it, vi } from "vitest";
import type { Db } from "~/db.server";
import type { JobName, JobPayload } from "~/queues.server";

/**
 * workers/processors.ts is a table: job name → one service call (decision 024). Each processor is
 * called here with its payload and must hand the payload, the worker's database and (where the
 * service queues follow-up work) its enqueue to the right service. The last test fails when a job
 * is added to the table without a case here.
 */
const calls: { service: string; args: unknown[] }[] = [];
const record = (service: string) => (...args: unknown[]) => {
  calls.push({ service, args });
  return Promise.resolve({ service });
};
const mocked = (names: string[]) => Object.fromEntries(names.map((n) => [n, vi.fn(record(n))]));

vi.mock("~/services/process-webhook-event.server", () => mocked(["processWebhookEvent"]));
vi.mock("~/services/process-webhook-deps.server", () => ({ processWebhookDeps: (db: unknown, enqueue: unknown) => ({ deps: "production", db, enqueue }) }));
vi.mock("~/services/render-invoice-documents.server", () => mocked(["ensureInvoiceDocuments"]));
vi.mock("~/services/customer-emails.server", () => mocked(["sendCustomerEmail"]));
vi.mock("~/integrations/mail/mailer.server", () => ({ smtpMailer: () => "smtp-mailer" }));
vi.mock("~/services/store-sync.server", () =>
  mocked(["annotateOrder", "markOrderPaid", "syncMandateToStore", "scheduleStoreReconciliation", "reconcileStoreOrders", "importStockFromStore", "syncStockToStore", "scheduleStockSync"]),
);
vi.mock("~/services/direct-debit-jobs.server", () => mocked(["readShopTwikeyFeeds", "scheduleTwikeyFeeds", "collectInvoiceWithNotice"]));
vi.mock("~/services/maintenance-jobs.server", () => mocked(["runInboxReconciliation", "queueReminders"]));
vi.mock("~/services/peppol-jobs.server", () => mocked(["deliverPeppolDocument", "schedulePeppolPolls", "pollShopPeppolInbox", "checkPeppolRegistration"]));
vi.mock("~/services/ponto-jobs.server", () => mocked(["schedulePontoSyncs", "syncShopPonto"]));

const { processors } = await import("./processors");

const db = { db: "the worker's client" } as unknown as Db;
const enqueue = vi.fn(async () => {});
const ctx = { db, enqueue };
const id = "0b5f8a4e-64a3-4a55-9b7e-3f7c1d1e2a10";

/** Per job: a payload and the one service call it must make. */
const CASES: { [N in JobName]: { payload: JobPayload<N>; service: string; args: unknown[] } } = {
  "process-webhook": { payload: { eventId: id }, service: "processWebhookEvent", args: [db, id, { deps: "production", db, enqueue }] },
  "render-documents": { payload: { invoiceId: id }, service: "ensureInvoiceDocuments", args: [db, id] },
  "send-email": { payload: { emailId: id }, service: "sendCustomerEmail", args: [db, id, "smtp-mailer"] },
  "annotate-order": { payload: { invoiceId: id }, service: "annotateOrder", args: [db, id] },
  "mark-order-paid": { payload: { invoiceId: id }, service: "markOrderPaid", args: [db, id] },
  "sync-mandate-to-store": { payload: { mandateId: id, version: "SIGNED-1" }, service: "syncMandateToStore", args: [db, id] },
  "reconcile-stores": { payload: {}, service: "scheduleStoreReconciliation", args: [db] },
  "reconcile-store-orders": { payload: { shopId: id }, service: "reconcileStoreOrders", args: [db, id, enqueue] },
  "import-stock": { payload: { shopId: id }, service: "importStockFromStore", args: [db, id] },
  "sync-stock": { payload: { shopId: id }, service: "syncStockToStore", args: [db, id] },
  "sync-stock-all": { payload: {}, service: "scheduleStockSync", args: [db] },
  "twikey-feeds-all": { payload: {}, service: "scheduleTwikeyFeeds", args: [db] },
  "twikey-feeds": { payload: { shopId: id }, service: "readShopTwikeyFeeds", args: [db, id, enqueue] },
  "twikey-collect": { payload: { invoiceId: id }, service: "collectInvoiceWithNotice", args: [db, id, enqueue] },
  "queue-reminders": { payload: {}, service: "queueReminders", args: [db, enqueue] },
  "peppol-send": { payload: { invoiceId: id }, service: "deliverPeppolDocument", args: [db, id, enqueue] },
  "peppol-poll-all": { payload: {}, service: "schedulePeppolPolls", args: [db] },
  "peppol-poll": { payload: { shopId: id }, service: "pollShopPeppolInbox", args: [db, id, enqueue] },
  "peppol-registration-check": { payload: { shopId: id }, service: "checkPeppolRegistration", args: [db, id] },
  "reconcile-inbox": { payload: {}, service: "runInboxReconciliation", args: [db] },
  "ponto-sync-all": { payload: {}, service: "schedulePontoSyncs", args: [db] },
  "ponto-sync": { payload: { shopId: id, synchronize: true }, service: "syncShopPonto", args: [db, { shopId: id, synchronize: true }, enqueue] },
};

describe("the worker's processors", () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name} → ${c.service}`, async () => {
      calls.length = 0;
      const processor = processors[name as JobName] as (payload: unknown, ctx: unknown, job: unknown) => Promise<unknown>;
      await expect(processor(c.payload, ctx, {})).resolves.toEqual({ service: c.service });
      expect(calls).toEqual([{ service: c.service, args: c.args }]);
    });
  }

  it("has a case above for every job in the table (and no case for a job that is gone)", () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(processors).sort());
  });
});
