import Decimal from "decimal.js";

/**
 * Exact decimal money. Amounts cross module borders as strings ("12.30"); arithmetic happens on
 * Decimal values; rounding to the currency's two decimals happens only through `roundAmount`
 * (EN 16931: half away from zero to 2 decimals).
 */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

export type DecimalInput = string | number | Dec;

export function dec(value: DecimalInput): Dec {
  if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return new D(value);
}

/** Rounds to 2 decimals, half away from zero (ROUND_HALF_UP in decimal.js is away from zero). */
export function roundAmount(value: DecimalInput): Dec {
  return dec(value).toDecimalPlaces(2, D.ROUND_HALF_UP);
}

/** The canonical string of an amount: always two decimals, never exponent notation. */
export function formatAmount(value: DecimalInput): string {
  return roundAmount(value).toFixed(2);
}

export function sum(values: readonly DecimalInput[]): Dec {
  return values.reduce<Dec>((acc, v) => acc.plus(dec(v)), new D(0));
}

export function isZero(value: DecimalInput): boolean {
  return dec(value).isZero();
}
