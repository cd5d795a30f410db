import { publicTokenHash } from "~/services/pay-token.server";
import { randomBytes } from "node:crypto";
import type { Db } from "~/db.server";
import type { InvoiceDraft } from "~/domain/invoice/types";
import { formatInvoiceNumber } from "~/domain/numbering/format-invoice-number";
import { structuredCommunication } from "~/domain/payment-reference/structured-communication";
import type { Prisma } from "~/generated/prisma/client";
import { sqlOf, type Sql } from "./sql.server";

export const DEFAULT_SERIES = {
  INVOICE: { code: "INV", kind: "INVOICE", prefix: "INV-", padding: 4 },
  CREDIT_NOTE: { code: "CN", kind: "CREDIT_NOTE", prefix: "CN-", padding: 4 },
} as const;

/**
 * Issuing transactions queue on their series row: under a burst they wait for each other, so they
 * get more time to start and to finish than Prisma's defaults (2 s / 5 s).
 */
export const NUMBERING_TRANSACTION = { maxWait: 15_000, timeout: 30_000 } as const;

export interface InsertIssuedDocument {
  shopId: string;
  draft: InvoiceDraft;
  /** Which series numbers it (credit notes may share the invoices' series). */
  series: keyof typeof DEFAULT_SERIES;
  customerId: string | null;
  originalInvoiceId: string | null;
  viesConsultationNumber: string | null;
  pricesIncludeVat: boolean;
  channelTotals: Prisma.InputJsonObject | null;
}

/**
 * Numbers and inserts an invoice or credit note. Must run inside a transaction: the series row is
 * locked until commit, and a rollback gives the number back.
 */
export async function insertIssuedDocument(tx: Db, doc: InsertIssuedDocument) {
  const { draft } = doc;
  const year = Number(draft.issueDate.slice(0, 4));
  const series = await takeNextNumber(tx, doc.shopId, doc.series, year);
  const formattedNumber = formatInvoiceNumber(series, series.number, year);
  const row = await tx.invoice.create({
    data: {
      ...invoiceRow(doc, { seriesId: series.id, number: series.number, numberYear: series.numberYear, formattedNumber }),
      lines: { create: draft.lines.map((l) => ({ ...l })) },
      vatSubtotals: { create: draft.vatSubtotals.map((s) => ({ ...s })) },
    },
    select: { id: true },
  });
  return { id: row.id, number: series.number, formattedNumber };
}

/**
 * The invoice row of an issued document with its number, as both the single insert above and the
 * batched one (issue-batch.server.ts) write it (lines and VAT subtotals apart).
 */
export function invoiceRow(doc: InsertIssuedDocument, numbering: { seriesId: string; number: number; numberYear: number; formattedNumber: string }): Prisma.InvoiceCreateManyInput {
  const { draft } = doc;
  return {
    shopId: doc.shopId,
    seriesId: numbering.seriesId,
    number: numbering.number,
    numberYear: numbering.numberYear,
    formattedNumber: numbering.formattedNumber,
    kind: draft.kind,
    channel: draft.channel,
    sourceId: draft.sourceId,
    channelOrderId: draft.orderId,
    channelOrderName: draft.orderName,
    customerId: doc.customerId,
    originalInvoiceId: doc.originalInvoiceId,
    issueDate: new Date(`${draft.issueDate}T00:00:00Z`),
    supplyDate: draft.supplyDate ? new Date(`${draft.supplyDate}T00:00:00Z`) : null,
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
    amountDue: draft.kind === "INVOICE" ? draft.totals.amountDue : "0",
    // Only invoices are paid by transfer; the reference is derived from the number, so it is unique per shop.
    paymentReference: draft.kind === "INVOICE" ? structuredCommunication(paymentReferenceBase(numbering.numberYear, numbering.number)) : null,
    // The public payment page's token: 192 random bits, unguessable (invoices only).
    ...(draft.kind === "INVOICE" ? withPublicToken(newPublicToken()) : { publicToken: null, publicTokenHash: null }),
    exchangeRateToEur: draft.exchangeRateToEur,
    vatTotalEur: draft.vatTotalEur,
    viesConsultationNumber: doc.viesConsultationNumber,
    pricesIncludeVat: doc.pricesIncludeVat,
    seller: { ...draft.seller } as Prisma.InputJsonObject,
    buyer: { ...draft.buyer } as Prisma.InputJsonObject,
    ...(doc.channelTotals ? { channelTotals: doc.channelTotals } : {}),
  };
}

/**
 * Locks the series row and takes its next number (the series is created on first use). In a
 * yearly-reset series the first number of a new year is 1. Runs inside the inserting transaction:
 * a rollback gives the number back, so there is never a gap.
 */
export async function takeNextNumber(tx: Db, shopId: string, kind: keyof typeof DEFAULT_SERIES, year: number) {
  await ensureSeries(tx, shopId, kind);
  return takeNextNumbers(sqlOf(tx), shopId, kind, year, 1);
}

/** Creates the shop's series on first use (idempotent; takes no lock on an existing row). */
export async function ensureSeries(db: Db, shopId: string, kind: keyof typeof DEFAULT_SERIES) {
  const s = DEFAULT_SERIES[kind];
  await db.$executeRaw`
    INSERT INTO "InvoiceSeries" ("id", "shopId", "code", "kind", "prefix", "padding", "nextNumber", "updatedAt")
    VALUES (gen_random_uuid(), ${shopId}::uuid, ${s.code}, ${s.kind}::"DocumentKind", ${s.prefix}, ${s.padding}, 1, now())
    ON CONFLICT ("shopId", "code") DO NOTHING`;
}

/**
 * Locks the series row and takes `count` consecutive numbers; `number` is the first of them. The lock
 * lasts until the transaction ends, and a rollback gives all of them back.
 */
export async function takeNextNumbers(sql: Sql, shopId: string, kind: keyof typeof DEFAULT_SERIES, year: number, count: number) {
  const s = DEFAULT_SERIES[kind];
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`numbers are taken one or more at a time, not ${count}`);
  const rows = await sql.query<{ id: string; number: number; numberYear: number; prefix: string; padding: number; format: string }>(
    `UPDATE "InvoiceSeries" SET
      "nextNumber" = CASE WHEN "yearlyReset" AND "currentYear" IS NOT NULL AND "currentYear" <> $3::int THEN 1 + $4::int ELSE "nextNumber" + $4::int END,
      "currentYear" = CASE WHEN "yearlyReset" THEN $3::int ELSE "currentYear" END,
      "updatedAt" = now()
    WHERE "shopId" = $1::uuid AND "code" = $2
    RETURNING "id", "nextNumber" - $4::int AS "number", CASE WHEN "yearlyReset" THEN "currentYear" ELSE 0 END AS "numberYear",
      "prefix", "padding", "format"`,
    [shopId, s.code, year, count],
  );
  const row = rows[0];
  if (!row) throw new Error(`invoice series ${s.code} missing for shop ${shopId}`);
  return row;
}

/** 10 digits for the structured communication: the year (when numbers restart yearly) and the number. */
export function paymentReferenceBase(numberYear: number, number: number): number {
  return numberYear ? (numberYear % 100) * 100_000_000 + (number % 100_000_000) : number % 10_000_000_000;
}

/** A fresh payment-page token: 24 random bytes, base64url (32 characters). */
/** The token and the sha256 the payment page looks it up by. */
export function withPublicToken(token: string) {
  return { publicToken: token, publicTokenHash: publicTokenHash(token) };
}

export function newPublicToken(): string {
  return randomBytes(24).toString("base64url");
}
