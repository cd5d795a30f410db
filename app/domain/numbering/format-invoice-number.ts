export interface SeriesFormat {
  prefix: string;
  padding: number;
}

/** "INV-" + 7 padded to 4 → "INV-0007". Numbers wider than the padding are never cut. */
export function formatInvoiceNumber(series: SeriesFormat, number: number): string {
  if (!Number.isSafeInteger(number) || number < 1) throw new RangeError(`invoice numbers start at 1, got ${number}`);
  return `${series.prefix}${String(number).padStart(series.padding, "0")}`;
}
