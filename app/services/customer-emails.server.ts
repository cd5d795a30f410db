import type { Db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { defaultTemplate, renderEmail, type EmailKind, type TemplateValues } from "~/domain/email/email-templates";
import type { Language } from "~/domain/invoice/types";
import { dec } from "~/domain/money/money";
import { formatDate, formatMoney } from "~/domain/pdf/labels";
import { env } from "~/env.server";
import { AppError, isAppError } from "~/errors/app-error";
import type { Mailer } from "~/integrations/mail/mailer.server";
import { logger } from "~/logger.server";
import { paymentPageUrl } from "./public-urls.server";
import { recordInvoiceEvent } from "./settle-invoice-payments.server";

const LANGUAGES: readonly Language[] = ["nl", "fr", "en", "de"];
const DIRECT_DEBIT_OFFER: Record<Language, string> = {
  nl: "Liever automatisch betalen? Onderteken een domiciliëringsmandaat op de betaalpagina:",
  fr: "Vous préférez payer automatiquement ? Signez un mandat de domiciliation sur la page de paiement :",
  en: "Prefer to pay automatically? Sign a direct debit mandate on the payment page:",
  de: "Lieber automatisch zahlen? Unterzeichnen Sie ein Lastschriftmandat auf der Zahlungsseite:",
};
const asLanguage = (l: string | null | undefined): Language => (LANGUAGES.includes(l as Language) ? (l as Language) : "nl");

/** The customer's e-mail address of an invoice: on the invoice's buyer, else on the customer record. */
function recipientOf(invoice: { buyer: unknown; customer: { email: string | null } | null }): string | null {
  const buyer = invoice.buyer as { email?: string | null } | null;
  const email = buyer?.email?.trim() || invoice.customer?.email?.trim() || null;
  return email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

export { paymentPageUrl };

/**
 * Puts an e-mail to the customer on the outbox (one row per invoice, kind and step — asking twice
 * returns the same row) when the shop has Facto send its e-mails and the customer has an address.
 * Returns the row id to send, or null with the reason it is not sent.
 */
export async function queueCustomerEmail(db: Db, invoiceId: string, kind: EmailKind, step = 0, toOverride?: string): Promise<{ emailId: string | null; reason?: string }> {
  const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: EMAIL_TARGET_SELECT });
  return queueCustomerEmailFor(db, invoice, kind, step, toOverride);
}

/** What the outbox needs of an invoice to decide whether and to whom it e-mails. */
export const EMAIL_TARGET_SELECT = {
  id: true,
  shopId: true,
  buyer: true,
  customer: { select: { email: true } },
  shop: { select: { invoiceSender: true, thankYouEmail: true, remindersEnabled: true, twikeyNotifyBeforeCollection: true } },
} as const satisfies Prisma.InvoiceSelect;
export type EmailTarget = Prisma.InvoiceGetPayload<{ select: typeof EMAIL_TARGET_SELECT }>;

/** queueCustomerEmail for an invoice its caller already loaded (the after-issue pipeline). */
export async function queueCustomerEmailFor(db: Db, invoice: EmailTarget, kind: EmailKind, step = 0, toOverride?: string): Promise<{ emailId: string | null; reason?: string }> {
  const invoiceId = invoice.id;
  const { shop } = invoice;
  if (shop.invoiceSender === "NONE") return { emailId: null, reason: "the shop sends no e-mails" };
  if ((kind === "INVOICE" || kind === "CREDIT_NOTE" || kind === "REMINDER") && shop.invoiceSender !== "FACTO") return { emailId: null, reason: "the shop platform sends the invoices" };
  if (kind === "THANK_YOU" && !shop.thankYouEmail) return { emailId: null, reason: "thank-you e-mails are off" };
  if (kind === "COLLECTION_NOTICE" && !shop.twikeyNotifyBeforeCollection) return { emailId: null, reason: "collection notices are off" };
  if (kind === "REMINDER" && !shop.remindersEnabled) return { emailId: null, reason: "reminders are off" };
  const to = toOverride?.trim() || recipientOf(invoice);
  if (!to) return { emailId: null, reason: "the customer has no e-mail address" };
  await db.emailMessage.createMany({ data: [{ shopId: invoice.shopId, invoiceId, kind, step, toAddress: to }], skipDuplicates: true });
  const row = await db.emailMessage.findUniqueOrThrow({ where: { invoiceId_kind_step: { invoiceId, kind, step } }, select: { id: true, status: true } });
  return row.status === "QUEUED" ? { emailId: row.id } : { emailId: null, reason: `already ${row.status.toLowerCase()}` };
}

