import type { Db } from "~/db.server";
import type { IssuedInvoice, Language, LineKind, Party, VatCategory } from "~/domain/invoice/types";
import { Prisma } from "~/generated/prisma/client";

const amount = (v: { toFixed(n: number): string }) => v.toFixed(2);
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** An issued invoice as the domain sees it (what documents are rendered from), with what the renderer's caller needs. */
export type LoadedIssuedInvoice = IssuedInvoice & { id: string; shopId: string; createdAt: Date; customerId: string | null; pricesIncludeVat: boolean; status: string; publicToken: string | null };

/** The invoice row with its lines and VAT subtotals, as read back or as just inserted (`issuedRowOfInsert`). */
export type IssuedInvoiceRow = Prisma.InvoiceGetPayload<{ include: { lines: true; vatSubtotals: true } }>;

/** An issued invoice as the domain sees it (what documents are rendered from), or null. */
export async function loadIssuedInvoice(db: Db, invoiceId: string): Promise<LoadedIssuedInvoice | null> {
  const found = await db.invoice.findUnique({ where: { id: invoiceId }, include: { lines: { orderBy: { position: "asc" } }, vatSubtotals: true } });
  if (!found) return null;
  // Only a credit note refers to an invoice (one statement fewer for every invoice rendered).
  const original = found.originalInvoiceId ? await db.invoice.findUnique({ where: { id: found.originalInvoiceId }, select: { formattedNumber: true, issueDate: true } }) : null;
  return issuedInvoiceOfRow(found, original);
}

/**
 * The invoice row a batch has just inserted, as PostgreSQL stores it: every amount rounded to its
 * column's scale (numeric rounds half away from zero, as ROUND_HALF_UP does), so that what is rendered
 * from it is byte for byte what `loadIssuedInvoice` would read back (decision 030).
 */
export function issuedRowOfInsert(
  invoice: Prisma.InvoiceCreateManyInput & { id: string; createdAt: Date },
  lines: Prisma.InvoiceLineCreateManyInput[],
  vatSubtotals: Prisma.InvoiceVatSubtotalCreateManyInput[],
): IssuedInvoiceRow {
  const d = (v: Prisma.Decimal | Prisma.DecimalJsLike | number | string, scale: number) => new Prisma.Decimal(v.toString()).toDecimalPlaces(scale, Prisma.Decimal.ROUND_HALF_UP);
  const opt = (v: Prisma.Decimal | Prisma.DecimalJsLike | number | string | null | undefined, scale: number) => (v === null || v === undefined ? null : d(v, scale));
  const date = (v: Date | string | null | undefined) => (v === null || v === undefined ? null : new Date(v));
  const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.JsonValue;
  return {
    id: invoice.id,
    shopId: invoice.shopId,
    seriesId: invoice.seriesId,
    number: invoice.number,
    numberYear: invoice.numberYear ?? 0,
    formattedNumber: invoice.formattedNumber,
    kind: invoice.kind,
    channel: invoice.channel,
    sourceId: invoice.sourceId,
    channelOrderId: invoice.channelOrderId,
    channelOrderName: invoice.channelOrderName ?? null,
    customerId: invoice.customerId ?? null,
    originalInvoiceId: invoice.originalInvoiceId ?? null,
    issueDate: new Date(invoice.issueDate),
    supplyDate: date(invoice.supplyDate),
    dueDate: date(invoice.dueDate),
    currency: invoice.currency,
    language: invoice.language,
    vatRegime: invoice.vatRegime,
    vatReason: invoice.vatReason,
    lineNetTotal: d(invoice.lineNetTotal, 2),
    allowanceTotal: d(invoice.allowanceTotal, 2),
    chargeTotal: d(invoice.chargeTotal, 2),
    taxExclusiveTotal: d(invoice.taxExclusiveTotal, 2),
    vatTotal: d(invoice.vatTotal, 2),
    taxInclusiveTotal: d(invoice.taxInclusiveTotal, 2),
    paidAmount: d(invoice.paidAmount ?? 0, 2),
    paidAt: date(invoice.paidAt),
    paymentMethod: invoice.paymentMethod ?? null,
    amountDue: d(invoice.amountDue, 2),
    paymentReference: invoice.paymentReference ?? null,
    exchangeRateToEur: opt(invoice.exchangeRateToEur, 8),
    vatTotalEur: opt(invoice.vatTotalEur, 2),
    viesConsultationNumber: invoice.viesConsultationNumber ?? null,
    pricesIncludeVat: invoice.pricesIncludeVat ?? false,
    status: invoice.status ?? "ISSUED",
    publicToken: invoice.publicToken ?? null,
    publicTokenHash: invoice.publicTokenHash ?? null,
    seller: json(invoice.seller),
    buyer: json(invoice.buyer),
    channelTotals: invoice.channelTotals === undefined ? null : json(invoice.channelTotals),
    createdAt: invoice.createdAt,
    lines: lines
      .map((l) => ({
        id: l.id ?? "",
        invoiceId: invoice.id,
        position: l.position,
        kind: l.kind,
        description: l.description,
        sku: l.sku ?? null,
        quantity: d(l.quantity, 4),
        unitPriceNet: d(l.unitPriceNet, 6),
        discountAmount: d(l.discountAmount, 2),
        lineNet: d(l.lineNet, 2),
        vatCategory: l.vatCategory,
        vatRate: d(l.vatRate, 2),
      }))
      .sort((a, b) => a.position - b.position),
    vatSubtotals: vatSubtotals.map((s) => ({
      id: s.id ?? "",
      invoiceId: invoice.id,
      vatCategory: s.vatCategory,
      vatRate: d(s.vatRate, 2),
      taxableAmount: d(s.taxableAmount, 2),
      taxAmount: d(s.taxAmount, 2),
      exemptionReason: s.exemptionReason ?? null,
    })),
  };
}

