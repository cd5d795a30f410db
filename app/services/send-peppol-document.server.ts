import type { Db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { BILLING_PROCESS_ID, documentTypeIdFor } from "~/domain/peppol/document-types";
import { deriveParticipantId, parseParticipantId } from "~/domain/peppol/participant-id";
import { AppError, isAppError } from "~/errors/app-error";
import type { AccessPointProvider } from "~/integrations/peppol/access-point-provider";
import { logger } from "~/logger.server";
import { lookupParticipant, type LookupDeps } from "./peppol-lookup.server";

const FINAL = ["DELIVERED", "ACKNOWLEDGED", "REJECTED", "FAILED", "NOT_ON_PEPPOL"] as const;

/** What the PEPPOL decision needs of a document (its caller loads it: the after-issue pipeline). */
export const PEPPOL_TARGET_SELECT = {
  id: true,
  shopId: true,
  buyer: true,
  shop: { select: { peppolMode: true, peppolEmail: true, peppolRegistration: true, peppolProviderCompanyId: true } },
} as const satisfies Prisma.InvoiceSelect;
export type PeppolTarget = Prisma.InvoiceGetPayload<{ select: typeof PEPPOL_TARGET_SELECT }>;

/**
 * After a document is rendered: does it go over PEPPOL? Yes when the shop sends automatically, a
 * provider is configured, the shop's company is active at the provider and the buyer has a PEPPOL
 * id (a business). Then a PeppolDelivery row is queued (one per document) and the caller enqueues
 * the "peppol-send" job; the customer e-mail waits for the job's outcome unless the shop always
 * e-mails too. No network here: the lookup happens in the job, where an outage can be retried.
 */
export async function queuePeppolDelivery(
  db: Db,
  invoice: PeppolTarget,
  providerName: string | null,
): Promise<{ queued: boolean; emailNow: boolean }> {
  if (!providerName) return { queued: false, emailNow: true };
  const invoiceId = invoice.id;
  const shop = invoice.shop;
  if (shop.peppolMode !== "AUTOMATIC" || shop.peppolRegistration !== "ACTIVE" || !shop.peppolProviderCompanyId) return { queued: false, emailNow: true };
  const recipient = buyerParticipantId(invoice.buyer);
  if (!recipient) return { queued: false, emailNow: true };
  await db.peppolDelivery.upsert({
    where: { invoiceId },
    create: { shopId: invoice.shopId, invoiceId, recipientId: recipient, provider: providerName },
    update: {},
  });
  return { queued: true, emailNow: shop.peppolEmail === "ALWAYS" };
}

/** The buyer's PEPPOL id as issued on the invoice (buyer snapshot), or null for a consumer. */
export function buyerParticipantId(buyer: unknown): string | null {
  const b = (buyer ?? {}) as { vatNumber?: string | null; enterpriseNumber?: string | null; countryCode?: string | null; peppolId?: string | null };
  if (b.peppolId) {
    const typed = parseParticipantId(b.peppolId);
    if (typed.ok) return typed.id.full;
  }
  if (!b.vatNumber && !b.enterpriseNumber) return null;
  const derived = deriveParticipantId({ country: b.countryCode ?? null, vatNumber: b.vatNumber, enterpriseNumber: b.enterpriseNumber });
  return derived.ok ? derived.id.full : null;
}

export interface SendDeps extends LookupDeps {
  provider: AccessPointProvider;
  /** Queue the customer e-mail (the fallback when the document cannot go over PEPPOL). */
  queueEmail: (invoiceId: string, kind: "INVOICE" | "CREDIT_NOTE") => Promise<void>;
  notifyMerchant: (shopId: string, subject: string, text: string) => Promise<void>;
  /** The delivery reached a final state: the store's order shows it (metafield / order meta). */
  onSettled?: (invoiceId: string) => Promise<void>;
}

export type SendOutcome = { state: (typeof FINAL)[number] | "SKIPPED"; reason?: string | null; recovered?: boolean };

/**
 * The "peppol-send" job: deliver one document, exactly once.
 * 1. A delivery already final is left alone (a replayed job does nothing).
 * 2. A delivery found in SENDING means an earlier attempt may have reached the provider (crash or
 *    timeout after the call): the provider is asked for that document first (findSent); only when it
 *    has none is the document sent again.
 * 3. SENDING is committed before the provider is called, with the attempt counted.
 * Outage → the error is rethrown (retryable, the queue backs off) and the row stays SENDING with the
 * reason; a refusal → FAILED with the provider's reason, the merchant is told, the customer e-mailed
 * (fallback). A recipient not on PEPPOL → NOT_ON_PEPPOL and the e-mail.
 */
export async function sendPeppolDocument(db: Db, invoiceId: string, deps: SendDeps): Promise<SendOutcome> {
  const outcome = await deliver(db, invoiceId, deps);
  if (outcome.state !== "SKIPPED") await deps.onSettled?.(invoiceId);
  return outcome;
}

async function deliver(db: Db, invoiceId: string, deps: SendDeps): Promise<SendOutcome> {
  const delivery = await db.peppolDelivery.findUnique({
    where: { invoiceId },
    include: {
      invoice: { select: { id: true, kind: true, formattedNumber: true, shop: { select: { id: true, peppolProviderCompanyId: true, peppolEmail: true, domain: true } } } },
    },
  });
  if (!delivery) return { state: "SKIPPED", reason: "no PEPPOL delivery for this document" };
  if ((FINAL as readonly string[]).includes(delivery.state)) return { state: "SKIPPED", reason: `already ${delivery.state}` };
  const { invoice } = delivery;
  const shop = invoice.shop;
  const log = logger.child({ shop: shop.domain, invoice: invoice.formattedNumber, job: "peppol-send" });
  const recipient = parseParticipantId(delivery.recipientId);
  if (!recipient.ok) return fail(db, delivery.id, invoice, deps, recipient.reason, "FAILED");
  const companyId = shop.peppolProviderCompanyId;
  if (!companyId) return fail(db, delivery.id, invoice, deps, "Your company is not registered on PEPPOL (settings)", "FAILED");

  // 2. Crash window: did the earlier attempt go?
  if (delivery.state === "SENDING") {
    const found = await deps.provider.findSent({ companyId, documentNumber: invoice.formattedNumber, recipient: recipient.id });
    if (found) {
      log.warn({ providerDocumentId: found.providerDocumentId }, "PEPPOL document found already sent after an interrupted attempt: recorded, not sent again");
      await db.peppolDelivery.update({
        where: { id: delivery.id },
        data: { state: "DELIVERED", providerDocumentId: found.providerDocumentId, peppolMessageId: found.peppolMessageId, deliveredAt: deps.now(), reason: null },
      });
      return { state: "DELIVERED", recovered: true };
    }
  }

  // Is the recipient on PEPPOL for this document type?
  const lookup = await lookupParticipant(db, shop.id, recipient.id, deps);
  const canReceive = invoice.kind === "CREDIT_NOTE" ? lookup.creditNote : lookup.invoice;
  if (!canReceive) {
    const reason = lookup.registered ? `${recipient.id.full} is on PEPPOL but does not receive ${invoice.kind === "CREDIT_NOTE" ? "credit notes" : "invoices"}` : (lookup.reason ?? "not on PEPPOL");
    await db.peppolDelivery.update({ where: { id: delivery.id }, data: { state: "NOT_ON_PEPPOL", reason } });
    await deps.queueEmail(invoice.id, invoice.kind);
    return { state: "NOT_ON_PEPPOL", reason };
  }

  const ubl = await db.document.findUnique({ where: { invoiceId_format: { invoiceId, format: "UBL" } }, select: { content: true } });
  if (!ubl) throw new AppError("NOT_FOUND", `The UBL of ${invoice.formattedNumber} is not rendered yet`, { retryable: true });

  // 3. SENDING first, committed, then the call.
  const claimed = await db.peppolDelivery.updateMany({
    where: { id: delivery.id, state: { in: ["QUEUED", "SENDING"] } },
    data: { state: "SENDING", sendingAt: deps.now(), attempts: { increment: 1 } },
  });
  if (claimed.count === 0) return { state: "SKIPPED", reason: "taken by another attempt" };

  try {
    const sent = await deps.provider.send({
      companyId,
      recipient: recipient.id,
      ubl: Buffer.from(ubl.content).toString("utf8"),
      documentTypeId: documentTypeIdFor(invoice.kind),
      processId: BILLING_PROCESS_ID,
      idempotencyKey: delivery.id,
      documentNumber: invoice.formattedNumber,
    });
    await db.peppolDelivery.update({
      where: { id: delivery.id },
      data: { state: "DELIVERED", providerDocumentId: sent.providerDocumentId, peppolMessageId: sent.peppolMessageId, deliveredAt: deps.now(), reason: null },
    });
    log.info({ providerDocumentId: sent.providerDocumentId }, "PEPPOL document delivered");
    return { state: "DELIVERED" };
  } catch (error) {
    if (isAppError(error) && !error.retryable) {
      return fail(db, delivery.id, invoice, deps, error.message, "FAILED");
    }
    await db.peppolDelivery.update({ where: { id: delivery.id }, data: { reason: `Retrying: ${error instanceof Error ? error.message : String(error)}` } });
    throw error;
  }
}

async function fail(
  db: Db,
  deliveryId: string,
  invoice: { id: string; kind: "INVOICE" | "CREDIT_NOTE"; formattedNumber: string; shop: { id: string; peppolEmail: string } },
  deps: SendDeps,
  reason: string,
  state: "FAILED" | "REJECTED",
): Promise<SendOutcome> {
  // The state and "the merchant is told" in one statement: nobody reads the failure without the notice
  // being taken, and only the first failure of a delivery takes it.
  const notified = await db.peppolDelivery.updateMany({ where: { id: deliveryId, merchantNotifiedAt: null }, data: { state, reason, merchantNotifiedAt: new Date() } });
  if (notified.count === 0) await db.peppolDelivery.update({ where: { id: deliveryId }, data: { state, reason } });
  if (notified.count === 1) {
    await deps.notifyMerchant(
      invoice.shop.id,
      `${invoice.formattedNumber} could not be delivered over PEPPOL`,
      `${invoice.formattedNumber} was not delivered over PEPPOL: ${reason}\n${invoice.shop.peppolEmail === "FALLBACK" ? "Your customer gets it by e-mail instead." : ""}`,
    );
  }
  if (invoice.shop.peppolEmail === "FALLBACK") await deps.queueEmail(invoice.id, invoice.kind);
  return { state, reason };
}

/**
 * The merchant asks for a PEPPOL delivery from the invoice page (manual mode, or again after a
 * failure / after the customer joined PEPPOL). A delivered document is never sent again.
 */
export async function requestPeppolDelivery(db: Db, shopId: string, invoiceId: string, providerName: string | null): Promise<void> {
  if (!providerName) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "PEPPOL is not configured on this Facto installation");
  const invoice = await db.invoice.findFirst({ where: { id: invoiceId, shopId }, select: { buyer: true, shop: { select: { peppolRegistration: true } } } });
  if (!invoice) throw new AppError("NOT_FOUND", "Invoice not found");
  if (invoice.shop.peppolRegistration !== "ACTIVE") throw new AppError("SHOP_SETTINGS_INCOMPLETE", "Register your company on PEPPOL first (PEPPOL page)");
  const recipient = buyerParticipantId(invoice.buyer);
  if (!recipient) throw new AppError("BAD_REQUEST", "This customer has no PEPPOL id (no valid VAT or enterprise number)");
  const existing = await db.peppolDelivery.findUnique({ where: { invoiceId } });
  if (!existing) {
    await db.peppolDelivery.create({ data: { shopId, invoiceId, recipientId: recipient, provider: providerName } });
    return;
  }
  if (existing.state !== "FAILED" && existing.state !== "NOT_ON_PEPPOL") {
    throw new AppError("BAD_REQUEST", `This document is already ${existing.state.toLowerCase().replace(/_/g, " ")} over PEPPOL`);
  }
  // FAILED / NOT_ON_PEPPOL: nothing reached the receiver, so a new attempt cannot duplicate one.
  await db.peppolDelivery.update({
    where: { id: existing.id },
    data: { state: "QUEUED", recipientId: recipient, reason: null, merchantNotifiedAt: null },
  });
  await db.peppolLookup.deleteMany({ where: { shopId, participantId: recipient } });
}

/** The delivery as the invoice page and the order show it. */
export const PEPPOL_STATE_LABEL: Record<string, string> = {
  QUEUED: "queued",
  SENDING: "sending",
  DELIVERED: "delivered",
  ACKNOWLEDGED: "acknowledged by the customer",
  REJECTED: "rejected by the customer",
  FAILED: "failed",
  NOT_ON_PEPPOL: "customer not on PEPPOL (e-mailed)",
};
