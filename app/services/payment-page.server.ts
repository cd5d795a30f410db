import { publicTokenHash } from "~/services/pay-token.server";
import QRCode from "qrcode";
import type { Db } from "~/db.server";
import type { Language } from "~/domain/invoice/types";
import { dec } from "~/domain/money/money";
import { epcQrPayload, epcReferenceFromStructuredCommunication } from "~/domain/payment-reference/epc-qr-payload";
import { formatDate, formatMoney } from "~/domain/pdf/labels";
import { logger } from "~/logger.server";
import { onlinePaymentBlock, settleWithEffects, syncMolliePayment, type PaymentEffects } from "./online-payment.server";
import { netOf } from "./settle-invoice-payments.server";

const LANGUAGES: readonly Language[] = ["nl", "fr", "en", "de"];
export const isLanguage = (l: unknown): l is Language => LANGUAGES.includes(l as Language);

export type PayPageStatus = "paid" | "partiallyPaid" | "open" | "overdue" | "credited" | "cancelled";
export type AttemptStatus = "paid" | "pending" | "failed" | "canceled" | "expired" | "open";

/** Everything the public payment page shows, already formatted for the shopper's language. */
export interface PaymentPageView {
  language: Language;
  shop: { name: string; accentColor: string; hasLogo: boolean; email: string | null };
  invoice: {
    kind: "INVOICE" | "CREDIT_NOTE";
    number: string;
    buyerName: string;
    issued: string;
    due: string | null;
    total: string;
    paid: string | null;
    outstanding: string;
    status: PayPageStatus;
    paidOn: { date: string; method: string } | null;
  };
  payOnline: { available: true } | { available: false; aboveMaximum: boolean };
  transfer: { beneficiary: string; iban: string; bic: string | null; reference: string | null; amount: string; qrSvg: string | null } | null;
  documents: { pdf: boolean; ubl: boolean };
  attempt: AttemptStatus | null;
  payments: { date: string; amount: string; method: string; status: string }[];
  afterPayment: { message: string | null; url: string | null } | null;
  /** Direct debit: offered (sign a mandate), or this invoice is being collected with a mandate. */
  directDebit: { offer: boolean; collectingWith: string | null };
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The payment page of an invoice, by its public token. When the shopper comes back from Mollie
 * (`attempt`), that payment is fetched first, so the page already says "Paid" even if Mollie's
 * webhook has not arrived yet (both paths record the same state, once).
 */
export async function loadPaymentPage(db: Db, token: string, options: { attemptId?: string | null; language?: string | null; effects: PaymentEffects }): Promise<PaymentPageView | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const found = await db.invoice.findUnique({ where: { publicTokenHash: publicTokenHash(token) }, select: { id: true, shopId: true } });
  if (!found) return null;

