import { dec, formatAmount, sum, type Dec } from "~/domain/money/money";
import { isValidStructuredCommunication } from "~/domain/payment-reference/structured-communication";
import { collapseSpaces, type BankStatementTransaction, type ParsedBankStatement, type StructuredReference } from "./bank-transaction";
import { normalizeIban } from "./iban";

/**
 * Febelfin "Standard CODA 2.6" reader. Every record is 128 characters; positions below are 1-based as in the
 * specification (see docs/decisions/020-bank-statements.md for where each position was verified).
 * A file may hold several statements (record 1 … record 8), for several accounts, and several files may be
 * concatenated (record 0 … record 9 repeated).
 */
export class CodaFormatError extends Error {
  override name = "CodaFormatError";
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`CODA line ${line}: ${reason}`);
  }
}

const RECORD_LENGTH = 128;

/** 1-based inclusive slice, as the specification writes positions. */
function pos(line: string, from: number, to: number = from): string {
  return line.slice(from - 1, to);
}

interface Movement {
  line: number;
  sequence: string;
  detail: string;
  bankReference: string;
  amount: Dec;
  valueDate: string | null;
  entryDate: string;
  transactionCode: string;
  structured: StructuredReference | null;
  communication: string[];
  globalisationCode: number;
  counterpartyName: string | null;
  counterpartyAccount: string | null;
}

interface OpenStatement {
  line: number;
  accountNumber: string;
  currency: string;
  statementNumber: string;
  openingBalance: Dec;
  movements: Movement[];
}

function amountAt(line: string, lineNo: number, signPos: number, from: number, to: number, what: string): Dec {
  const sign = pos(line, signPos);
  const digits = pos(line, from, to);
  if (sign !== "0" && sign !== "1") throw new CodaFormatError(lineNo, `${what}: sign at position ${signPos} must be 0 (credit) or 1 (debit), found "${sign}"`);
  if (!/^\d+$/.test(digits)) throw new CodaFormatError(lineNo, `${what}: positions ${from}–${to} must be digits, found "${digits}"`);
  const value = dec(digits).div(1000); // 3 implied decimals
  return sign === "1" ? value.negated() : value;
}

function dateAt(line: string, lineNo: number, from: number, what: string, optional = false): string | null {
  const raw = pos(line, from, from + 5);
  if (optional && (raw === "000000" || raw.trim() === "")) return null;
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(raw);
  if (!m) throw new CodaFormatError(lineNo, `${what}: positions ${from}–${from + 5} must be a date DDMMYY, found "${raw}"`);
  const [, dd, mm, yy] = m as unknown as [string, string, string, string];
  const iso = `20${yy}-${mm}-${dd}`; // CODA 2 exists since 2008: every date is in 20xx
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) throw new CodaFormatError(lineNo, `${what}: "${raw}" is not a calendar date`);
  return iso;
}

/** Record 1 / 8 account zone (positions 6–42 in record 1) by account structure (position 2 of record 1). */
function accountOf(line: string, lineNo: number): { accountNumber: string; currency: string } {
  const structure = pos(line, 2);
  switch (structure) {
    case "0": // Belgian account number: 12 digits 6–17, currency 19–21
      return { accountNumber: pos(line, 6, 17).trim(), currency: pos(line, 19, 21).trim() };
    case "1": // foreign account number: 6–39, currency 40–42
      return { accountNumber: pos(line, 6, 39).trim(), currency: pos(line, 40, 42).trim() };
    case "2": // IBAN of a Belgian account: 6–21 (16 characters), currency 40–42
      return { accountNumber: normalizeIban(pos(line, 6, 21)), currency: pos(line, 40, 42).trim() };
    case "3": // IBAN of a foreign account: 6–39, currency 40–42
      return { accountNumber: normalizeIban(pos(line, 6, 39)), currency: pos(line, 40, 42).trim() };
    default:
      throw new CodaFormatError(lineNo, `record 1: account structure at position 2 must be 0–3, found "${structure}"`);
  }
}

function formatOgm(digits: string): string {
  return `+++${digits.slice(0, 3)}/${digits.slice(3, 7)}/${digits.slice(7, 12)}+++`;
}

