import { D, dec, roundAmount, sum, type Dec } from "../money/money";
import { legalMention } from "../vat/legal-mentions";
import { breakdown, computeTotals, InvoiceInputError } from "./build-invoice-draft";
import type { ChannelRefund, InvoiceDraft, InvoiceLineDraft, IssuedInvoice, LineKind, VatCategory } from "./types";

/**
 * A credit note for a refund of an issued invoice. Corrections never touch the invoice: they are
 * credit notes that refer to it (BillingReference) and carry the Belgian credit-note mention. Each
 * credited line keeps the VAT category and rate of the invoice line it corrects:
 * - a full refund or a cancellation mirrors every line of the invoice (an exact reversal);
 * - refunded lines are matched by SKU (else description) and credited for the refunded amount;
 * - refunded shipping is split over the invoice's shipping lines in proportion to their amounts;
 * - an amount without lines is spread over the invoice's VAT groups in proportion to their totals.
 * Amounts on a credit note are positive (UBL CreditNote, type 381).
 */
export function buildCreditNoteDraft(
  original: IssuedInvoice,
  refund: ChannelRefund,
  options: { issueDate: string; pricesIncludeVat: boolean },
): InvoiceDraft {
  if (original.kind !== "INVOICE") throw new InvoiceInputError("only an invoice can be credited");
  const lines: Omit<InvoiceLineDraft, "position">[] = refund.full ? original.lines.map(({ position: _p, ...l }) => l) : partialLines(original, refund, options.pricesIncludeVat);
  if (lines.length === 0) throw new InvoiceInputError(`refund ${refund.refundId} credits nothing`);
  const draftLines = lines.map((l, i) => ({ ...l, position: i + 1 }));
  const vatSubtotals = breakdown(draftLines, (category) => legalMention(category, original.language, original.seller.countryCode ?? "BE"));
  const totals = computeTotals(draftLines, vatSubtotals);
  const credited = dec(totals.taxInclusiveTotal);
  if (credited.greaterThan(dec(original.totals.taxInclusiveTotal))) {
    throw new InvoiceInputError(`refund ${refund.refundId} credits ${credited.toFixed(2)}, more than invoice ${original.formattedNumber} (${original.totals.taxInclusiveTotal})`);
  }
  const rate = original.exchangeRateToEur ? dec(original.exchangeRateToEur) : null;
  return {
    kind: "CREDIT_NOTE",
    channel: original.channel,
    sourceId: refund.refundId,
    orderId: original.orderId,
    orderName: original.orderName,
    currency: original.currency,
    language: original.language,
    issueDate: options.issueDate,
    supplyDate: original.supplyDate,
    dueDate: null,
    vatRegime: original.vatRegime,
    vatReason: original.vatReason,
    seller: original.seller,
    buyer: original.buyer,
    lines: draftLines,
    vatSubtotals,
    totals,
    exchangeRateToEur: original.exchangeRateToEur,
    vatTotalEur: rate ? roundAmount(dec(totals.vatTotal).times(rate)).toFixed(2) : original.currency === "EUR" ? totals.vatTotal : null,
    billingReference: { formattedNumber: original.formattedNumber, issueDate: original.issueDate },
  };
}

function partialLines(original: IssuedInvoice, refund: ChannelRefund, pricesIncludeVat: boolean): Omit<InvoiceLineDraft, "position">[] {
  const out: Omit<InvoiceLineDraft, "position">[] = [];
  const goods = original.lines.filter((l) => l.kind !== "SHIPPING");
  for (const r of refund.lines) {
    const match = goods.find((l) => r.sku && l.sku === r.sku) ?? goods.find((l) => l.description === r.description);
    if (!match) throw new InvoiceInputError(`refunded line "${r.description}" is not on invoice ${original.formattedNumber}`);
    out.push(creditLine(match.kind, match.description, match.sku, r.quantity, dec(r.amount), match.vatCategory, dec(match.vatRate), pricesIncludeVat));
  }
  const shipping = dec(refund.shipping || "0");
  if (!shipping.isZero()) {
    const shipLines = original.lines.filter((l) => l.kind === "SHIPPING");
    if (shipLines.length === 0) throw new InvoiceInputError(`refund ${refund.refundId} refunds shipping that invoice ${original.formattedNumber} did not charge`);
    out.push(...spread(shipping, shipLines.map((l) => ({ weight: grossOf(l, pricesIncludeVat), category: l.vatCategory, rate: dec(l.vatRate), kind: l.kind as LineKind, description: l.description }))).map((p) => creditLine(p.kind, p.description, null, "1", p.amount, p.category, p.rate, pricesIncludeVat)));
  }
  const other = dec(refund.otherAmount || "0");
  if (!other.isZero()) {
    const groups = original.vatSubtotals.map((s) => ({
      weight: dec(s.taxableAmount).plus(pricesIncludeVat ? dec(s.taxAmount) : 0),
      category: s.vatCategory,
      rate: dec(s.vatRate),
      kind: "GOODS" as LineKind,
      description: refund.reason || "Refund",
    }));
    out.push(...spread(other, groups).map((p) => creditLine(p.kind, p.category === "S" ? `${p.description} (${p.rate.toString()} %)` : p.description, null, "1", p.amount, p.category, p.rate, pricesIncludeVat)));
  }
  return out;
}

function grossOf(line: InvoiceLineDraft, pricesIncludeVat: boolean): Dec {
  const net = dec(line.lineNet);
  return pricesIncludeVat ? net.times(dec(line.vatRate).div(100).plus(1)) : net;
}

function spread<T extends { weight: Dec }>(amount: Dec, parts: T[]): (T & { amount: Dec })[] {
  const total = sum(parts.map((p) => p.weight));
  if (total.isZero()) throw new InvoiceInputError("nothing on the invoice to spread the refund over");
  let rest = amount;
  return parts.map((p, i) => {
    const share = i === parts.length - 1 ? rest : roundAmount(amount.times(p.weight).div(total));
    rest = rest.minus(share);
    return { ...p, amount: share };
  });
}

function creditLine(
  kind: LineKind,
  description: string,
  sku: string | null,
  quantity: string,
  amount: Dec,
  category: VatCategory,
  rate: Dec,
  pricesIncludeVat: boolean,
): Omit<InvoiceLineDraft, "position"> {
  if (amount.isNegative()) throw new InvoiceInputError(`a refunded amount cannot be negative (${description})`);
  const q = dec(quantity);
  const divisor = pricesIncludeVat ? rate.div(100).plus(1) : new D(1);
  const net = roundAmount(amount.div(divisor));
  return {
    kind,
    description,
    sku,
    quantity: q.toString(),
    unitPriceNet: (q.isZero() ? net : net.div(q)).toDecimalPlaces(6, D.ROUND_HALF_UP).toString(),
    discountAmount: "0.00",
    lineNet: net.toFixed(2),
    vatCategory: category,
    vatRate: rate.toString(),
  };
}
