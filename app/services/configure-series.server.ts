import type { Db } from "~/db.server";
import { formatInvoiceNumber, nextAfter } from "~/domain/numbering/format-invoice-number";
import { AppError } from "~/errors/app-error";
import { DEFAULT_SERIES } from "~/models/insert-issued-document.server";

export interface SeriesSettings {
  prefix: string;
  padding: number;
  format: string;
  yearlyReset: boolean;
  /** "My last invoice was 115": the next number issued is 116. Omit to keep the counter. */
  lastIssuedNumber?: number;
}

/**
 * Sets up a numbering series (invoices or credit notes). The counter can only move forward past
 * numbers Facto already issued in it, so a setting can never produce a duplicate number.
 */
export async function configureSeries(db: Db, shopId: string, kind: keyof typeof DEFAULT_SERIES, settings: SeriesSettings, now: Date) {
  const defaults = DEFAULT_SERIES[kind];
  const year = now.getUTCFullYear();
  formatInvoiceNumber(settings, 1, year); // validates the format (a RangeError names the problem)
  if (settings.padding < 0 || settings.padding > 10) throw new AppError("BAD_REQUEST", "Zero-padding must be between 0 and 10 digits");
  return db.$transaction(async (tx) => {
    const series = await tx.invoiceSeries.upsert({
      where: { shopId_code: { shopId, code: defaults.code } },
      create: { shopId, code: defaults.code, kind: defaults.kind, prefix: settings.prefix, padding: settings.padding, format: settings.format, yearlyReset: settings.yearlyReset, currentYear: settings.yearlyReset ? year : null },
      update: { prefix: settings.prefix, padding: settings.padding, format: settings.format, yearlyReset: settings.yearlyReset, ...(settings.yearlyReset ? {} : { currentYear: null }) },
    });
    if (settings.lastIssuedNumber !== undefined) {
      const next = nextAfter(settings.lastIssuedNumber);
      const numberYear = settings.yearlyReset ? (series.currentYear ?? year) : 0;
      const highest = await tx.invoice.aggregate({ where: { seriesId: series.id, numberYear }, _max: { number: true } });
      if (highest._max.number !== null && next <= highest._max.number) {
        throw new AppError("BAD_REQUEST", `Facto already issued number ${highest._max.number} in this series: the next number must be higher`);
      }
      await tx.invoiceSeries.update({ where: { id: series.id }, data: { nextNumber: next, ...(settings.yearlyReset ? { currentYear: numberYear || year } : {}) } });
    }
    return tx.invoiceSeries.findUniqueOrThrow({ where: { id: series.id } });
  });
}