export function parseCoda(text: string): ParsedBankStatement[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)!.trim() === "") lines.pop();
  if (lines.length === 0) throw new CodaFormatError(1, "the file is empty");

  const statements: ParsedBankStatement[] = [];
  let inFile = false;
  let sawTrailer = false;
  let current: OpenStatement | null = null;
  let last: Movement | null = null;
  let expect: "22" | "23" | null = null;

  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    let line = lines[i]!;
    if (line.length > RECORD_LENGTH) throw new CodaFormatError(n, `a record is ${RECORD_LENGTH} characters, this one has ${line.length}`);
    if (line.trim() === "") throw new CodaFormatError(n, "empty line inside the file");
    // Some banks and tools strip trailing blanks; every trailing field is filler or optional.
    line = line.padEnd(RECORD_LENGTH, " ");
    const record = pos(line, 1);
    const article = pos(line, 2);
    const kind = record === "2" || record === "3" ? `${record}${article}` : record;

    if (expect && kind !== expect && !(expect === "23" && kind === "22")) {
      // next code 1 announced a continuation record that does not come
      throw new CodaFormatError(n, `record ${expect[0]}.${expect[1]} expected after line ${n - 1} (its next code is 1), found record ${kind}`);
    }
    expect = null;

    if (!inFile && kind !== "0") throw new CodaFormatError(n, `a CODA file starts with record 0, found record ${kind}`);

    switch (kind) {
      case "0": {
        if (inFile && !sawTrailer) throw new CodaFormatError(n, "record 0 before the trailer (record 9) of the previous file");
        if (pos(line, 2, 5) !== "0000") throw new CodaFormatError(n, `record 0: positions 2–5 must be 0000, found "${pos(line, 2, 5)}"`);
        if (pos(line, 15, 16) !== "05") throw new CodaFormatError(n, `record 0: application code (15–16) must be 05, found "${pos(line, 15, 16)}"`);
        const version = pos(line, 128);
        if (version !== "2") throw new CodaFormatError(n, `record 0: only CODA version 2 is read (position 128), found "${version}"`);
        dateAt(line, n, 6, "record 0 creation date");
        inFile = true;
        sawTrailer = false;
        break;
      }
      case "1": {
        if (current) throw new CodaFormatError(n, `record 1 before the new balance (record 8) of the statement opened on line ${current.line}`);
        const { accountNumber, currency } = accountOf(line, n);
        if (!/^[A-Z]{3}$/.test(currency)) throw new CodaFormatError(n, `record 1: account currency must be an ISO 4217 code, found "${currency}"`);
        current = {
          line: n,
          accountNumber,
          currency,
          statementNumber: pos(line, 3, 5),
          openingBalance: amountAt(line, n, 43, 44, 58, "record 1 old balance"),
          movements: [],
        };
        dateAt(line, n, 59, "record 1 old balance date");
        last = null;
        break;
      }
      case "21": {
        if (!current) throw new CodaFormatError(n, "movement record 2.1 outside a statement (no record 1 before it)");
        const commType = pos(line, 62);
        let structured: StructuredReference | null = null;
        const communication: string[] = [];
        if (commType === "1") {
          const type = pos(line, 63, 65);
          if (type === "101" || type === "102") {
            const digits = pos(line, 66, 77);
            if (!/^\d{12}$/.test(digits)) throw new CodaFormatError(n, `record 2.1: structured communication ${type} must hold 12 digits at 66–77, found "${digits}"`);
            structured = { kind: "OGM", value: formatOgm(digits), valid: isValidStructuredCommunication(digits) };
          } else {
            // other structured types (card payments, direct debits…): keep the text for the merchant
            communication.push(pos(line, 66, 115));
          }
        } else if (commType === "0" || commType === " ") {
          communication.push(pos(line, 63, 115));
        } else {
          throw new CodaFormatError(n, `record 2.1: communication structure at position 62 must be 0 or 1, found "${commType}"`);
        }
        const glob = pos(line, 125);
        if (!/^\d$/.test(glob)) throw new CodaFormatError(n, `record 2.1: globalisation code at position 125 must be a digit, found "${glob}"`);
        last = {
          line: n,
          sequence: pos(line, 3, 6),
          detail: pos(line, 7, 10),
          bankReference: pos(line, 11, 31).trim(),
          amount: amountAt(line, n, 32, 33, 47, "record 2.1 amount"),
          valueDate: dateAt(line, n, 48, "record 2.1 value date", true),
          entryDate: dateAt(line, n, 116, "record 2.1 entry date")!,
          transactionCode: pos(line, 54, 61),
          structured,
          communication,
          globalisationCode: Number(glob),
          counterpartyName: null,
          counterpartyAccount: null,
        };
        current.movements.push(last);
        if (pos(line, 126) === "1") expect = "22";
        break;
      }
      case "22":
      case "23": {
        if (!last || pos(line, 3, 6) !== last.sequence || pos(line, 7, 10) !== last.detail) {
          throw new CodaFormatError(n, `record ${kind[0]}.${kind[1]} does not continue the movement before it (sequence ${pos(line, 3, 6)}/${pos(line, 7, 10)})`);
        }
        if (kind === "22") {
          last.communication.push(pos(line, 11, 63));
          if (pos(line, 126) === "1") expect = "23";
        } else {
          // counterparty account 11–47: IBAN (up to 34) then currency, or a Belgian number + currency
          const zone = pos(line, 11, 47).trim();
          const account = zone.split(/\s+/)[0] ?? "";
          last.counterpartyAccount = account === "" ? null : normalizeIban(account);
          const name = pos(line, 48, 82).trim();
          last.counterpartyName = name === "" ? null : name;
          last.communication.push(pos(line, 83, 125));
        }
        break;
      }
      case "31":
      case "32":
      case "33":
        // information records: details of the movement (e.g. the counterparty address); nothing Facto matches on
        if (!current) throw new CodaFormatError(n, `information record ${kind[0]}.${kind[1]} outside a statement`);
        break;
      case "4":
        if (!current) throw new CodaFormatError(n, "free communication record 4 outside a statement");
        break;
      case "8": {
        if (!current) throw new CodaFormatError(n, "new balance record 8 without a statement (record 1) before it");
        const closing = amountAt(line, n, 42, 43, 57, "record 8 new balance");
        dateAt(line, n, 58, "record 8 new balance date");
        // Only level-0 movements (detail 0000) are booked; details of a globalisation repeat their total.
        const booked = sum(current.movements.filter((m) => m.detail === "0000").map((m) => m.amount));
        const expected = current.openingBalance.plus(booked);
        if (!expected.equals(closing)) {
          throw new CodaFormatError(n, `record 8: new balance ${formatAmount(closing)} ≠ old balance ${formatAmount(current.openingBalance)} + movements ${formatAmount(booked)}`);
        }
        statements.push(close(current, closing));
        current = null;
        last = null;
        break;
      }
      case "9": {
        if (current) throw new CodaFormatError(n, `trailer record 9 before the new balance (record 8) of the statement opened on line ${current.line}`);
        sawTrailer = true;
        break;
      }
      default:
        throw new CodaFormatError(n, `unknown record type "${kind}"`);
    }
  }
  if (expect) throw new CodaFormatError(lines.length, `record ${expect[0]}.${expect[1]} expected after the last line`);
  if (current) throw new CodaFormatError(lines.length, `statement opened on line ${current.line} has no new balance (record 8)`);
  if (!sawTrailer) throw new CodaFormatError(lines.length, "the file has no trailer record 9");
  return statements;
}

