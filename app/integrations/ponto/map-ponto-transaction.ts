import { z } from "zod";
import { collapseSpaces, type BankStatementTransaction, type StructuredReference } from "~/domain/banking/bank-transaction";
import { isValidIban, normalizeIban } from "~/domain/banking/iban";
import { dec, formatAmount } from "~/domain/money/money";
import { isValidRfCreditorReference } from "~/domain/payment-reference/rf-creditor-reference";
import { isValidStructuredCommunication } from "~/domain/payment-reference/structured-communication";

/**
 * A Ponto Connect transaction (JSON:API `transaction` resource) as Facto's own BankStatementTransaction, so it goes
 * through the one import and matching path of statement files (app/services/bank-statements.server.ts).
 * Attributes used (Ponto Connect API reference, "Transaction" — field names as in Ibanity's SDKs and the
 * looorent/ponto-java client): `amount` (signed; Facto keeps its decimal text), `currency`, `executionDate`
 * ("the moment the transaction has been recorded"), `valueDate`, `remittanceInformation` and
 * `remittanceInformationType` (`structured` | `unstructured`), `counterpartName`, `counterpartReference`,
 * `description`. Dates come as ISO 8601 timestamps of midnight in Belgium (e.g. 2026-11-26T23:00:00.000Z for the
 * 27th): the booking date is the calendar day in Europe/Brussels.
 */
export const PontoTransactionAttributes = z
  .object({
    amount: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^-?\d+(\.\d+)?$/, "amount must be a decimal number")),
    currency: z.string().length(3),
    executionDate: z.string().min(10),
    valueDate: z.string().min(10).nullish(),
    remittanceInformation: z.string().nullish(),
    remittanceInformationType: z.string().nullish(),
    counterpartName: z.string().nullish(),
    counterpartReference: z.string().nullish(),
    description: z.string().nullish(),
  })
  .loose();

const BRUSSELS = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Brussels", year: "numeric", month: "2-digit", day: "2-digit" });

/** The calendar day (YYYY-MM-DD) of a Ponto timestamp in Belgium; a bare date is taken as is. */
export function belgianDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new Error(`not a date: ${value}`);
  return BRUSSELS.format(at);
}

/** A structured remittance: 12 digits (with or without +++/ and spaces) is an OGM, else an ISO 11649 RF reference. */
export function structuredFromPonto(text: string): StructuredReference {
  const compact = text.replace(/\s/g, "");
  const digits = compact.replace(/[+/*]/g, "");
  if (/^\d{12}$/.test(digits)) return { kind: "OGM", value: `+++${digits.slice(0, 3)}/${digits.slice(3, 7)}/${digits.slice(7, 12)}+++`, valid: isValidStructuredCommunication(digits) };
  return { kind: "RF", value: compact.toUpperCase(), valid: isValidRfCreditorReference(compact) };
}

export function mapPontoTransaction(id: string, raw: Record<string, unknown>, account: { iban: string }): BankStatementTransaction {
  const a = PontoTransactionAttributes.parse(raw);
  const amount = formatAmount(dec(a.amount));
  const remittance = collapseSpaces(a.remittanceInformation ?? "");
  const structured = a.remittanceInformationType === "structured" && remittance ? structuredFromPonto(remittance) : null;
  const counterpart = a.counterpartReference ? a.counterpartReference.replace(/\s+/g, "") : null;
  return {
    bankReference: `ponto:${id}`,
    accountNumber: normalizeIban(account.iban),
    currency: a.currency.toUpperCase(),
    amount,
    direction: dec(amount).greaterThan(0) ? "CREDIT" : "DEBIT",
    bookingDate: belgianDate(a.executionDate),
    valueDate: a.valueDate ? belgianDate(a.valueDate) : null,
    structuredReference: structured,
    communication: structured ? "" : remittance || collapseSpaces(a.description ?? ""),
    counterpartyName: a.counterpartName ? collapseSpaces(a.counterpartName) || null : null,
    counterpartyAccount: counterpart ? (isValidIban(counterpart) ? normalizeIban(counterpart) : counterpart) : null,
    statementNumber: null,
  };
}
