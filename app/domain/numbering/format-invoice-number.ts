export interface SeriesFormat {
  prefix: string;
  padding: number;
  /** Tokens: {prefix}, {year}, {number}. Default "{prefix}{number}". */
  format?: string;
}

/**
 * "INV-" + 7, padded to 4 → "INV-0007"; with format "{prefix}{year}-{number}" and year 2026 →
 * "INV-2026-0007". Numbers wider than the padding are never cut.
 */
export function formatInvoiceNumber(series: SeriesFormat, number: number, year?: number): string {
  if (!Number.isSafeInteger(number) || number < 1) throw new RangeError(`invoice numbers start at 1, got ${number}`);
  const format = series.format ?? "{prefix}{number}";
  if (!format.includes("{number}")) throw new RangeError(`the number format "${format}" has no {number}`);
  if (format.includes("{year}") && year === undefined) throw new RangeError(`the number format "${format}" needs a year`);
  return format
    .replaceAll("{prefix}", series.prefix)
    .replaceAll("{year}", String(year ?? ""))
    .replaceAll("{number}", String(number).padStart(series.padding, "0"));
}

/**
 * The next number when a merchant moves from another tool: "my last invoice was 115" → 116.
 * Used to set the series' nextNumber before the first Facto invoice.
 */
export function nextAfter(lastIssued: number): number {
  if (!Number.isSafeInteger(lastIssued) || lastIssued < 0) throw new RangeError(`the last issued number must be 0 or more, got ${lastIssued}`);
  return lastIssued + 1;
}