function close(s: OpenStatement, closing: Dec): ParsedBankStatement {
  const transactions: BankStatementTransaction[] = [];
  const hasDetails = new Set(s.movements.filter((m) => m.detail !== "0000").map((m) => m.sequence));
  for (const m of s.movements) {
    // A globalised total (detail 0000, globalisation code > 0) whose details follow is represented by its details.
    if (m.detail === "0000" && m.globalisationCode > 0 && hasDetails.has(m.sequence)) continue;
    transactions.push({
      bankReference: `coda:${s.statementNumber}:${m.entryDate}:${m.sequence}:${m.detail}:${m.bankReference}`,
      accountNumber: s.accountNumber,
      currency: s.currency,
      amount: formatAmount(m.amount),
      direction: m.amount.isNegative() ? "DEBIT" : "CREDIT",
      bookingDate: m.entryDate,
      valueDate: m.valueDate,
      structuredReference: m.structured,
      communication: collapseSpaces(m.communication.join("")),
      counterpartyName: m.counterpartyName,
      counterpartyAccount: m.counterpartyAccount,
      statementNumber: s.statementNumber,
    });
  }
  return {
    accountNumber: s.accountNumber,
    currency: s.currency,
    statementNumber: s.statementNumber,
    openingBalance: formatAmount(s.openingBalance),
    closingBalance: formatAmount(closing),
    transactions,
  };
}
