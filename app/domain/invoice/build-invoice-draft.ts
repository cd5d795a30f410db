import { D, dec, formatAmount, roundAmount, sum, type Dec } from "../money/money";
import { decideVatRegime, type VatContext, type VatDecision } from "../vat/decide-vat-regime";
import { legalMention } from "../vat/legal-mentions";
import { categoryOfRate, rateFor, type RateCategory } from "../vat/rate-table";
import type {
  ChannelOrder,
  ChannelOrderLine,
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

/** How a merchant classified a product: a rate category, or exempt (art. 44 / art. 132). */
export type ProductVatClass = RateCategory | "exempt";

export interface BuildInvoiceOptions {
  /** YYYY-MM-DD in the seller's time zone. */
  issueDate: string;
  /** OSS position and the buyer's VIES result; defaults: below threshold, no VAT number. */
  vat?: Omit<VatContext, "sellerCountry">;
  /** The merchant's classification by SKU; other lines are classified from the shop's own rate. */
  productClasses?: Record<string, ProductVatClass>;
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

interface Classified {
  line: ChannelOrderLine;
  category: VatCategory;
  rate: Dec;
}

/**
 * Turns a channel order into an invoice draft: the VAT regime and its reason, each line's VAT
 * category and rate, net line amounts (BT-131, rounded once to 2 decimals), shipping and fees split
 * over the goods' rates pro rata, the VAT breakdown with VAT rounded once per (category, rate), and
 * totals that satisfy EN 16931 BR-CO-10..16. Pure: dates and the VIES result come in.
 */
export function buildInvoiceDraft(order: ChannelOrder, seller: SellerSettings, options: BuildInvoiceOptions): InvoiceDraft {
  if (order.lines.length === 0) throw new InvoiceInputError("the order has no lines to invoice");
  for (const [i, line] of order.lines.entries()) {
    if (dec(line.quantity).isNegative()) throw new InvoiceInputError(`line ${i + 1} has a negative quantity`);
    if (dec(line.unitPrice).isNegative()) throw new InvoiceInputError(`line ${i + 1} has a negative price`);
  }
  const decision = decideVatRegime(order, {
    sellerCountry: seller.countryCode,
    ossDestinationTaxation: options.vat?.ossDestinationTaxation ?? false,
    buyerVat: options.vat?.buyerVat ?? null,
  });
  const supplyDate = order.createdAt.slice(0, 10);
  const language = pickLanguage(order.customer.language, seller.defaultLanguage);
  const lines = spreadOrderDiscounts(order.lines, order.orderDiscounts ?? []);

  const principal = lines.filter((l) => l.kind === "GOODS");
  const ancillary = lines.filter((l) => l.kind !== "GOODS");
  const classified: Classified[] = principal.map((line) => classify(line, decision, seller.countryCode, supplyDate, options.productClasses));
  const net = (c: Classified) => netAmount(c.line, c.rate, order.pricesIncludeVat);

  // Shipping and fees follow the goods they go with: split over the goods' (category, rate) groups
  // in proportion to their net amounts (art. 78 Directive 2006/112/EC).
  const weights = new Map<string, { category: VatCategory; rate: Dec; weight: Dec }>();
  for (const c of classified) {
    const key = `${c.category}|${c.rate.toString()}`;
    const w = weights.get(key) ?? { category: c.category, rate: c.rate, weight: new D(0) };
    w.weight = w.weight.plus(net(c));
    weights.set(key, w);
  }
  const groups = [...weights.values()].filter((g) => !g.weight.isZero());
  for (const line of ancillary) {
    if (groups.length === 0) {
      classified.push(classify(line, decision, seller.countryCode, supplyDate, options.productClasses));
    } else if (groups.length === 1) {
      classified.push({ line, category: groups[0]!.category, rate: groups[0]!.rate });
    } else {
      classified.push(...splitOverGroups(line, groups));
    }
  }

  const draftLines: InvoiceLineDraft[] = classified.map((c, index) => {
    const divisor = order.pricesIncludeVat ? c.rate.div(100).plus(1) : new D(1);
    return {
      position: index + 1,
      kind: c.line.kind,
      description: c.line.description,
      sku: c.line.sku ?? null,
      quantity: dec(c.line.quantity).toString(),
      unitPriceNet: dec(c.line.unitPrice).div(divisor).toDecimalPlaces(6, D.ROUND_HALF_UP).toString(),
      discountAmount: roundAmount(dec(c.line.discount).div(divisor)).toFixed(2),
      lineNet: net(c).toFixed(2),
      vatCategory: c.category,
      vatRate: c.rate.toString(),
    };
  });

  const vatSubtotals = breakdown(draftLines, (category) => legalMention(category, language, seller.countryCode));
  const totals = computeTotals(draftLines, vatSubtotals);
  const foreign = order.currency.toUpperCase() !== "EUR";
  const rateToEur = foreign && order.exchangeRateToEur ? dec(order.exchangeRateToEur) : null;

  return {
    kind: "INVOICE",
    channel: order.channel,
    sourceId: order.orderId,
    orderId: order.orderId,
    orderName: order.orderName,
    currency: order.currency.toUpperCase(),
    language,
    issueDate: options.issueDate,
    supplyDate,
    dueDate: addDays(options.issueDate, seller.paymentTermDays),
    vatRegime: decision.regime,
    vatReason: decision.reason[language],
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
    lines: draftLines,
    vatSubtotals,
    totals,
    exchangeRateToEur: rateToEur ? rateToEur.toString() : null,
    vatTotalEur: rateToEur ? formatAmount(dec(totals.vatTotal).times(rateToEur)) : foreign ? null : totals.vatTotal,
  };
}

/** The VAT category and rate of a principal line (or of an ancillary line without goods). */
function classify(
  line: ChannelOrderLine,
  decision: VatDecision,
  sellerCountry: string,
  supplyDate: string,
  productClasses: Record<string, ProductVatClass> | undefined,
): Classified {
  const forced = line.supply === "services" ? decision.servicesCategory : decision.goodsCategory;
  if (forced) return { line, category: forced, rate: new D(0) };
  const productClass: ProductVatClass =
    (line.sku ? productClasses?.[line.sku] : undefined) ??
    (line.channelVatRate != null
      ? (categoryOfRate(sellerCountry, line.channelVatRate, supplyDate) ?? categoryOfRate(decision.destination, line.channelVatRate, supplyDate))
      : null) ??
    "standard";
  if (productClass === "exempt") return { line, category: "E", rate: new D(0) };
  const rate = rateFor(decision.rateCountry, productClass, supplyDate);
  if (rate === null) throw new InvoiceInputError(`no VAT rate known for ${decision.rateCountry} on ${supplyDate}`);
  const r = dec(rate);
  return { line, category: r.isZero() ? "Z" : "S", rate: r };
}

/** BT-131: the amount the customer pays for the line, net of VAT, rounded once. */
function netAmount(line: ChannelOrderLine, rate: Dec, pricesIncludeVat: boolean): Dec {
  const amount = dec(line.quantity).times(dec(line.unitPrice)).minus(dec(line.discount));
  return roundAmount(pricesIncludeVat ? amount.div(rate.div(100).plus(1)) : amount);
}

/** One ancillary line per group, amounts in proportion to the groups' weights; the last takes the rest. */
function splitOverGroups(line: ChannelOrderLine, groups: { category: VatCategory; rate: Dec; weight: Dec }[]): Classified[] {
  const total = dec(line.quantity).times(dec(line.unitPrice)).minus(dec(line.discount));
  const weightSum = sum(groups.map((g) => g.weight));
  let rest = total;
  return groups.map((g, i) => {
    const share = i === groups.length - 1 ? rest : roundAmount(total.times(g.weight).div(weightSum));
    rest = rest.minus(share);
    const rateLabel = g.category === "S" || g.category === "Z" ? ` (${g.rate.toString()} %)` : "";
    return {
      line: { ...line, description: `${line.description}${rateLabel}`, quantity: "1", unitPrice: share.toFixed(2), discount: "0" },
      category: g.category,
      rate: g.rate,
    };
  });
}

/** Order-level discounts become line discounts, pro rata to each goods line's amount. */
function spreadOrderDiscounts(lines: ChannelOrderLine[], discounts: { amount: string }[]): ChannelOrderLine[] {
  const totalDiscount = sum(discounts.map((d) => d.amount));
  if (totalDiscount.isZero()) return lines;
  const amounts = lines.map((l) => (l.kind === "GOODS" ? dec(l.quantity).times(dec(l.unitPrice)).minus(dec(l.discount)) : new D(0)));
  const base = sum(amounts);
  if (base.lessThan(totalDiscount)) throw new InvoiceInputError("the order discount is larger than the goods it applies to");
  const lastGoods = amounts.reduce((last, a, i) => (a.isZero() ? last : i), -1);
  let rest = totalDiscount;
  return lines.map((line, i) => {
    if (amounts[i]!.isZero()) return line;
    const share = i === lastGoods ? rest : roundAmount(totalDiscount.times(amounts[i]!).div(base));
    rest = rest.minus(share);
    return { ...line, discount: dec(line.discount).plus(share).toFixed(2) };
  });
}

function stripSellerSettings(seller: SellerSettings): Party {
  const { defaultLanguage: _l, paymentTermDays: _p, ...party } = seller;
  return party;
}

/** One subtotal per (category, rate), VAT = taxable × rate rounded once (BR-CO-17). */
export function breakdown(lines: readonly InvoiceLineDraft[], mentionFor: (category: VatCategory) => string | null = () => null): VatSubtotal[] {
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
      exemptionReason: g.category === "S" || g.category === "Z" ? null : mentionFor(g.category),
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
