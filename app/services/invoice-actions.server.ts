import { recordAudit } from "./audit-log.server";
import type { Db } from "~/db.server";
import { writePain008, type Collection } from "~/domain/sepa/write-pain008";
import { creditorIdentifier, isValidCreditorIdentifier } from "~/domain/sepa/creditor-identifier";
import { AppError, isAppError } from "~/errors/app-error";
import { issueCreditNote } from "./issue-credit-note.server";
import { settleWithEffects, type PaymentEffects } from "./online-payment.server";
import { afterInvoiceIssuedById, type AfterIssueDeps } from "./after-invoice-issued.server";
import { recordInvoiceEvent } from "./settle-invoice-payments.server";

/** The merchant records a payment Facto could not see (a transfer, cash): amount, date and method. */
export async function recordManualPayment(db: Db, shopId: string, invoiceId: string, input: { amount: string; paidOn: string; method: string }, effects: PaymentEffects) {
  const invoice = await db.invoice.findFirst({ where: { id: invoiceId, shopId }, select: { id: true, kind: true, status: true, currency: true, amountDue: true } });
  if (!invoice) throw new AppError("NOT_FOUND", "Invoice not found");
  if (invoice.kind !== "INVOICE" || invoice.status !== "ISSUED") throw new AppError("BAD_REQUEST", `This ${invoice.kind === "INVOICE" ? "invoice is " + invoice.status.toLowerCase() : "credit note needs no payment"}`);
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(input.amount) || Number(input.amount) <= 0) throw new AppError("BAD_REQUEST", "Enter the amount received, e.g. 228.91");
  if (Number(input.amount) > Number(invoice.amountDue.toFixed(2))) throw new AppError("BAD_REQUEST", `At most ${invoice.amountDue.toFixed(2)} is still due`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.paidOn) || Number.isNaN(Date.parse(input.paidOn)) || input.paidOn > new Date().toISOString().slice(0, 10)) throw new AppError("BAD_REQUEST", "Enter the date the money arrived (not in the future)");
  const method = input.method.trim() || "Bank transfer";
  await db.payment.create({ data: { shopId, invoiceId, provider: "MANUAL", status: "PAID", amount: input.amount, currency: invoice.currency, method, paidAt: new Date(`${input.paidOn}T12:00:00Z`) } });
  await recordInvoiceEvent(db, { shopId, invoiceId, type: "payment.paid", message: `Payment recorded by the merchant: ${invoice.currency} ${Number(input.amount).toFixed(2)} on ${input.paidOn} (${method})` });
  return settleWithEffects(db, invoiceId, effects);
}

/**
 * A credit note for what is still uncredited on the invoice (the merchant cancels the sale), followed
 * by the after-issue pipeline like every credit note: documents, PEPPOL or e-mail, the invoice's
 * settlement, the store's order annotated.
 */
export async function creditInvoiceFully(db: Db, shopId: string, invoiceId: string, reason: string, now: Date, afterIssue: AfterIssueDeps) {
  const invoice = await db.invoice.findFirst({ where: { id: invoiceId, shopId, kind: "INVOICE" }, select: { id: true, channel: true, channelOrderId: true, creditNotes: { select: { id: true } } } });
  if (!invoice) throw new AppError("NOT_FOUND", "Invoice not found");
  const result = await issueCreditNote(db, {
    shopId,
    channel: invoice.channel,
    refund: { refundId: `manual:${invoice.id}:${invoice.creditNotes.length + 1}`, orderId: invoice.channelOrderId, createdAt: now.toISOString(), lines: [], shipping: "0", reason: reason.trim() || "Credited by the merchant", full: true },
    now,
  });
  if (result.status === "nothing-to-credit") throw new AppError("BAD_REQUEST", result.reason);
  await afterInvoiceIssuedById(db, result.creditNoteId, { paidInStore: null }, afterIssue);
  await recordInvoiceEvent(db, { shopId, invoiceId, type: "credit-note.issued", message: `Credited by ${result.formattedNumber}${reason.trim() ? `: ${reason.trim()}` : ""}` });
  return result;
}

/**
 * pain.008 for merchants who collect through their own bank: the selected open EUR invoices of
 * customers with a signed mandate, FRST for a mandate's first collection and RCUR after, the
 * structured communication as remittance. Each invoice is claimed like a Twikey collection
 * (one live collection per invoice), so it is never in two files.
 */
