import { D, dec, type Dec } from "../money/money";
import type { ChannelOrder, InvoiceDraft } from "../invoice/types";
import type { VatRegime } from "./decide-vat-regime";
import { destinationCountry } from "./decide-vat-regime";
import { normalizePercent, ratesOn } from "./rate-table";

/**
 * Why the VAT the platform charged on a line differs from the VAT Facto decided (decision 017):
 * - OSS_NOT_ENABLED: the shop charged a rate of the buyer's country; Facto applied the seller's
 *   (a distance sale under the threshold, OSS destination taxation off in Facto).
 * - OSS_NOT_CHARGED_BY_SHOP: the reverse — OSS is on in Facto, the shop charged the seller's rate.
 * - PRODUCT_CLASS: the shop charged another rate of the country whose rates Facto applied
 *   (6 % vs 21 %): the product's VAT class differs between the shop and Facto.
 * - NO_VAT_CHARGED: the shop charged 0 % where Facto charges VAT (an exempted buyer, a zero-rated product).
 * - RATE_TABLE: the shop's rate is none Facto knows for that country on that date.
 */
export type VatMismatchCause = "OSS_NOT_ENABLED" | "OSS_NOT_CHARGED_BY_SHOP" | "PRODUCT_CLASS" | "NO_VAT_CHARGED" | "RATE_TABLE";

export interface VatMismatchLine {
  /** 1-based position of the line among the order's goods lines. */
  line: number;
  description: string;
  sku: string | null;
  /** The rate the platform charged (percent, normalised: "23"). */
  channelRate: string;
  /** The rate Facto decided (percent). */
  factoRate: string;
  /** Facto's net amount of the line (BT-131). */
  lineNet: string;
  /** The VAT each rate gives on that net amount, to the cent. */
  channelVat: string;
  factoVat: string;
  cause: VatMismatchCause;
}

export interface VatMismatch {
  orderId: string;
  orderName: string;
  regime: VatRegime;
  sellerCountry: string;
  destination: string;
  /** The country whose rates Facto applied. */
  rateCountry: string;
  /** The main cause (the first in CAUSE_ORDER among the lines' causes). */
  cause: VatMismatchCause;
  causes: VatMismatchCause[];
  lines: VatMismatchLine[];
  /** What happened and what to change, for the merchant. */
  explanation: string;
}

/** Regimes where Facto charges VAT itself; reverse charge, exempt supplies and exports are never compared. */
const CHARGING_REGIMES: readonly string[] = ["DOMESTIC", "EU_DISTANCE_SELLER_RATE", "EU_OSS"] satisfies VatRegime[];
const CAUSE_ORDER: readonly VatMismatchCause[] = ["OSS_NOT_ENABLED", "OSS_NOT_CHARGED_BY_SHOP", "PRODUCT_CLASS", "NO_VAT_CHARGED", "RATE_TABLE"];
/** Beyond rounding: the two rates give VAT amounts on the line more than a cent apart. */
const ROUNDING_TOLERANCE = new D("0.01");

/**
 * Compares, per goods line the platform reported a rate for, the rate it charged with the rate Facto
 * decided, when Facto's regime charges VAT itself. Shipping and fees are skipped: Facto splits them
 * over the goods' rates (decision 005), so a shop charging its shipping at the standard rate is not a
 * mismatch. Returns null when the invoice will charge what the customer was charged, up to rounding.
 */
export function detectVatMismatch(order: ChannelOrder, draft: InvoiceDraft, sellerCountry: string): VatMismatch | null {
  if (order.taxExempt || !CHARGING_REGIMES.includes(draft.vatRegime)) return null;
  const seller = sellerCountry.toUpperCase();
  const destination = destinationCountry(order, seller);
  const rateCountry = draft.vatRegime === "EU_OSS" ? destination : seller;
  const date = draft.supplyDate ?? order.createdAt.slice(0, 10);
  const goods = order.lines.filter((l) => l.kind === "GOODS");
  const lines: VatMismatchLine[] = [];
  goods.forEach((orderLine, i) => {
    const drafted = draft.lines[i];
    if (!drafted || drafted.kind !== "GOODS" || orderLine.channelVatRate == null) return;
    if (drafted.vatCategory !== "S" && drafted.vatCategory !== "Z") return; // exempt (E) or forced by the regime
    const channel = dec(orderLine.channelVatRate);
    const facto = dec(drafted.vatRate);
    if (channel.equals(facto)) return;
    const net = dec(drafted.lineNet);
    const channelVat = net.times(channel).div(100);
    const factoVat = net.times(facto).div(100);
    if (channelVat.minus(factoVat).abs().lessThanOrEqualTo(ROUNDING_TOLERANCE)) return;
    const channelRate = normalizePercent(channel.toString());
    lines.push({
      line: i + 1,
      description: orderLine.description,
      sku: orderLine.sku ?? null,
      channelRate,
      factoRate: normalizePercent(facto.toString()),
      lineNet: net.toFixed(2),
      channelVat: channelVat.toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2),
      factoVat: factoVat.toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2),
      cause: causeOf(channelRate, facto, draft.vatRegime as VatRegime, { seller, destination, rateCountry, date }),
    });
  });
  if (lines.length === 0) return null;
  const causes = CAUSE_ORDER.filter((c) => lines.some((l) => l.cause === c));
  const mismatch = { orderId: order.orderId, orderName: order.orderName, regime: draft.vatRegime as VatRegime, sellerCountry: seller, destination, rateCountry, cause: causes[0]!, causes, lines, date };
  const { date: _date, ...rest } = mismatch;
  return { ...rest, explanation: explain(mismatch) };
}