  let attempt: AttemptStatus | null = null;
  if (options.attemptId && /^[0-9a-f-]{36}$/i.test(options.attemptId)) {
    const line = await db.payment.findFirst({ where: { id: options.attemptId, invoiceId: found.id, provider: "MOLLIE" } });
    if (line?.externalId && (line.status === "OPEN" || line.status === "PENDING" || line.status === "AUTHORIZED")) {
      try {
        await syncMolliePayment(db, found.shopId, line.externalId, options.effects);
      } catch (error) {
        logger.warn({ err: error, paymentId: line.id }, "could not fetch the Mollie payment on return; the webhook will tell");
      }
    } else if (line?.status === "PAID") {
      // The webhook recorded the payment a moment ago and may still be settling the invoice.
      await settleWithEffects(db, found.id, options.effects);
    }
    const fresh = line ? await db.payment.findUnique({ where: { id: line.id }, select: { status: true } }) : null;
    if (fresh) attempt = fresh.status === "AUTHORIZED" ? "pending" : (fresh.status.toLowerCase() as AttemptStatus);
  }

  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: found.id },
    select: {
      kind: true,
      status: true,
      formattedNumber: true,
      language: true,
      currency: true,
      issueDate: true,
      dueDate: true,
      taxInclusiveTotal: true,
      paidAmount: true,
      amountDue: true,
      paidAt: true,
      paymentMethod: true,
      paymentReference: true,
      seller: true,
      buyer: true,
      documents: { select: { format: true } },
      payments: { where: { status: { in: ["PAID", "FAILED", "CANCELED", "EXPIRED", "PENDING"] } }, orderBy: { createdAt: "asc" }, select: { createdAt: true, paidAt: true, amount: true, amountRefunded: true, amountChargedBack: true, method: true, provider: true, status: true } },
      customerId: true,
      shop: { select: { name: true, legalName: true, accentColor: true, logo: false, logoContentType: true, email: true, mollieApiKey: true, payOnlineMaxAmount: true, afterPaymentMessage: true, afterPaymentUrl: true, twikeyApiKey: true, twikeyTemplateCore: true } },
    },
  });
  const language = isLanguage(options.language) ? options.language : isLanguage(invoice.language) ? invoice.language : "nl";
  const money = (v: string) => formatMoney(v, invoice.currency, language);
  const seller = invoice.seller as { name?: string; companyName?: string | null; iban?: string | null; bic?: string | null };
  const buyer = invoice.buyer as { name?: string; companyName?: string | null };
  const outstanding = invoice.amountDue.toFixed(2);
  const paid = invoice.paidAmount.toFixed(2);
  const dueIso = invoice.dueDate?.toISOString().slice(0, 10) ?? null;

  let status: PayPageStatus;
  if (invoice.status === "PAID") status = "paid";
  else if (invoice.status === "CREDITED") status = "credited";
  else if (invoice.status === "CANCELLED") status = "cancelled";
  else if (dec(paid).greaterThan(0)) status = "partiallyPaid";
  else status = dueIso && dueIso < today() ? "overdue" : "open";

  const collecting = await db.payment.findUnique({ where: { collectionFor: found.id }, select: { mandateReference: true } });
  const mandate = invoice.customerId ? await db.mandate.findFirst({ where: { customerId: invoice.customerId, status: "SIGNED" }, select: { mndtId: true } }) : null;
  const block = onlinePaymentBlock(
    { kind: invoice.kind, status: invoice.status, amountDue: outstanding, currency: invoice.currency },
    { mollieApiKey: invoice.shop.mollieApiKey, payOnlineMaxAmount: invoice.shop.payOnlineMaxAmount?.toFixed(2) ?? null },
  );
  const beneficiary = (seller.companyName || seller.name || invoice.shop.legalName || invoice.shop.name || "").trim();
  const owes = invoice.kind === "INVOICE" && (status === "open" || status === "overdue" || status === "partiallyPaid") && dec(outstanding).greaterThan(0) && !collecting;
  let transfer: PaymentPageView["transfer"] = null;
  if (owes && seller.iban) {
    let qrSvg: string | null = null;
    try {
      const payload = epcQrPayload({
        bic: seller.bic ?? null,
        name: beneficiary.slice(0, 70),
        iban: seller.iban,
        amount: invoice.currency === "EUR" ? outstanding : null,
        structuredReference: invoice.paymentReference ? epcReferenceFromStructuredCommunication(invoice.paymentReference) : null,
      });
      qrSvg = await QRCode.toString(payload, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
    } catch (error) {
      logger.warn({ err: error }, "no EPC QR code for this invoice");
    }
    transfer = { beneficiary, iban: seller.iban.replace(/\s/g, "").replace(/(.{4})(?=.)/g, "$1 "), bic: seller.bic ?? null, reference: invoice.paymentReference, amount: money(outstanding), qrSvg };
  }

  return {
    language,
    shop: { name: invoice.shop.legalName ?? invoice.shop.name ?? beneficiary, accentColor: invoice.shop.accentColor, hasLogo: Boolean(invoice.shop.logoContentType), email: invoice.shop.email },
    invoice: {
      kind: invoice.kind,
      number: invoice.formattedNumber,
      buyerName: buyer.companyName || buyer.name || "",
      issued: formatDate(invoice.issueDate.toISOString().slice(0, 10), language),
      due: dueIso ? formatDate(dueIso, language) : null,
      total: money(invoice.taxInclusiveTotal.toFixed(2)),
      paid: dec(paid).greaterThan(0) ? money(paid) : null,
      outstanding: money(outstanding),
      status,
      paidOn: invoice.status === "PAID" && invoice.paidAt ? { date: formatDate(invoice.paidAt.toISOString().slice(0, 10), language), method: invoice.paymentMethod ?? "" } : null,
    },
    payOnline: block === null && !collecting ? { available: true } : { available: false, aboveMaximum: block === "above-maximum" },
    transfer,
    documents: { pdf: invoice.documents.some((d) => d.format === "PDF"), ubl: invoice.documents.some((d) => d.format === "UBL") },
    attempt,
    payments: invoice.payments.map((p) => {
      // A paid line that refunds or chargebacks took back in full shows what was paid, as reversed.
      const reversed = p.status === "PAID" && !netOf(p).greaterThan(0);
      return {
        date: formatDate((p.paidAt ?? p.createdAt).toISOString().slice(0, 10), language),
        amount: money((reversed ? dec(p.amount.toFixed(2)) : netOf(p)).toFixed(2)),
        method: p.method ?? (p.provider === "MOLLIE" ? "online" : p.provider.toLowerCase()),
        status: reversed ? "reversed" : p.status.toLowerCase(),
      };
    }),
    directDebit: {
      offer: owes && invoice.currency === "EUR" && Boolean(invoice.customerId && invoice.shop.twikeyApiKey && invoice.shop.twikeyTemplateCore) && !mandate,
      collectingWith: collecting ? (collecting.mandateReference ?? mandate?.mndtId ?? "") : null,
    },
    afterPayment: status === "paid" && (invoice.shop.afterPaymentMessage || invoice.shop.afterPaymentUrl) ? { message: invoice.shop.afterPaymentMessage, url: invoice.shop.afterPaymentUrl } : null,
  };
}