/** The invoice (or credit note) itself, after its documents exist. */
export function queueDocumentEmail(db: Db, invoiceId: string, kind: "INVOICE" | "CREDIT_NOTE") {
  return queueCustomerEmail(db, invoiceId, kind === "CREDIT_NOTE" ? "CREDIT_NOTE" : "INVOICE");
}

/**
 * Sends one outbox row. Safe to run again: a row that is sent, skipped or failed for good is left
 * alone. A reminder whose invoice got paid in the meantime is skipped, not sent. A mail server that
 * refuses the message (5xx) marks it FAILED with the server's answer, visible on the invoice; a
 * temporary failure is retried by the job.
 */
export async function sendCustomerEmail(db: Db, emailId: string, mailer: Mailer, now: () => Date = () => new Date()): Promise<{ status: string; reason?: string }> {
  const email = await db.emailMessage.findUnique({
    where: { id: emailId },
    include: {
      invoice: {
        select: {
          id: true,
          shopId: true,
          kind: true,
          status: true,
          formattedNumber: true,
          language: true,
          currency: true,
          taxInclusiveTotal: true,
          amountDue: true,
          dueDate: true,
          paidAt: true,
          paymentReference: true,
          publicToken: true,
          buyer: true,
          payments: { where: { provider: "DIRECT_DEBIT", status: { in: ["OPEN", "PENDING"] } }, select: { id: true } },
          documents: { select: { format: true, content: true, contentType: true } },
          customerId: true,
          shop: { select: { name: true, legalName: true, email: true, accentColor: true, emailTemplates: true, twikeyApiKey: true, twikeyTemplateCore: true } },
        },
      },
    },
  });
  if (!email) return { status: "missing" };
  if (email.status !== "QUEUED") return { status: email.status.toLowerCase() };
  const { invoice } = email;
  const skip = async (reason: string) => {
    await db.emailMessage.update({ where: { id: email.id }, data: { status: "SKIPPED", error: reason } });
    return { status: "skipped", reason };
  };
  if (email.kind === "REMINDER") {
    if (invoice.status !== "ISSUED" || !invoice.amountDue.greaterThan(0)) return skip(`the invoice is ${invoice.status.toLowerCase()}`);
    if (invoice.payments.length) return skip("the invoice is being collected by direct debit");
  }
  const pdf = invoice.documents.find((d) => d.format === "PDF");
  const ubl = invoice.documents.find((d) => d.format === "UBL");
  if ((email.kind === "INVOICE" || email.kind === "CREDIT_NOTE" || email.kind === "REMINDER") && !pdf) {
    throw new AppError("UPSTREAM_UNAVAILABLE", `the documents of ${invoice.formattedNumber} are not rendered yet`);
  }

  const language = asLanguage(invoice.language);
  const buyer = invoice.buyer as { name?: string; companyName?: string | null; vatNumber?: string | null };
  const shopName = invoice.shop.legalName ?? invoice.shop.name ?? "";
  const link = invoice.publicToken ? paymentPageUrl(invoice.publicToken) : "";
  const values: TemplateValues = {
    shopName,
    customerName: buyer.companyName || buyer.name || "",
    invoiceNumber: invoice.formattedNumber,
    amount: formatMoney(invoice.taxInclusiveTotal.toFixed(2), invoice.currency, language),
    amountDue: formatMoney(invoice.amountDue.toFixed(2), invoice.currency, language),
    dueDate: invoice.dueDate ? formatDate(invoice.dueDate.toISOString().slice(0, 10), language) : "",
    paymentLink: link,
    structuredCommunication: invoice.paymentReference ?? "",
    paidDate: formatDate((invoice.paidAt ?? now()).toISOString().slice(0, 10), language),
  };
  const custom = invoice.shop.emailTemplates.find((t) => t.kind === email.kind && t.language === language);
  const template = custom ? { subject: custom.subject, body: custom.body } : defaultTemplate(email.kind, language);
  const rendered: { subject: string; text: string; html: string } = renderEmail(template, values, { language, accentColor: invoice.shop.accentColor, showPayButton: email.kind !== "THANK_YOU" && email.kind !== "CREDIT_NOTE" && email.kind !== "COLLECTION_NOTICE" && invoice.status === "ISSUED" && dec(invoice.amountDue.toFixed(2)).greaterThan(0) });

  // The direct-debit offer (Twikey): the payment page lets the customer sign a mandate.
  if (email.kind === "INVOICE" && link && invoice.shop.twikeyApiKey && invoice.shop.twikeyTemplateCore && invoice.customerId && invoice.status === "ISSUED") {
    const hasMandate = await db.mandate.count({ where: { customerId: invoice.customerId, status: "SIGNED" } });
    if (!hasMandate) {
      const offer = DIRECT_DEBIT_OFFER[language];
      rendered.text += `\n\n${offer} ${link}`;
      rendered.html = rendered.html.replace("</body>", `<p>${offer} <a href="${link}">${link}</a></p>\n</body>`);
    }
  }

  const attachments: { filename: string; content: Buffer; contentType: string }[] = [];
  if (pdf && email.kind !== "THANK_YOU" && email.kind !== "COLLECTION_NOTICE") attachments.push({ filename: `${invoice.formattedNumber}.pdf`, content: Buffer.from(pdf.content), contentType: "application/pdf" });
  // Businesses get the PEPPOL UBL too, for their bookkeeping software.
  if (ubl && buyer.vatNumber && (email.kind === "INVOICE" || email.kind === "CREDIT_NOTE")) attachments.push({ filename: `${invoice.formattedNumber}.xml`, content: Buffer.from(ubl.content), contentType: "application/xml" });

  await db.emailMessage.update({ where: { id: email.id }, data: { attempts: { increment: 1 }, subject: rendered.subject } });
  const label = { INVOICE: "Invoice", CREDIT_NOTE: "Credit note", REMINDER: `Reminder ${email.step}`, THANK_YOU: "Thank-you e-mail", COLLECTION_NOTICE: "Direct-debit notice" }[email.kind];
  try {
    const sent = await mailer.send({
      from: env().MAIL_FROM,
      replyTo: invoice.shop.email,
      to: email.toAddress,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: `<${email.id}@facto.invalid>`,
      attachments,
    });
    await db.emailMessage.update({ where: { id: email.id }, data: { status: "SENT", sentAt: now(), messageId: sent.messageId, error: null } });
    await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId: invoice.id, type: "email.sent", message: `${label} e-mailed to ${email.toAddress}`, data: { emailId: email.id, kind: email.kind } });
    logger.info({ emailId: email.id, invoiceId: invoice.id, kind: email.kind }, "customer e-mail sent");
    return { status: "sent" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isAppError(error) && !error.retryable) {
      await db.emailMessage.update({ where: { id: email.id }, data: { status: "FAILED", error: message.slice(0, 1000) } });
      await recordInvoiceEvent(db, { shopId: invoice.shopId, invoiceId: invoice.id, type: "email.failed", message: `${label} to ${email.toAddress} failed: ${message}`.slice(0, 1000), data: { emailId: email.id, kind: email.kind } });
      logger.warn({ emailId: email.id, invoiceId: invoice.id, err: message }, "customer e-mail refused");
      return { status: "failed", reason: message };
    }
    await db.emailMessage.update({ where: { id: email.id }, data: { error: message.slice(0, 1000) } });
    throw error;
  }
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The reminder run: for every shop that has Facto send reminders, each unpaid invoice past one of
 * the shop's reminder days (after the due date) gets the reminder of the latest step it reached —
 * once. Paid, credited and direct-debit invoices never get one. E-mails left QUEUED (an enqueue that
 * failed) are handed back too.
 */
