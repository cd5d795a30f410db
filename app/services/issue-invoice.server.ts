import type { Db } from "~/db.server";
import { buildInvoiceDraft, InvoiceInputError, type ProductVatClass, type SellerSettings } from "~/domain/invoice/build-invoice-draft";
import { missingMandatoryContent } from "~/domain/invoice/check-mandatory-content";
import type { ChannelOrder, InvoiceDraft, Language } from "~/domain/invoice/types";
import { dec } from "~/domain/money/money";
import { missingInvoiceSettings } from "~/domain/shop/missing-invoice-settings";
import { destinationCountry } from "~/domain/vat/decide-vat-regime";
import { detectVatMismatch, type VatMismatch } from "~/domain/vat/detect-vat-mismatch";
import { isEuCountry } from "~/domain/vat/eu-countries";
import { AppError } from "~/errors/app-error";
import { Prisma, type Shop } from "~/generated/prisma/client";
import { logger } from "~/logger.server";
import { issueInBatch, type CustomerUpsert } from "~/models/issue-batch.server";
import { isUniqueViolation } from "~/models/retry-on-unique-conflict.server";
import { sqlOf } from "~/models/sql.server";
import type { IssuedInvoiceRow } from "~/models/issued-invoice.server";
import { INVOICING_PAUSED } from "./danger-zone.server";
import { recordInvoiceEvent } from "./settle-invoice-payments.server";
import { SETTINGS_INCOMPLETE_PREFIX } from "./update-shop-settings.server";

/**
 * The buyer's VAT number as VIES sees it; the requester (the seller's VAT number) gets a consultation
 * number back. Only a definitive answer returns: when VIES cannot confirm the number now it throws a
 * retryable error and the invoice waits. `requesterProblem` says VIES refused the seller's own number
 * as requester (the buyer's number was checked without it).
 */
export type BuyerVatCheck = (vatNumber: string, requesterVatNumber: string | null) => Promise<{ valid: boolean; consultationNumber: string | null; requesterProblem?: string | null }>;

export interface IssueInvoiceResult {
  invoiceId: string;
  number: number;
  formattedNumber: string;
  /** false when the order already had its invoice (a redelivery or a retried job). */
  created: boolean;
  /**
   * When created: the invoice as inserted and its customer's e-mail address, so that what follows
   * works from them instead of reading them back (decision 030).
   */
  fresh?: FreshInvoice;
}

/** An invoice this call inserted: the row as inserted, its customer's e-mail, and whether its store payment went in with it. */
export interface FreshInvoice {
  row: IssuedInvoiceRow;
  customerEmail: string | null;
  /** Paid in the store's checkout (`paidInStore`): the CHANNEL payment was inserted with the invoice, issued PAID. */
  paidAtIssue: boolean;
  /** The stock items Facto keeps for its lines' SKUs, as looked up before issuing (the sale takes them off). */
  stockItems: { id: string; sku: string }[];
}

/**
 * Issues the invoice of a channel order exactly once. The number is taken from the series row in
 * the same transaction that inserts the invoice, so a failure gives the number back (no gap) and
 * the unique key (shop, channel, kind, source) turns a concurrent duplicate into "already issued".
 */