/** The domain's issued invoice of a row (read back or just inserted); `original` is a credit note's invoice. */
export function issuedInvoiceOfRow(found: IssuedInvoiceRow, original: { formattedNumber: string; issueDate: Date } | null): LoadedIssuedInvoice {
  const row = { ...found, original };
  return {
    id: row.id,
    shopId: row.shopId,
    createdAt: row.createdAt,
    customerId: row.customerId,
    pricesIncludeVat: row.pricesIncludeVat,
    status: row.status,
    publicToken: row.publicToken,
    kind: row.kind,
    channel: row.channel,
    sourceId: row.sourceId,
    orderId: row.channelOrderId,
    orderName: row.channelOrderName ?? row.channelOrderId,
    currency: row.currency,
    language: row.language as Language,
    issueDate: isoDate(row.issueDate),
    supplyDate: row.supplyDate ? isoDate(row.supplyDate) : null,
    dueDate: row.dueDate ? isoDate(row.dueDate) : null,
    vatRegime: row.vatRegime,
    vatReason: row.vatReason,
    seller: row.seller as unknown as Party,
    buyer: row.buyer as unknown as Party,
    number: row.number,
    formattedNumber: row.formattedNumber,
    paymentReference: row.paymentReference,
    exchangeRateToEur: row.exchangeRateToEur?.toString() ?? null,
    vatTotalEur: row.vatTotalEur ? amount(row.vatTotalEur) : null,
    settlement: row.status === "PAID" && row.paidAt ? { kind: "paid" as const, paidOn: isoDate(row.paidAt), method: row.paymentMethod ?? "" } : null,
    billingReference: row.original ? { formattedNumber: row.original.formattedNumber, issueDate: isoDate(row.original.issueDate) } : null,
    lines: row.lines.map((l) => ({
      position: l.position,
      kind: l.kind as LineKind,
      description: l.description,
      sku: l.sku,
      quantity: l.quantity.toString(),
      unitPriceNet: l.unitPriceNet.toString(),
      discountAmount: amount(l.discountAmount),
      lineNet: amount(l.lineNet),
      vatCategory: l.vatCategory as VatCategory,
      vatRate: l.vatRate.toString(),
    })),
    vatSubtotals: row.vatSubtotals
      .map((s) => ({
        vatCategory: s.vatCategory as VatCategory,
        vatRate: s.vatRate.toString(),
        taxableAmount: amount(s.taxableAmount),
        taxAmount: amount(s.taxAmount),
        exemptionReason: s.exemptionReason,
      }))
      .sort((a, b) => Number(b.vatRate) - Number(a.vatRate) || a.vatCategory.localeCompare(b.vatCategory)),
    totals: {
      lineNetTotal: amount(row.lineNetTotal),
      allowanceTotal: amount(row.allowanceTotal),
      chargeTotal: amount(row.chargeTotal),
      taxExclusiveTotal: amount(row.taxExclusiveTotal),
      vatTotal: amount(row.vatTotal),
      taxInclusiveTotal: amount(row.taxInclusiveTotal),
      paidAmount: amount(row.paidAmount),
      amountDue: amount(row.amountDue),
    },
  };
}
