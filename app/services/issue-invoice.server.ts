import type { Db } from "~/db.server";
import { buildInvoiceDraft, type ProductVatClass, type SellerSettings } from "~/domain/invoice/build-invoice-draft";
import type { ChannelOrder, InvoiceDraft, Language } from "~/domain/invoice/types";
import { dec } from "~/domain/money/money";
import { formatInvoiceNumber } from "~/domain/numbering/format-invoice-number";
import { structuredCommunication } from "~/domain/payment-reference/structured-communication";
import { missingInvoiceSettings } from "~/domain/shop/missing-invoice-settings";
import { AppError } from "~/errors/app-error";
import { Prisma } from "~/generated/prisma/client";
import { logger } from "~/logger.server";
import { SETTINGS_INCOMPLETE_PREFIX } from "./update-shop-settings.server";

export const DEFAULT_SERIES = {
  INVOICE: { code: "INV", kind: "INVOICE", prefix: "INV-", padding: 4 },
  CREDIT_NOTE: { code: "CN", kind: "CREDIT_NOTE", prefix: "CN-", padding: 4 },
} as const;

/** The buyer's VAT number as VIES sees it (checked by the caller, or cached on the customer). */
export type BuyerVatCheck = (vatNumber: string) => Promise<{ valid: boolean; consultationNumber: string | null }>;

export interface IssueInvoiceResult {
  invoiceId: string;
  number: number;
  formattedNumber: string;
  /** false when the order already had its invoice (a redelivery or a retried job). */
  created: boolean;
}

/**
 * Issues the invoice of a channel order exactly once. The number is taken from the series row in
 * the same transaction that inserts the invoice, so a failure gives the number back (no gap) and
 * the unique key (shop, channel, kind, source) turns a concurrent duplicate into "already issued".
 */
export async function issueInvoice(
  db: Db,
  input: { shopId: string; order: ChannelOrder; now: Date; checkVat?: BuyerVatCheck },
): Promise<IssueInvoiceResult> {
  const { shopId, order } = input;
  const log = logger.child({ shopId, orderId: order.orderId, orderName: order.orderName });
  const existing = await findIssued(db, shopId, order);
  if (existing) return { ...existing, created: false };

  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
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
  const buyerVat = order.customer.vatNumber && input.checkVat ? { number: order.customer.vatNumber, ...(await input.checkVat(order.customer.vatNumber)) } : null;
  const skus = order.lines.map((l) => l.sku).filter((s): s is string => !!s);
  const classes = skus.length ? await db.productVatClass.findMany({ where: { shopId, sku: { in: skus } }, select: { sku: true, vatClass: true } }) : [];
  const draft = buildInvoiceDraft(order, seller, {
    issueDate: dateInBrussels(input.now),
    vat: { ossDestinationTaxation: shop.ossDestinationTaxation, buyerVat },
    productClasses: Object.fromEntries(classes.map((c) => [c.sku, c.vatClass as ProductVatClass])),
  });
  logTotalsDifference(draft, order, log);

  try {
    const result = await db.$transaction(async (tx) => {
      const customerId = await upsertCustomer(tx as unknown as Db, shopId, order);
      const series = await takeNextNumber(tx as unknown as Db, shopId, "INVOICE", Number(draft.issueDate.slice(0, 4)));
      const formattedNumber = formatInvoiceNumber(series, series.number, Number(draft.issueDate.slice(0, 4)));
      const invoice = await tx.invoice.create({
        data: {
          shopId,
          seriesId: series.id,
          number: series.number,
          numberYear: series.numberYear,
          formattedNumber,
          kind: draft.kind,
          channel: draft.channel,
          sourceId: draft.sourceId,
          channelOrderId: draft.orderId,
          channelOrderName: draft.orderName,
          customerId,
          issueDate: new Date(`${draft.issueDate}T00:00:00Z`),
          dueDate: draft.dueDate ? new Date(`${draft.dueDate}T00:00:00Z`) : null,
          currency: draft.currency,
          language: draft.language,
          vatRegime: draft.vatRegime,
          vatReason: draft.vatReason,
          lineNetTotal: draft.totals.lineNetTotal,
          allowanceTotal: draft.totals.allowanceTotal,
          chargeTotal: draft.totals.chargeTotal,
          taxExclusiveTotal: draft.totals.taxExclusiveTotal,
          vatTotal: draft.totals.vatTotal,
          taxInclusiveTotal: draft.totals.taxInclusiveTotal,
          paidAmount: draft.totals.paidAmount,
          amountDue: draft.totals.amountDue,
          paymentReference: structuredCommunication(paymentReferenceBase(series.numberYear, series.number)),
          exchangeRateToEur: draft.exchangeRateToEur,
          vatTotalEur: draft.vatTotalEur,
          viesConsultationNumber: buyerVat?.consultationNumber ?? null,
          seller: { ...draft.seller } as Prisma.InputJsonObject,
          buyer: { ...draft.buyer } as Prisma.InputJsonObject,
          channelTotals: order.channelTotals,
          lines: { create: draft.lines.map((l) => ({ ...l })) },
          vatSubtotals: { create: draft.vatSubtotals.map((s) => ({ ...s })) },
        },
        select: { id: true },
      });
      return { invoiceId: invoice.id, number: series.number, formattedNumber };
    });
    log.info({ invoiceId: result.invoiceId, number: result.formattedNumber }, "invoice issued");
    return { ...result, created: true };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const raced = await findIssued(db, shopId, order);
      if (raced) return { ...raced, created: false };
    }
    throw error;
  }
}