export async function issueInvoice(
  db: Db,
  input: {
    shopId: string;
    order: ChannelOrder;
    now: Date;
    checkVat?: BuyerVatCheck;
    /** The merchant chose "Issue as computed by Facto" for this held order: a VAT mismatch no longer holds it, it is recorded. */
    issueAsComputed?: { at: Date } | null;
    /** The shop's row when the caller has just read it (the inbox job has): not read again. */
    shop?: Shop;
    /** Paid in full in the store's checkout: a new invoice is issued paid, its payment inserted with it (decision 030). */
    paidInStore?: { paidAt: Date; method: string } | null;
  },
): Promise<IssueInvoiceResult> {
  const { shopId, order } = input;
  const log = logger.child({ shopId, orderId: order.orderId, orderName: order.orderName });
  const skus = order.lines.map((l) => l.sku).filter((s): s is string => !!s);
  const { existing, classes, stockItems } = await lookUpForIssuing(db, shopId, order, skus);
  if (existing) return { ...existing, created: false };

  const shop = input.shop ?? (await db.shop.findUniqueOrThrow({ where: { id: shopId } }));
  if (shop.invoicingPausedAt) {
    throw new AppError("INVOICING_PAUSED", `${INVOICING_PAUSED} on ${shop.invoicingPausedAt.toISOString().slice(0, 10)}: the order waits until invoicing is resumed`);
  }
  const missing = missingInvoiceSettings(shop);
  if (missing.length > 0) {
    throw new AppError("SHOP_SETTINGS_INCOMPLETE", `${SETTINGS_INCOMPLETE_PREFIX}: ${missing.join(", ")}`, { details: { missing } });
  }
  const seller: SellerSettings = {
    name: shop.legalName ?? shop.name ?? shop.domain,
    companyName: shop.legalName,
    street: shop.street,
    postalCode: shop.postalCode,
    city: shop.city,
    countryCode: shop.countryCode,
    vatNumber: shop.vatNumber,
    enterpriseNumber: shop.enterpriseNumber,
    email: shop.email,
    phone: shop.phone,
    iban: shop.iban,
    bic: shop.bic,
    defaultLanguage: shop.defaultLanguage as Language,
    paymentTermDays: shop.paymentTermDays,
  };
  // VIES only matters for a business in another EU country (exempt supply or not).
  const destination = destinationCountry(order, shop.countryCode);
  const needsVies = !!order.customer.vatNumber && isEuCountry(destination) && destination !== shop.countryCode.toUpperCase();
  const buyerVat =
    needsVies && input.checkVat ? { number: order.customer.vatNumber!, ...(await input.checkVat(order.customer.vatNumber!, shop.vatNumber)) } : null;
  const draft = buildInvoiceDraft(order, seller, {
    issueDate: dateInBrussels(input.now),
    vat: { ossDestinationTaxation: shop.ossDestinationTaxation, buyerVat },
    productClasses: Object.fromEntries(classes.map((c) => [c.sku, c.vatClass as ProductVatClass])),
  });
  const missingContent = missingMandatoryContent(draft);
  if (missingContent.length > 0) throw new InvoiceInputError(`The invoice would lack: ${missingContent.join(", ")}`);
  // The VAT the platform charged and Facto's decision must agree beyond rounding, or the invoice would
  // not match what the customer paid: the order is held with the cause until the merchant acts (decision 017).
  const mismatch = detectVatMismatch(order, draft, shop.countryCode);
  if (mismatch && !input.issueAsComputed) {
    log.warn({ cause: mismatch.cause, lines: mismatch.lines }, "order held: the VAT the shop charged differs from Facto's");
    throw new AppError("VAT_MISMATCH", mismatch.explanation, { details: { hold: vatHoldDetail(mismatch) } });
  }
  logTotalsDifference(draft, order, log);

  try {
    // The number and the invoice in one transaction shared with the other invoices ready at the same
    // moment, the buyer's customer row upserted with theirs just before (decision 028, 032).
    const issued = await issueInBatch(db, {
      shopId,
      draft,
      series: "INVOICE",
      customerId: null,
      customer: customerOf(order, buyerVat ? { ...buyerVat, checkedAt: input.now } : null),
      originalInvoiceId: null,
      viesConsultationNumber: buyerVat?.consultationNumber ?? null,
      paidInStore: input.paidInStore ?? null,
      pricesIncludeVat: order.pricesIncludeVat,
      channelTotals: order.channelTotals,
      event:
        mismatch && input.issueAsComputed
          ? {
              type: "vat.issued_as_computed",
              message: issuedAsComputedMessage(mismatch, input.issueAsComputed.at, draft, order),
              data: { cause: mismatch.cause, lines: mismatch.lines.map((l) => ({ ...l })), channelVat: order.channelTotals.tax, factoVat: draft.totals.vatTotal } as Prisma.InputJsonObject,
            }
          : null,
    });
    if (!issued.created) return { invoiceId: issued.id, number: issued.number, formattedNumber: issued.formattedNumber, created: false };
    const result = { invoiceId: issued.id, number: issued.number, formattedNumber: issued.formattedNumber };
    log.info({ invoiceId: result.invoiceId, number: result.formattedNumber }, "invoice issued");
    if (buyerVat?.requesterProblem) {
      // Our own configuration, not the buyer: the invoice is right, only VIES's consultation number is missing.
      log.warn({ invoiceId: result.invoiceId, problem: buyerVat.requesterProblem }, "VIES refused the seller's VAT number as requester");
      await recordInvoiceEvent(db, {
        shopId,
        invoiceId: result.invoiceId,
        type: "vies.requester_refused",
        message: `${buyerVat.requesterProblem}: the buyer's VAT number ${buyerVat.number} was confirmed without a consultation number. Check your own VAT number in Facto's settings.`,
        data: { buyerVatNumber: buyerVat.number },
      });
    }
    return { ...result, created: true, ...(issued.row ? { fresh: { row: issued.row, customerEmail: issued.customerEmail ?? null, paidAtIssue: issued.paidAtIssue ?? false, stockItems } } : {}) };
  } catch (error) {
    if (isUniqueViolation(error)) {
      const raced = await findIssued(db, shopId, order);
      if (raced) return { ...raced, created: false };
    }
    throw error;
  }
}

