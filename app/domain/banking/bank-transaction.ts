/**
 * One booked movement on a merchant's bank account, whatever delivered it (CODA file, camt.053 file, Ponto).
 * Amounts are exact decimal strings with two decimals, signed: a credit is positive, a debit negative.
 */
export interface StructuredReference {
  /** OGM = Belgian structured communication (+++ddd/dddd/ddddd+++); RF = ISO 11649 creditor reference. */
  kind: "OGM" | "RF";
  /** OGM as +++ddd/dddd/ddddd+++, RF without spaces. */
  value: string;
  /** False when the check digits are wrong: kept for the merchant to see, never trusted for matching. */
  valid: boolean;
}

export interface BankStatementTransaction {
  /** Unique within the account: what makes a second import of the same statement a no-op. */
  bankReference: string;
  /** The merchant's account (normalised IBAN, or the bank's account number when not an IBAN). */
  accountNumber: string;
  currency: string;
  /** Signed, two decimals: "125.00" credit, "-19.99" debit. */
  amount: string;
  direction: "CREDIT" | "DEBIT";
  /** YYYY-MM-DD */
  bookingDate: string;
  valueDate: string | null;
  structuredReference: StructuredReference | null;
  /** Free text (unstructured remittance), whitespace collapsed; "" when none. */
  communication: string;
  counterpartyName: string | null;
  counterpartyAccount: string | null;
  statementNumber: string | null;
}

export interface ParsedBankStatement {
  accountNumber: string;
  currency: string;
  statementNumber: string;
  openingBalance: string | null;
  closingBalance: string | null;
  transactions: BankStatementTransaction[];
}

export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