async function findIssued(db: Db, shopId: string, order: ChannelOrder) {
  const row = await db.invoice.findUnique({
    where: { shopId_channel_kind_sourceId: { shopId, channel: order.channel, kind: "INVOICE", sourceId: order.orderId } },
    select: { id: true, number: true, formattedNumber: true },
  });
  return row ? { invoiceId: row.id, number: row.number, formattedNumber: row.formattedNumber } : null;
}

/**
 * Locks the series row and takes its next number (the series is created on first use). In a
 * yearly-reset series the first number of a new year is 1. Runs inside the inserting transaction:
 * a rollback gives the number back, so there is never a gap.
 */
export async function takeNextNumber(tx: Db, shopId: string, kind: "INVOICE" | "CREDIT_NOTE", year: number) {
  const s = DEFAULT_SERIES[kind];
  await tx.$executeRaw`
    INSERT INTO "InvoiceSeries" ("id", "shopId", "code", "kind", "prefix", "padding", "nextNumber", "updatedAt")
    VALUES (gen_random_uuid(), ${shopId}::uuid, ${s.code}, ${s.kind}::"DocumentKind", ${s.prefix}, ${s.padding}, 1, now())
    ON CONFLICT ("shopId", "code") DO NOTHING`;
  const rows = await tx.$queryRaw<{ id: string; number: number; numberYear: number; prefix: string; padding: number; format: string }[]>`
    UPDATE "InvoiceSeries" SET
      "nextNumber" = CASE WHEN "yearlyReset" AND "currentYear" IS NOT NULL AND "currentYear" <> ${year}::int THEN 2 ELSE "nextNumber" + 1 END,
      "currentYear" = CASE WHEN "yearlyReset" THEN ${year}::int ELSE "currentYear" END,
      "updatedAt" = now()
    WHERE "shopId" = ${shopId}::uuid AND "code" = ${s.code}
    RETURNING "id", "nextNumber" - 1 AS "number", CASE WHEN "yearlyReset" THEN "currentYear" ELSE 0 END AS "numberYear",
      "prefix", "padding", "format"`;
  const row = rows[0];
  if (!row) throw new Error(`invoice series ${s.code} missing for shop ${shopId}`);
  return row;
}

/** 10 digits for the structured communication: the year (when numbers restart yearly) and the number. */
export function paymentReferenceBase(numberYear: number, number: number): number {
  return numberYear ? (numberYear % 100) * 100_000_000 + (number % 100_000_000) : number % 10_000_000_000;
}

async function upsertCustomer(tx: Db, shopId: string, order: ChannelOrder): Promise<string> {
  const c = order.customer;
  const externalId = c.externalId ?? `guest:${(c.email ?? order.orderId).toLowerCase()}`;
  const data = {
    email: c.email ?? null,
    name: c.name,
    companyName: c.companyName ?? null,
    vatNumber: c.vatNumber ?? null,
    street: c.street ?? null,
    postalCode: c.postalCode ?? null,
    city: c.city ?? null,
    countryCode: c.countryCode ?? null,
    language: c.language ?? null,
  };
  const customer = await tx.customer.upsert({
    where: { shopId_channel_externalId: { shopId, channel: order.channel, externalId } },
    create: { shopId, channel: order.channel, externalId, ...data },
    update: data,
    select: { id: true },
  });
  return customer.id;
}

/** The calendar date in Belgium at `now` (invoices are dated in the seller's time zone). */
export function dateInBrussels(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Brussels", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
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
