import type { ChannelOrder, VatCategory } from "../invoice/types";
import { dec } from "../money/money";
import { isEuCountry } from "./eu-countries";

/**
 * The VAT regime of an order and the reason for it.
 *
 * Foundation scope: domestic/EU sales are taxed at the seller country's rates as the shop
 * computed them, sales shipped outside the EU are exports (exempt). OSS destination rates and
 * intra-community B2B supplies (VIES-checked) are decided in the VAT issue and will extend this
 * function, not replace its callers.
 */
export interface VatDecision {
  regime: "DOMESTIC" | "EXPORT";
  /** The category every taxable line gets under this regime, before per-line rates. */
  category: VatCategory | null;
  /** For exempt regimes: the legal mention (BT-120) printed on the invoice. */
  exemptionReason: string | null;
  reason: string;
}

/** Belgian VAT rates in force (percent). */
const SELLER_RATES: Record<string, readonly string[]> = {
  BE: ["21", "12", "6", "0"],
};

export function destinationCountry(order: ChannelOrder): string | null {
  return (order.shippingAddress?.countryCode ?? order.customer.countryCode ?? null)?.toUpperCase() ?? null;
}

export function decideVatRegime(order: ChannelOrder, sellerCountry: string): VatDecision {
  const destination = destinationCountry(order);
  if (destination && !isEuCountry(destination)) {
    return {
      regime: "EXPORT",
      category: "G",
      exemptionReason: "Export outside the EU – exempt under art. 146(1)(a) Directive 2006/112/EC (art. 39 W.BTW/CTVA)",
      reason: `Goods shipped to ${destination}, outside the EU: export, exempt from VAT (category G).`,
    };
  }
  return {
    regime: "DOMESTIC",
    category: null,
    exemptionReason: null,
    reason: `Sale taxed in ${sellerCountry} at the rate of each product (seller's country VAT).`,
  };
}

/**
 * The seller-country rate for a line: the shop's own rate when it is one of the seller country's
 * rates, else the standard rate.
 */
export function sellerRateFor(channelRate: string | null | undefined, sellerCountry: string): string {
  const rates = SELLER_RATES[sellerCountry.toUpperCase()] ?? ["21"];
  const standard = rates[0] ?? "21";
  if (channelRate == null) return standard;
  const normalized = dec(channelRate).toString();
  return rates.includes(normalized) ? normalized : standard;
}
