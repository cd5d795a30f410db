import type { Db } from "~/db.server";
import type { IssuedInvoice, Language, LineKind, Party, VatCategory } from "~/domain/invoice/types";

const amount = (v: { toFixed(n: number): string }) => v.toFixed(2);
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** An issued invoice as the domain sees it (what documents are rendered from), or null. */
export async function loadIssuedInvoice(
  db: Db,
  invoiceId: string,
): Promise<(IssuedInvoice & { id: string; shopId: string; createdAt: Date; customerId: string | null; pricesIncludeVat: boolean; status: string; publicToken: string | null }) | null> {
  const found = await db.invoice.findUnique({ where: { id: invoiceId }, include: { lines: { orderBy: { position: "asc" } }, vatSubtotals: true } });
  if (!found) return null;
  // Only a credit note refers to an invoice (one statement fewer for every invoice rendered).
  const original = found.originalInvoiceId ? await db.invoice.findUnique({ where: { id: found.originalInvoiceId }, select: { formattedNumber: true, issueDate: true } }) : null;
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