function hasRate(country: string, rate: string, date: string): boolean {
  const rates = ratesOn(country, date);
  return !!rates && Object.values(rates).some((r) => r !== undefined && normalizePercent(r) === rate);
}

function causeOf(
  channelRate: string,
  facto: Dec,
  regime: VatRegime,
  at: { seller: string; destination: string; rateCountry: string; date: string },
): VatMismatchCause {
  if (channelRate === "0" && facto.greaterThan(0)) return "NO_VAT_CHARGED";
  if (hasRate(at.rateCountry, channelRate, at.date)) return "PRODUCT_CLASS";
  if (regime === "EU_DISTANCE_SELLER_RATE" && hasRate(at.destination, channelRate, at.date)) return "OSS_NOT_ENABLED";
  if (regime === "EU_OSS" && hasRate(at.seller, channelRate, at.date)) return "OSS_NOT_CHARGED_BY_SHOP";
  return "RATE_TABLE";
}

/** Short labels of the causes, for lists. */
export const VAT_MISMATCH_CAUSE_LABELS: Record<VatMismatchCause, string> = {
  OSS_NOT_ENABLED: "OSS destination taxation is off in Facto",
  OSS_NOT_CHARGED_BY_SHOP: "OSS destination taxation is on in Facto, the shop charged its own country's VAT",
  PRODUCT_CLASS: "a product's VAT class differs",
  NO_VAT_CHARGED: "the shop charged no VAT",
  RATE_TABLE: "a rate Facto does not know",
};

const lineName = (l: VatMismatchLine) => `line ${l.line} "${l.description}"${l.sku ? ` (SKU ${l.sku})` : ""}`;
const listLines = (lines: VatMismatchLine[]) =>
  lines.map((l) => `${lineName(l)}: the shop charged ${l.channelRate} % (VAT ${l.channelVat}), Facto ${l.factoRate} % (VAT ${l.factoVat})`).join("; ");

function explain(m: Omit<VatMismatch, "explanation"> & { date: string }): string {
  const parts = [`Order ${m.orderName} is held: the VAT the shop charged differs from the VAT Facto would invoice, so the invoice would not match what the customer paid.`];
  for (const cause of m.causes) {
    const lines = m.lines.filter((l) => l.cause === cause);
    const detail = listLines(lines);
    switch (cause) {
      case "OSS_NOT_ENABLED":
        parts.push(
          `${detail}. The shop charged ${m.destination} VAT; Facto applied ${m.sellerCountry} VAT because One-Stop-Shop (OSS) destination taxation is off in Facto's settings (a distance sale to a consumer in ${m.destination} under the EU €10,000 threshold carries ${m.sellerCountry} VAT). ` +
            `If you declare through OSS (above the threshold or opted in), tick "Tax EU consumers at their own country's VAT (One-Stop-Shop)" in Facto's settings and save: the order is checked again and invoiced at ${m.destination} rates. ` +
            `If you are under the threshold and did not opt in, correct your shop's tax settings so it charges ${m.sellerCountry} VAT to consumers in other EU countries, and issue this order as computed by Facto.`,
        );
        break;
      case "OSS_NOT_CHARGED_BY_SHOP":
        parts.push(
          `${detail}. OSS destination taxation is on in Facto's settings, so Facto applied ${m.destination} VAT, but the shop charged ${m.sellerCountry} VAT. ` +
            `If you are under the EU €10,000 threshold and did not opt in to OSS, untick "Tax EU consumers at their own country's VAT (One-Stop-Shop)" in Facto's settings and save: the order is checked again. ` +
            `Otherwise set your shop to charge the destination country's VAT to EU consumers, and issue this order as computed by Facto.`,
        );
        break;
      case "PRODUCT_CLASS":
        parts.push(
          `${detail}. Both rates are ${m.rateCountry} rates: the product's VAT class in Facto differs from the tax class in the shop. ` +
            (lines.every((l) => l.sku)
              ? `If the shop is right, set the VAT class of ${lines.map((l) => `SKU ${l.sku}`).join(", ")} on Facto's "VAT of products" page: saving checks the order again. If Facto is right, correct the product's tax class in the shop and issue this order as computed by Facto.`
              : `A line without a SKU cannot be classified in Facto: give the product a SKU (then set its class on the "VAT of products" page), or correct the product's tax class in the shop and issue this order as computed by Facto.`),
        );
        break;
      case "NO_VAT_CHARGED":
        parts.push(
          `${detail}. The shop charged no VAT where Facto charges ${m.rateCountry} VAT. If the buyer is a business exempted by the shop, its VAT number must be on the order and valid in VIES for Facto to invoice without VAT (check the VAT number field Facto reads). ` +
            `If the product is zero-rated, set its VAT class to "zero rate" on Facto's "VAT of products" page: saving checks the order again. Otherwise issue this order as computed by Facto.`,
        );
        break;
      case "RATE_TABLE": {
        const known = Object.values(ratesOn(m.rateCountry, m.date) ?? {}).map((r) => `${normalizePercent(r!)} %`).join(", ");
        parts.push(
          `${detail}. ${lines.map((l) => `${l.channelRate} %`).filter((r, i, all) => all.indexOf(r) === i).join(", ")} is not a ${m.rateCountry} VAT rate Facto knows on ${m.date} (${known || "no rates"}). ` +
            `Check the tax rates configured in your shop; if the shop's rate is right and Facto's rate table is out of date, tell Facto's support. To invoice now with Facto's rate, issue this order as computed by Facto.`,
        );
        break;
      }
    }
  }
  return parts.join(" ");
}
