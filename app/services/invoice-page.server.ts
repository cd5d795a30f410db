import type { Db } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import { invoiceWithHistory } from "~/models/invoice.server";
import { enqueue, ensureJob } from "~/queues.server";
import { paymentPageUrl, resendDocumentEmail } from "~/services/customer-emails.server";
import { afterIssueDeps } from "~/services/after-invoice-issued.server";
import { creditInvoiceFully, recordManualPayment } from "~/services/invoice-actions.server";
import { paymentEffects } from "~/services/payment-effects.server";
import { previewToken } from "~/utils/document-response.server";
import { accessPointProvider } from "~/integrations/peppol/access-point-provider.server";
import { buyerParticipantId, PEPPOL_STATE_LABEL, requestPeppolDelivery } from "~/services/send-peppol-document.server";

/**
 * One invoice as the merchant's admin shows it — in Shopify admin and in Facto's WooCommerce admin
 * alike: totals, payment page, payment lines, e-mails, history — and the actions on it.
 */
export async function invoicePageData(prisma: Db, shop: { id: string; twikeyApiKey: string | null; peppolRegistration?: string }, invoiceId: string) {
  const invoice = await invoiceWithHistory(prisma, shop.id, invoiceId);
  if (!invoice) return null;
  const delivery = await prisma.peppolDelivery.findFirst({ where: { invoiceId: invoice.id, shopId: shop.id } });
  const peppolRecipient = buyerParticipantId(invoice.buyer);
  const money = (v: { toFixed(n: number): string }) => `${invoice.currency} ${v.toFixed(2)}`;
  const when = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  return {
    invoice: {
      id: invoice.id,
      number: invoice.formattedNumber,
      kind: invoice.kind,
      status: invoice.status,
      order: invoice.channelOrderName ?? invoice.channelOrderId,
      buyer: (invoice.buyer as { name?: string; email?: string | null }).name ?? "",
      buyerEmail: (invoice.buyer as { email?: string | null }).email ?? "",
      customerId: invoice.customerId,
      issueDate: invoice.issueDate.toISOString().slice(0, 10),
      dueDate: invoice.dueDate?.toISOString().slice(0, 10) ?? null,
      total: money(invoice.taxInclusiveTotal),
      paid: money(invoice.paidAmount),
      due: money(invoice.amountDue),
      dueAmount: invoice.amountDue.toFixed(2),
      reference: invoice.paymentReference,
      vatRegime: invoice.vatRegime,
      vatReason: invoice.vatReason,
      paymentPage: invoice.publicToken ? paymentPageUrl(invoice.publicToken) : null,
      hasPdf: invoice.documents.some((d) => d.format === "PDF"),
      previewUrl: invoice.documents.some((d) => d.format === "PDF") ? `/documents/preview/${invoice.id}?s=${shop.id}&t=${previewToken(shop.id, invoice.id)}` : null,
      canCollect: invoice.status === "ISSUED" && invoice.kind === "INVOICE" && Boolean(shop.twikeyApiKey) && !invoice.payments.some((p) => p.collectionFor === invoice.id) && Boolean(invoice.customerId && (await prisma.mandate.count({ where: { customerId: invoice.customerId, status: "SIGNED" } }))),
      original: invoice.original,
      creditNotes: invoice.creditNotes.map((c) => ({ id: c.id, number: c.formattedNumber, total: money(c.taxInclusiveTotal) })),
    },
    payments: invoice.payments.map((p) => ({
      id: p.id,
      when: when(p.paidAt ?? p.createdAt),
      provider: p.provider,
      status: p.status,
      amount: money(p.amount),
      refunded: p.amountRefunded.greaterThan(0) ? money(p.amountRefunded) : null,
      chargedBack: p.amountChargedBack.greaterThan(0) ? money(p.amountChargedBack) : null,
      method: p.method,
      reference: p.externalId,
      failureReason: p.failureReason,
    })),
    peppol: {
      recipient: delivery?.recipientId ?? peppolRecipient,
      state: delivery?.state ?? null,
      label: delivery ? (PEPPOL_STATE_LABEL[delivery.state] ?? delivery.state) : null,
      reason: delivery?.reason ?? null,
      attempts: delivery?.attempts ?? 0,
      providerDocumentId: delivery?.providerDocumentId ?? null,
      when: delivery ? when(delivery.respondedAt ?? delivery.deliveredAt ?? delivery.sendingAt ?? delivery.queuedAt) : null,
      canSend: shop.peppolRegistration === "ACTIVE" && Boolean(peppolRecipient) && (!delivery || delivery.state === "FAILED" || delivery.state === "NOT_ON_PEPPOL"),
    },
    emails: invoice.emails.map((e) => ({ id: e.id, kind: e.kind, step: e.step, to: e.toAddress, status: e.status, when: when(e.sentAt ?? e.updatedAt), error: e.error, subject: e.subject })),
    events: invoice.events.map((e) => ({ id: e.id, when: when(e.createdAt), type: e.type, message: e.message })),
  };
}

export type InvoiceActionResult = { ok: true; error: null; message: string } | { ok: false; error: string; message?: undefined };

/** The admin's actions on an invoice: mark paid, credit note, collect via Twikey, resend. */
export async function runInvoiceAction(prisma: Db, shop: { id: string; platform: "SHOPIFY" | "WOOCOMMERCE" }, invoiceId: string, form: FormData): Promise<InvoiceActionResult> {
  const intent = form.get("intent");
  try {
    if (intent === "mark-paid") {
      await recordManualPayment(prisma, shop.id, invoiceId, { amount: String(form.get("amount") ?? "").replace(",", "."), paidOn: String(form.get("paidOn") ?? ""), method: String(form.get("method") ?? "") }, paymentEffects(prisma, enqueue));
      return { ok: true, error: null, message: "Payment recorded" };
    }
    if (intent === "credit") {
      // The after-issue pipeline like every credit note: PEPPOL to a business (decision 018), else (or also)
      // e-mail, the invoice settled, the order annotated with its credit note (and the status "credited").
      const credited = await creditInvoiceFully(prisma, shop.id, invoiceId, String(form.get("reason") ?? ""), new Date(), afterIssueDeps(enqueue));
      return { ok: true, error: null, message: `Credit note ${credited.formattedNumber} issued` };
    }
    if (intent === "collect") {
      const invoice = await prisma.invoice.findFirst({ where: { id: invoiceId, shopId: shop.id }, select: { id: true } });
      if (!invoice) return { ok: false, error: "Invoice not found" };
      await ensureJob("twikey-collect", { invoiceId: invoice.id });
      return { ok: true, error: null, message: "Collection requested from Twikey" };
    }
    if (intent === "peppol-send") {
      await requestPeppolDelivery(prisma, shop.id, invoiceId, accessPointProvider()?.name ?? null);
      await ensureJob("peppol-send", { invoiceId });
      return { ok: true, error: null, message: "Sending over PEPPOL" };
    }
    if (intent === "resend") {
      const to = String(form.get("to") ?? "").trim();
      const { emailId } = await resendDocumentEmail(prisma, shop.id, invoiceId, to === "" ? null : to);
      await enqueue("send-email", { emailId });
      return { ok: true, error: null, message: "The e-mail is on its way" };
    }
    return { ok: false, error: "Unknown action" };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    throw error;
  }
}
