import { D, dec, formatAmount, roundAmount, sum, type Dec } from "../money/money";
import { decideVatRegime, sellerRateFor } from "../vat/decide-vat-regime";
import type {
  ChannelOrder,
  InvoiceDraft,
  InvoiceLineDraft,
  InvoiceTotals,
  Language,
  Party,
  VatCategory,
  VatSubtotal,
} from "./types";

export interface SellerSettings extends Party {
  countryCode: string;
  defaultLanguage: Language;
  paymentTermDays: number;
}

export interface BuildInvoiceOptions {
  /** YYYY-MM-DD in the seller's time zone. */
  issueDate: string;
}

const LANGUAGES: readonly Language[] = ["nl", "fr", "en", "de"];

export function pickLanguage(preferred: string | null | undefined, fallback: Language): Language {
  const base = preferred?.slice(0, 2).toLowerCase();
  return LANGUAGES.find((l) => l === base) ?? fallback;
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Turns a channel order into an invoice draft: VAT regime, net lines (BT-131 rounded to 2
 * decimals), VAT breakdown with VAT rounded once per (category, rate), and totals that satisfy
 * EN 16931 BR-CO-10..16. Pure: the issue date comes in, nothing is read from the clock.
 */
export function buildInvoiceDraft(order: ChannelOrder, seller: SellerSettings, options: BuildInvoiceOptions): InvoiceDraft {
  if (order.lines.length === 0) throw new InvoiceInputError("the order has no lines to invoice");
  const decision = decideVatRegime(order, seller.countryCode);

  const lines: InvoiceLineDraft[] = order.lines.map((line, index) => {
    const quantity = dec(line.quantity);
    if (quantity.isNegative()) throw new InvoiceInputError(`line ${index + 1} has a negative quantity`);
    const category: VatCategory = decision.category ?? "S";
    const rate = decision.category ? dec(0) : dec(sellerRateFor(line.channelVatRate, seller.countryCode));
    const divisor = order.pricesIncludeVat ? rate.div(100).plus(1) : new D(1);
    const unitPriceNet = dec(line.unitPrice).div(divisor);
    const discountNet = roundAmount(dec(line.discount).div(divisor));
    const grossOrNet = quantity.times(dec(line.unitPrice)).minus(dec(line.discount));
    // Prices incl. VAT: the customer paid the gross amount; the net is derived from it once.
    const lineNet = order.pricesIncludeVat ? roundAmount(grossOrNet.div(divisor)) : roundAmount(grossOrNet);
    return {
      position: index + 1,
      kind: line.kind,
      description: line.description,
      sku: line.sku ?? null,
      quantity: quantity.toString(),
      unitPriceNet: unitPriceNet.toDecimalPlaces(6, D.ROUND_HALF_UP).toString(),
      discountAmount: discountNet.toFixed(2),
      lineNet: lineNet.toFixed(2),
      vatCategory: category,
      vatRate: rate.toString(),
    };
  });

  const vatSubtotals = breakdown(lines, decision.exemptionReason);
  const totals = computeTotals(lines, vatSubtotals);
  const language = pickLanguage(order.customer.language, seller.defaultLanguage);

  return {
    kind: "INVOICE",
    channel: order.channel,
    sourceId: order.orderId,
    orderId: order.orderId,
    orderName: order.orderName,
    currency: order.currency,
    language,
    issueDate: options.issueDate,
    dueDate: addDays(options.issueDate, seller.paymentTermDays),
    vatRegime: decision.regime,
    vatReason: decision.reason,
    seller: stripSellerSettings(seller),
    buyer: {
      name: order.customer.name,
      companyName: order.customer.companyName ?? null,
      vatNumber: order.customer.vatNumber ?? null,
      email: order.customer.email ?? null,
      street: order.customer.street ?? null,
      postalCode: order.customer.postalCode ?? null,
      city: order.customer.city ?? null,
      countryCode: order.customer.countryCode ?? null,
    },
    lines,
    vatSubtotals,
    totals,
  };
}

function stripSellerSettings(seller: SellerSettings): Party {
  const { defaultLanguage: _l, paymentTermDays: _p, ...party } = seller;
  return party;
}

/** One subtotal per (category, rate), VAT = taxable × rate rounded once (BR-CO-17). */
export function breakdown(lines: readonly InvoiceLineDraft[], exemptionReason: string | null): VatSubtotal[] {
  const groups = new Map<string, { category: VatCategory; rate: Dec; taxable: Dec }>();
  for (const line of lines) {
    const key = `${line.vatCategory}|${dec(line.vatRate).toString()}`;
    const group = groups.get(key) ?? { category: line.vatCategory, rate: dec(line.vatRate), taxable: new D(0) };
    group.taxable = group.taxable.plus(dec(line.lineNet));
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => b.rate.comparedTo(a.rate) || a.category.localeCompare(b.category))
    .map((g) => ({
      vatCategory: g.category,
      vatRate: g.rate.toString(),
      taxableAmount: formatAmount(g.taxable),
      taxAmount: formatAmount(g.taxable.times(g.rate).div(100)),
      exemptionReason: g.category === "S" || g.category === "Z" ? null : exemptionReason,
    }));
}

export function computeTotals(lines: readonly InvoiceLineDraft[], subtotals: readonly VatSubtotal[]): InvoiceTotals {
  const lineNetTotal = sum(lines.map((l) => l.lineNet));
  const allowanceTotal = new D(0);
  const chargeTotal = new D(0);
  const taxExclusive = lineNetTotal.minus(allowanceTotal).plus(chargeTotal);
  const vatTotal = sum(subtotals.map((s) => s.taxAmount));
  const taxInclusive = taxExclusive.plus(vatTotal);
  const paid = new D(0);
  return {
    lineNetTotal: formatAmount(lineNetTotal),
    allowanceTotal: formatAmount(allowanceTotal),
    chargeTotal: formatAmount(chargeTotal),
    taxExclusiveTotal: formatAmount(taxExclusive),
    vatTotal: formatAmount(vatTotal),
    taxInclusiveTotal: formatAmount(taxInclusive),
    paidAmount: formatAmount(paid),
    amountDue: formatAmount(taxInclusive.minus(paid)),
  };
}

/** The order cannot be invoiced as it is (a permanent problem: retrying will not help). */
export class InvoiceInputError extends Error {
  override name = "InvoiceInputError";
}
