import type { Db } from "~/db.server";
import { Prisma, type Shop } from "~/generated/prisma/client";
import type { FreshInvoice } from "./issue-invoice.server";
import { accessPointProvider } from "~/integrations/peppol/access-point-provider.server";
import { logger } from "~/logger.server";
import type { Enqueue } from "~/queues.server";
import { EMAIL_TARGET_SELECT, queueCustomerEmailFor } from "./customer-emails.server";
import { dueForAutoCollection } from "./direct-debit.server";
import { CHANNEL_PAYMENT_SELECT, recordChannelPayment } from "./record-channel-payment.server";
import { ensureInvoiceDocuments, type InsertedInvoice } from "./render-invoice-documents.server";
import { PEPPOL_TARGET_SELECT, queuePeppolDelivery } from "./send-peppol-document.server";
import { settledFields, settleInvoicePayments } from "./settle-invoice-payments.server";
import { recordSale } from "./stock.server";

/**
 * What happens after an invoice or a credit note is issued — for both platforms, from a webhook and
 * from the merchant's admin alike (decision 024). The document is loaded once (`loadIssuedDocument`)
 * and every step reads that copy; a step that changes it (the channel payment) updates the copy.
 *
 *   sale → channel payment → documents → PEPPOL → e-mail → auto-collection → settlement → store write-back
 *
 * Each step is idempotent, so a retried job runs the whole list again without doing anything twice.
 */
export const AFTER_ISSUE_STEPS = ["sale", "channel-payment", "documents", "peppol", "email", "auto-collection", "settlement", "store-write-back"] as const;
export type AfterIssueStep = (typeof AFTER_ISSUE_STEPS)[number];

/** Everything the steps read of the issued document, in one query. */
export const ISSUED_DOCUMENT_SELECT = {
  ...CHANNEL_PAYMENT_SELECT,
  ...EMAIL_TARGET_SELECT,
  ...PEPPOL_TARGET_SELECT,
  formattedNumber: true,
  customerId: true,
  originalInvoiceId: true,
  lines: { select: { sku: true, quantity: true } },
  shop: {
    select: {
      ...EMAIL_TARGET_SELECT.shop.select,
      ...PEPPOL_TARGET_SELECT.shop.select,
      twikeyApiKey: true,
      twikeyAutoCollect: true,
    },
  },
} as const satisfies Prisma.InvoiceSelect;
export type IssuedDocument = Prisma.InvoiceGetPayload<{ select: typeof ISSUED_DOCUMENT_SELECT }> & {
  /**
   * The invoice as the issuing job inserted it, with its shop's row: the documents are rendered from it
   * (no read back); the channel-payment step keeps it in step with what it writes. Absent when loaded.
   */
  inserted?: InsertedInvoice & { paidAtIssue: boolean; stockItems: { id: string; sku: string }[] };
};

/**
 * The pipeline's document of an invoice this job has just issued, from what it inserted and the shop
 * row it read — the same fields `loadIssuedDocument` reads, without the five statements (decision 030).
 */
export function issuedDocumentOfInsert(fresh: FreshInvoice, shop: Shop): IssuedDocument {
  const { row } = fresh;
  const shopFields = Object.fromEntries(Object.keys(ISSUED_DOCUMENT_SELECT.shop.select).map((k) => [k, shop[k as keyof Shop]])) as IssuedDocument["shop"];
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    shopId: row.shopId,
    amountDue: row.amountDue,
    currency: row.currency,
    buyer: row.buyer,
    customer: row.customerId ? { email: fresh.customerEmail } : null,
    formattedNumber: row.formattedNumber,
    customerId: row.customerId,
    originalInvoiceId: row.originalInvoiceId,
    lines: row.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    shop: shopFields,
    inserted: { row, shop, paidAtIssue: fresh.paidAtIssue, stockItems: fresh.stockItems },
  };
}

/** The one read of the issued invoice or credit note the pipeline works from. */
export function loadIssuedDocument(db: Db, invoiceId: string): Promise<IssuedDocument> {
  return db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: ISSUED_DOCUMENT_SELECT });
}

/** The collaborators of the pipeline — all required: a missing wire is a type error, never a silent no-op. */
export interface AfterIssueDeps {
  /** Puts a job on its queue (the worker's enqueue, or the web process's). */
  enqueue: Enqueue;
  /** The configured PEPPOL Access Point provider's name; null when none is configured (then nothing goes over PEPPOL). */
  peppolProvider: string | null;
  /** Renders and stores the PDF and the UBL (`ensureInvoiceDocuments`), from the inserted invoice when there is one. */
  renderDocuments: (db: Db, invoiceId: string, inserted?: InsertedInvoice) => Promise<unknown>;
}

export interface AfterIssueInput {
  /** The store says the order is paid (its checkout): recorded before the documents, so they say "Paid". */
  paidInStore: { paidAt: Date; method: string } | null;
}

/** What each step did, by name (for the log, the inbox note and the tests). */
export type AfterIssueReport = Record<AfterIssueStep, string>;

type Step = (db: Db, doc: IssuedDocument, input: AfterIssueInput, deps: AfterIssueDeps, report: AfterIssueReport) => Promise<string>;

