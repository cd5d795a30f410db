/**
 * EU VAT rates, effective-dated. Each period lists a member state's rates by category; a period is
 * in force from `from` (inclusive) until the next period of the same country. Source: the European
 * Commission's TEDB as of November 2026 (see ../shared/reference and docs/decisions/005-vat-rates.md).
 *
 * Categories are Facto's own, so that a merchant classifies a product once and every country's rate
 * follows: standard; reduced1 (the higher reduced rate); reduced2 (the lower reduced rate);
 * superReduced (below 5 %); zero. A country without a category has no such rate: products in that
 * category are taxed at the next higher rate it has (see `rateFor`).
 */
export const RATE_CATEGORIES = ["standard", "reduced1", "reduced2", "superReduced", "zero"] as const;
export type RateCategory = (typeof RATE_CATEGORIES)[number];

export interface RatePeriod {
  country: string;
  /** YYYY-MM-DD */
  from: string;
  rates: Partial<Record<RateCategory, string>>;
}

export const VAT_RATES: readonly RatePeriod[] = [
  { country: "AT", from: "2016-01-01", rates: { standard: "20", reduced1: "13", reduced2: "10", zero: "0" } },
  { country: "BE", from: "1996-01-01", rates: { standard: "21", reduced1: "12", reduced2: "6", zero: "0" } },
  { country: "BG", from: "2011-01-01", rates: { standard: "20", reduced2: "9", zero: "0" } },
  { country: "CY", from: "2014-01-13", rates: { standard: "19", reduced1: "9", reduced2: "5", superReduced: "3", zero: "0" } },
  { country: "CZ", from: "2024-01-01", rates: { standard: "21", reduced1: "12", zero: "0" } },
  { country: "DE", from: "2021-01-01", rates: { standard: "19", reduced2: "7", zero: "0" } },
  { country: "DK", from: "1992-01-01", rates: { standard: "25", zero: "0" } },
  { country: "EE", from: "2025-01-01", rates: { standard: "22", reduced1: "13", reduced2: "9", zero: "0" } },
  { country: "EE", from: "2025-07-01", rates: { standard: "24", reduced1: "13", reduced2: "9", zero: "0" } },
  { country: "ES", from: "2012-09-01", rates: { standard: "21", reduced1: "10", superReduced: "4", zero: "0" } },
  { country: "FI", from: "2024-09-01", rates: { standard: "25.5", reduced1: "14", reduced2: "10", zero: "0" } },
  { country: "FI", from: "2026-01-01", rates: { standard: "25.5", reduced1: "13.5", reduced2: "10", zero: "0" } },
  { country: "FR", from: "2014-01-01", rates: { standard: "20", reduced1: "10", reduced2: "5.5", superReduced: "2.1", zero: "0" } },
  { country: "GR", from: "2016-06-01", rates: { standard: "24", reduced1: "13", reduced2: "6", superReduced: "4", zero: "0" } },
  { country: "HR", from: "2014-01-01", rates: { standard: "25", reduced1: "13", reduced2: "5", zero: "0" } },
  { country: "HU", from: "2012-01-01", rates: { standard: "27", reduced1: "18", reduced2: "5", zero: "0" } },
  { country: "IE", from: "2021-03-01", rates: { standard: "23", reduced1: "13.5", reduced2: "9", superReduced: "4.8", zero: "0" } },
  { country: "IT", from: "2013-10-01", rates: { standard: "22", reduced1: "10", reduced2: "5", superReduced: "4", zero: "0" } },
  { country: "LT", from: "2009-09-01", rates: { standard: "21", reduced1: "9", reduced2: "5", zero: "0" } },
  { country: "LT", from: "2026-01-01", rates: { standard: "21", reduced1: "12", reduced2: "5", zero: "0" } },
  { country: "LU", from: "2024-01-01", rates: { standard: "17", reduced1: "14", reduced2: "8", superReduced: "3", zero: "0" } },
  { country: "LV", from: "2011-07-01", rates: { standard: "21", reduced1: "12", reduced2: "5", zero: "0" } },
  { country: "MT", from: "2011-01-01", rates: { standard: "18", reduced1: "7", reduced2: "5", zero: "0" } },
  { country: "NL", from: "2019-01-01", rates: { standard: "21", reduced2: "9", zero: "0" } },
  { country: "PL", from: "2011-01-01", rates: { standard: "23", reduced1: "8", reduced2: "5", zero: "0" } },
  { country: "PT", from: "2016-07-01", rates: { standard: "23", reduced1: "13", reduced2: "6", zero: "0" } },
  { country: "RO", from: "2017-01-01", rates: { standard: "19", reduced1: "9", reduced2: "5", zero: "0" } },
  { country: "RO", from: "2025-08-01", rates: { standard: "21", reduced1: "11", zero: "0" } },
  { country: "SE", from: "1996-01-01", rates: { standard: "25", reduced1: "12", reduced2: "6", zero: "0" } },
  { country: "SI", from: "2013-07-01", rates: { standard: "22", reduced1: "9.5", reduced2: "5", zero: "0" } },
  { country: "SK", from: "2025-01-01", rates: { standard: "23", reduced1: "19", reduced2: "5", zero: "0" } },
];

/** The rates of a country on a date, or null outside the EU table. */
export function ratesOn(country: string, date: string): RatePeriod["rates"] | null {
  const code = country.toUpperCase() === "EL" ? "GR" : country.toUpperCase();
  let found: RatePeriod | null = null;
  for (const period of VAT_RATES) {
    if (period.country === code && period.from <= date && (!found || period.from > found.from)) found = period;
  }
  return found?.rates ?? null;
}

/**
 * The rate (percent) of a category in a country on a date. A category the country does not have
 * falls back to the next higher category it has (a super-reduced book in Germany is taxed at 7 %).
 */
export function rateFor(country: string, category: RateCategory, date: string): string | null {
  const rates = ratesOn(country, date);
  if (!rates) return null;
  if (category === "zero") return rates.zero ?? rates.superReduced ?? rates.reduced2 ?? rates.reduced1 ?? rates.standard ?? null;
  const order: RateCategory[] = ["superReduced", "reduced2", "reduced1", "standard"];
  for (const c of order.slice(order.indexOf(category))) if (rates[c]) return rates[c];
  return null;
}

/** The category whose rate in that country (on that date) is this percentage, if any. */
export function categoryOfRate(country: string, rate: string, date: string): RateCategory | null {
  const rates = ratesOn(country, date);
  if (!rates) return null;
  const wanted = normalizePercent(rate);
  for (const c of RATE_CATEGORIES) if (rates[c] !== undefined && normalizePercent(rates[c]!) === wanted) return c;
  return null;
}

/** "21.00" → "21", "5.50" → "5.5" (rates are compared as text, never as floats). */
export function normalizePercent(rate: string): string {
  const [int = "0", frac = ""] = rate.trim().split(".");
  const f = frac.replace(/0+$/, "");
  return `${String(Number.parseInt(int, 10))}${f ? `.${f}` : ""}`;
}