export async function exportPain008(db: Db, shopId: string, input: { invoiceIds: string[]; collectionDate: string; now: Date }): Promise<{ xml: string; messageId: string; included: string[]; skipped: { invoice: string; reason: string }[] }> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { legalName: true, name: true, iban: true, bic: true, countryCode: true, enterpriseNumber: true } });
  if (!shop.iban || !shop.enterpriseNumber) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "The creditor's IBAN and enterprise number are needed for a collection file");
  const creditorId = creditorIdentifier(shop.countryCode, shop.enterpriseNumber);
  if (!isValidCreditorIdentifier(creditorId)) throw new AppError("SHOP_SETTINGS_INCOMPLETE", `The creditor identifier ${creditorId} is not valid`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.collectionDate) || input.collectionDate <= input.now.toISOString().slice(0, 10)) throw new AppError("BAD_REQUEST", "Choose a collection date after today");
  const messageId = `FACTO-${input.now.toISOString().replace(/\D/g, "").slice(0, 14)}-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  const collections: Collection[] = [];
  const included: string[] = [];
  const skipped: { invoice: string; reason: string }[] = [];
  for (const id of input.invoiceIds) {
    const invoice = await db.invoice.findFirst({ where: { id, shopId }, select: { id: true, formattedNumber: true, kind: true, status: true, currency: true, amountDue: true, paymentReference: true, customerId: true, buyer: true } });
    if (!invoice) continue;
    if (invoice.kind !== "INVOICE" || invoice.status !== "ISSUED" || !invoice.amountDue.greaterThan(0)) {
      skipped.push({ invoice: invoice.formattedNumber, reason: "not open" });
      continue;
    }
    if (invoice.currency !== "EUR") {
      skipped.push({ invoice: invoice.formattedNumber, reason: "not in EUR" });
      continue;
    }
    const mandate = invoice.customerId ? await db.mandate.findFirst({ where: { customerId: invoice.customerId, status: "SIGNED", iban: { not: null } }, orderBy: { signedAt: "desc" } }) : null;
    if (!mandate?.iban || !mandate.signedAt) {
      skipped.push({ invoice: invoice.formattedNumber, reason: "no signed mandate" });
      continue;
    }
    const previous = await db.payment.count({ where: { shopId, provider: "DIRECT_DEBIT", mandateReference: mandate.mndtId, status: { in: ["PENDING", "PAID"] } } });
    try {
      await db.payment.create({ data: { shopId, invoiceId: id, provider: "DIRECT_DEBIT", status: "PENDING", amount: invoice.amountDue, currency: "EUR", mandateReference: mandate.mndtId, collectionFor: id, externalId: `pain008:${messageId}:${invoice.formattedNumber}`, method: "SEPA direct debit (own bank)", sentToBankAt: input.now } });
    } catch (error) {
      if ((error as { code?: string }).code === "P2002") {
        skipped.push({ invoice: invoice.formattedNumber, reason: "already being collected" });
        continue;
      }
      throw error;
    }
    collections.push({
      endToEndId: invoice.formattedNumber,
      amount: invoice.amountDue.toFixed(2),
      mandateId: mandate.mndtId,
      mandateSignedOn: mandate.signedAt.toISOString().slice(0, 10),
      sequence: previous === 0 ? "FRST" : "RCUR",
      scheme: mandate.scheme === "B2B" ? "B2B" : "CORE",
      requestedCollectionDate: input.collectionDate,
      debtorName: mandate.debtorName ?? (invoice.buyer as { name?: string }).name ?? "Customer",
      debtorIban: mandate.iban,
      debtorBic: mandate.bic,
      remittance: invoice.paymentReference ?? invoice.formattedNumber,
    });
    included.push(invoice.formattedNumber);
    await recordInvoiceEvent(db, { shopId, invoiceId: id, type: "collection.started", message: `In SEPA collection file ${messageId} (${input.collectionDate}, mandate ${mandate.mndtId})` });
  }
  if (!collections.length) throw new AppError("BAD_REQUEST", `No invoice can be collected: ${skipped.map((s) => `${s.invoice} (${s.reason})`).join(", ") || "none selected"}`);
  const xml = writePain008({ messageId, createdAt: input.now.toISOString().slice(0, 19), creditor: { name: shop.legalName ?? shop.name ?? "", iban: shop.iban, bic: shop.bic, creditorId, countryCode: shop.countryCode }, collections });
  return { xml, messageId, included, skipped };
}

/** The pain.008 file as a download (form: invoiceId…, collectionDate), or the reason it cannot be made as text. */
export async function pain008Response(db: Db, shopId: string, form: FormData): Promise<Response> {
  try {
    const result = await exportPain008(db, shopId, { invoiceIds: form.getAll("invoiceId").map(String), collectionDate: String(form.get("collectionDate") ?? ""), now: new Date() });
    await recordAudit(db, { shopId, action: "pain.008 export", detail: `${result.messageId}: ${result.included.length} invoice(s)` });
    return new Response(result.xml, {
      headers: {
        "Content-Type": "application/xml; charset=utf-8",
        "Content-Disposition": `attachment; filename="${result.messageId}.xml"`,
        "X-Facto-Included": result.included.join(","),
        "X-Facto-Skipped": result.skipped.map((x) => `${x.invoice}: ${x.reason}`).join("; "),
      },
    });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: error.httpStatus, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
}