export async function queueDueReminders(db: Db, now: Date, enqueueSend: (emailId: string) => Promise<void>): Promise<{ queued: number; requeued: number }> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const shops = await db.shop.findMany({ where: { invoiceSender: "FACTO", remindersEnabled: true, uninstalledAt: null }, select: { id: true, reminderDays: true } });
  let queued = 0;
  for (const shop of shops) {
    const days = [...new Set(shop.reminderDays.filter((d) => d > 0))].sort((a, b) => a - b);
    if (!days.length) continue;
    const invoices = await db.invoice.findMany({
      where: { shopId: shop.id, kind: "INVOICE", status: "ISSUED", amountDue: { gt: 0 }, dueDate: { lte: new Date(today - days[0]! * DAY_MS) } },
      select: {
        id: true,
        dueDate: true,
        emails: { where: { kind: "REMINDER" }, select: { step: true } },
        payments: { where: { provider: "DIRECT_DEBIT", status: { in: ["OPEN", "PENDING"] } }, select: { id: true } },
      },
    });
    for (const invoice of invoices) {
      if (invoice.payments.length) continue;
      const overdueDays = Math.floor((today - invoice.dueDate!.getTime()) / DAY_MS);
      const step = days.filter((d) => d <= overdueDays).length;
      if (step === 0 || invoice.emails.some((e) => e.step >= step)) continue;
      const { emailId } = await queueCustomerEmail(db, invoice.id, "REMINDER", step);
      if (emailId) {
        await enqueueSend(emailId);
        queued++;
      }
    }
  }
  const stale = await db.emailMessage.findMany({ where: { status: "QUEUED", createdAt: { lt: new Date(now.getTime() - 10 * 60_000) } }, select: { id: true }, take: 1000 });
  for (const e of stale) await enqueueSend(e.id);
  return { queued, requeued: stale.length };
}