/** What a held row keeps of a mismatch (WebhookEvent.holdDetail): enough to list it and to find its siblings. */
export function vatHoldDetail(m: VatMismatch): Prisma.InputJsonObject {
  return {
    orderId: m.orderId,
    orderName: m.orderName,
    cause: m.cause,
    causes: m.causes,
    regime: m.regime,
    sellerCountry: m.sellerCountry,
    destination: m.destination,
    rateCountry: m.rateCountry,
    lines: m.lines.map((l) => ({ ...l })),
  };
}

function issuedAsComputedMessage(m: VatMismatch, at: Date, draft: InvoiceDraft, order: ChannelOrder): string {
  const lines = m.lines.map((l) => `${l.channelRate} % on line ${l.line} "${l.description}"${l.sku ? ` (SKU ${l.sku})` : ""} where Facto applied ${l.factoRate} %`).join("; ");
  return (
    `Issued as computed by Facto: on ${at.toISOString().slice(0, 16).replace("T", " ")} UTC the merchant chose to issue this held order despite the VAT the shop charged (${lines}). ` +
    `The invoice carries Facto's VAT (${draft.currency} ${draft.totals.vatTotal}, total ${draft.totals.taxInclusiveTotal}); the shop's order had VAT ${order.channelTotals.tax}, total ${order.channelTotals.total}.`
  );
}

/**
 * Whether the order has its invoice already, the VAT classes of its SKUs and the stock items Facto
 * keeps for them — one statement (decision 032; the rest is only used when it has none).
 */
async function lookUpForIssuing(db: Db, shopId: string, order: ChannelOrder, skus: string[]) {
  const [row] = await sqlOf(db).query<{ issued: { id: string; number: number; formattedNumber: string } | null; classes: { sku: string; vatClass: string }[]; stock: { id: string; sku: string }[] }>(
    `SELECT
       (SELECT json_build_object('id', i."id", 'number', i."number", 'formattedNumber', i."formattedNumber") FROM "Invoice" i
         WHERE i."shopId" = $1::uuid AND i."channel" = $2::"Platform" AND i."kind" = 'INVOICE' AND i."sourceId" = $3) AS "issued",
       (SELECT coalesce(json_agg(json_build_object('sku', c."sku", 'vatClass', c."vatClass")), '[]'::json) FROM "ProductVatClass" c
         WHERE c."shopId" = $1::uuid AND c."sku" = ANY($4::text[])) AS "classes",
       (SELECT coalesce(json_agg(json_build_object('id', s."id", 'sku', s."sku")), '[]'::json) FROM "StockItem" s
         WHERE s."shopId" = $1::uuid AND s."sku" = ANY($4::text[])) AS "stock"`,
    [shopId, order.channel, order.orderId, skus],
  );
  const issued = row?.issued ?? null;
  return { existing: issued ? { invoiceId: issued.id, number: issued.number, formattedNumber: issued.formattedNumber } : null, classes: row?.classes ?? [], stockItems: row?.stock ?? [] };
}

async function findIssued(db: Db, shopId: string, order: ChannelOrder) {
  const row = await db.invoice.findUnique({
    where: { shopId_channel_kind_sourceId: { shopId, channel: order.channel, kind: "INVOICE", sourceId: order.orderId } },
    select: { id: true, number: true, formattedNumber: true },
  });
  return row ? { invoiceId: row.id, number: row.number, formattedNumber: row.formattedNumber } : null;
}

/** The buyer's Customer row as this invoice writes it (created, or updated with the order's data). */
function customerOf(order: ChannelOrder, vies: CustomerUpsert["vies"]): CustomerUpsert {
  const c = order.customer;
  return {
    channel: order.channel,
    externalId: c.externalId ?? `guest:${(c.email ?? order.orderId).toLowerCase()}`,
    email: c.email ?? null,
    name: c.name,
    companyName: c.companyName ?? null,
    vatNumber: c.vatNumber ?? null,
    street: c.street ?? null,
    postalCode: c.postalCode ?? null,
    city: c.city ?? null,
    countryCode: c.countryCode ?? null,
    language: c.language ?? null,
    vies,
  };
}

/** The calendar date in Belgium at `now` (invoices are dated in the seller's time zone). */
const brusselsDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Brussels", year: "numeric", month: "2-digit", day: "2-digit" });

export function dateInBrussels(now: Date): string {
  return brusselsDate.format(now);
}

function logTotalsDifference(draft: InvoiceDraft, order: ChannelOrder, log: typeof logger) {
  const ours = dec(draft.totals.taxInclusiveTotal);
  const theirs = dec(order.channelTotals.total);
  if (!ours.equals(theirs)) {
    log.warn(
      { ourTotal: ours.toFixed(2), channelTotal: theirs.toFixed(2), ourVat: draft.totals.vatTotal, channelVat: order.channelTotals.tax, regime: draft.vatRegime },
      "invoice total differs from the shop's total; Facto's EN 16931 figures are authoritative",
    );
  }
}