/** Stock: the invoice's lines with a SKU Facto keeps are taken off, once. */
export const saleStep: Step = async (db, doc) => {
  if (doc.kind !== "INVOICE") return "not an invoice";
  return `${await recordSale(db, doc, doc.inserted?.stockItems)} stock item(s) moved`;
};

/** Paid in the store's checkout: a CHANNEL payment line and the invoice PAID (the copy follows). */
export const channelPaymentStep: Step = async (db, doc, input) => {
  if (!input.paidInStore) return "not paid in the store";
  // Issued with the store's payment (issueInvoice's paidInStore): recorded in the issuing transaction.
  if (doc.inserted?.paidAtIssue) return "paid in the store";
  const settlement = await recordChannelPayment(db, doc, input.paidInStore);
  if (!settlement) return "nothing to record";
  doc.status = settlement.status;
  doc.amountDue = new Prisma.Decimal(settlement.outstanding);
  if (doc.inserted) Object.assign(doc.inserted.row, settledFields(settlement));
  return settlement.becamePaid ? "paid in the store" : `recorded (${settlement.status.toLowerCase()})`;
};

/** The PDF and the PEPPOL UBL, stored with their sha256. */
export const documentsStep: Step = async (db, doc, _input, deps) => {
  await deps.renderDocuments(db, doc.id, doc.inserted);
  return "stored";
};

/** What the PEPPOL step reports when the customer e-mail waits for the delivery's outcome (the send job queues it then). */
export const EMAIL_WAITS_FOR_PEPPOL = "queued; e-mail waits for the outcome";

/** A business buyer's document goes over PEPPOL (decision 018); whether the e-mail goes now or waits. */
export const peppolStep: Step = async (db, doc, _input, deps) => {
  const peppol = await queuePeppolDelivery(db, doc, deps.peppolProvider);
  if (peppol.queued) await deps.enqueue("peppol-send", { invoiceId: doc.id });
  return peppol.queued ? (peppol.emailNow ? "queued; e-mail too" : EMAIL_WAITS_FOR_PEPPOL) : "not over PEPPOL";
};

/** The document to the customer, when Facto sends the shop's e-mails (and PEPPOL does not go first). */
export const emailStep: Step = async (db, doc, _input, deps, report) => {
  if (report.peppol === EMAIL_WAITS_FOR_PEPPOL) return "waits for PEPPOL";
  const { emailId, reason } = await queueCustomerEmailFor(db, doc, doc.kind === "CREDIT_NOTE" ? "CREDIT_NOTE" : "INVOICE");
  if (emailId) await deps.enqueue("send-email", { emailId });
  return emailId ? "queued" : `not sent: ${reason}`;
};

/** A customer with a signed mandate, in a shop that collects automatically: the invoice is collected (Twikey). */
export const autoCollectionStep: Step = async (db, doc, _input, deps) => {
  if (!(await dueForAutoCollection(db, doc))) return "not collected automatically";
  await deps.enqueue("twikey-collect", { invoiceId: doc.id });
  return "collection queued";
};

/** A credit note lowers what the customer owes on its invoice. */
export const settlementStep: Step = async (db, doc) => {
  if (doc.kind !== "CREDIT_NOTE" || !doc.originalInvoiceId) return "not a credit note";
  const settlement = await settleInvoicePayments(db, doc.originalInvoiceId);
  return `invoice ${settlement.status.toLowerCase()}, ${settlement.outstanding} outstanding`;
};

/** The store's order shows the document (invoice number, status, credit notes): the store port, as a job. */
export const storeWriteBackStep: Step = async (_db, doc, _input, deps) => {
  await deps.enqueue("annotate-order", { invoiceId: doc.id });
  return "annotation queued";
};

const STEPS: Record<AfterIssueStep, Step> = {
  sale: saleStep,
  "channel-payment": channelPaymentStep,
  documents: documentsStep,
  peppol: peppolStep,
  email: emailStep,
  "auto-collection": autoCollectionStep,
  settlement: settlementStep,
  "store-write-back": storeWriteBackStep,
};

/** Runs every step, in order, on the loaded document. */
export async function afterInvoiceIssued(db: Db, doc: IssuedDocument, input: AfterIssueInput, deps: AfterIssueDeps): Promise<AfterIssueReport> {
  const report = Object.fromEntries(AFTER_ISSUE_STEPS.map((s) => [s, "not run"])) as AfterIssueReport;
  for (const step of AFTER_ISSUE_STEPS) report[step] = await STEPS[step](db, doc, input, deps, report);
  logger.debug({ invoiceId: doc.id, kind: doc.kind, shopId: doc.shopId, steps: report }, "after-issue pipeline done");
  return report;
}

/** The production collaborators: the configured PEPPOL provider and the stored documents, with the caller's enqueue. */
export function afterIssueDeps(enqueue: Enqueue): AfterIssueDeps {
  return { enqueue, peppolProvider: accessPointProvider()?.name ?? null, renderDocuments: ensureInvoiceDocuments };
}

/** Loads the document once and runs the pipeline on it. */
export async function afterInvoiceIssuedById(db: Db, invoiceId: string, input: AfterIssueInput, deps: AfterIssueDeps): Promise<AfterIssueReport> {
  return afterInvoiceIssued(db, await loadIssuedDocument(db, invoiceId), input, deps);
}