/**
 * The merchant sends the invoice (or credit note) again from its page, optionally to another
 * address (after a bounce): a new outbox row, so the history keeps every attempt.
 */
export async function resendDocumentEmail(db: Db, shopId: string, invoiceId: string, to: string | null): Promise<{ emailId: string }> {
  const invoice = await db.invoice.findFirst({ where: { id: invoiceId, shopId }, select: { kind: true, documents: { select: { format: true } } } });
  if (!invoice) throw new AppError("NOT_FOUND", "Invoice not found");
  if (!invoice.documents.some((d) => d.format === "PDF")) throw new AppError("BAD_REQUEST", "The PDF of this invoice is not ready yet; try again in a moment");
  if (to !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to.trim())) throw new AppError("BAD_REQUEST", "Enter a valid e-mail address");
  const kind = invoice.kind === "CREDIT_NOTE" ? "CREDIT_NOTE" : "INVOICE";
  const step = await db.emailMessage.count({ where: { invoiceId, kind } });
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { invoiceSender: true } });
  if (shop.invoiceSender !== "FACTO") throw new AppError("BAD_REQUEST", "Facto does not send this shop's invoices (see Payments & e-mails)");
  const { emailId, reason } = await queueCustomerEmail(db, invoiceId, kind, step, to ?? undefined);
  if (!emailId) throw new AppError("BAD_REQUEST", `The e-mail cannot be sent: ${reason}`);
  return { emailId };
}
