import { describe, expect, it } from "vitest";
import { structuredCommunication } from "~/domain/payment-reference/structured-communication";
import { buildCoda } from "../../../tests/support/coda-builder";
import { CodaFormatError, parseCoda } from "./coda";

const ogmDigits = (base: number) => structuredCommunication(base).replace(/\D/g, "");
const SHOP_IBAN = "BE68539007547034";

function errorOf(fn: () => unknown): CodaFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CodaFormatError) return e;
    throw e;
  }
  throw new Error("expected a CodaFormatError");
}

describe("CODA 2.6 reader", () => {
  it("reads a credit with a type-101 structured communication, its counterparty and exact amount", () => {
    const file = buildCoda([
      {
        iban: SHOP_IBAN,
        statementNumber: 12,
        openingBalance: "1000.00",
        date: "2026-11-27",
        movements: [{ amount: "121.00", date: "2026-11-27", ogmDigits: ogmDigits(1000042), counterpartyIban: "BE71096123456769", counterpartyName: "Bakkerij Peeters BV" }],
      },
    ]);
    for (const line of file.trimEnd().split("\r\n")) expect(line).toHaveLength(128);
    const [statement, ...rest] = parseCoda(file);
    expect(rest).toHaveLength(0);
    expect(statement).toMatchObject({ accountNumber: SHOP_IBAN, currency: "EUR", statementNumber: "012", openingBalance: "1000.00", closingBalance: "1121.00" });
    expect(statement!.transactions).toEqual([
      {
        bankReference: "coda:012:2026-11-27:0001:0000:REF01200010000",
        accountNumber: SHOP_IBAN,
        currency: "EUR",
        amount: "121.00",
        direction: "CREDIT",
        bookingDate: "2026-11-27",
        valueDate: "2026-11-27",
        structuredReference: { kind: "OGM", value: structuredCommunication(1000042), valid: true },
        communication: "",
        counterpartyName: "Bakkerij Peeters BV",
        counterpartyAccount: "BE71096123456769",
        statementNumber: "012",
      },
    ]);
  });

  it("reads several statements for several accounts, a foreign-currency account, debits and a negative balance", () => {
    const file = buildCoda([
      {
        iban: SHOP_IBAN,
        statementNumber: 1,
        openingBalance: "-50.00",
        date: "2026-11-26",
        movements: [
          { amount: "200.50", date: "2026-11-26", communication: "Factuur F2026-0007 bestelling #1007" },
          { amount: "-19.99", date: "2026-11-26", communication: "Terugbetaling retour #1003", counterpartyIban: "BE71096123456769", counterpartyName: "J. Janssens" },
        ],
      },
      { iban: SHOP_IBAN, statementNumber: 2, openingBalance: "130.51", date: "2026-11-27", movements: [{ amount: "-130.51", date: "2026-11-27", communication: "Huur december" }] },
      { iban: "DE89370400440532013000", structure: "3", currency: "USD", statementNumber: 7, openingBalance: "0", date: "2026-11-27", movements: [{ amount: "99.95", date: "2026-11-27", ogmDigits: ogmDigits(2000001) }] },
    ]);
    const statements = parseCoda(file);
    expect(statements.map((s) => [s.accountNumber, s.currency, s.statementNumber, s.openingBalance, s.closingBalance])).toEqual([
      [SHOP_IBAN, "EUR", "001", "-50.00", "130.51"],
      [SHOP_IBAN, "EUR", "002", "130.51", "0.00"],
      ["DE89370400440532013000", "USD", "007", "0.00", "99.95"],
    ]);
    const [first, second, foreign] = statements;
    expect(first!.transactions.map((t) => [t.amount, t.direction, t.communication])).toEqual([
      ["200.50", "CREDIT", "Factuur F2026-0007 bestelling #1007"],
      ["-19.99", "DEBIT", "Terugbetaling retour #1003"],
    ]);
    expect(first!.transactions[1]).toMatchObject({ counterpartyName: "J. Janssens", counterpartyAccount: "BE71096123456769" });
    expect(second!.transactions[0]).toMatchObject({ amount: "-130.51", direction: "DEBIT" });
    expect(foreign!.transactions[0]).toMatchObject({ currency: "USD", amount: "99.95", accountNumber: "DE89370400440532013000", structuredReference: { kind: "OGM", valid: true } });
    const refs = statements.flatMap((s) => s.transactions.map((t) => `${t.accountNumber}|${t.bankReference}`));
    expect(new Set(refs).size).toBe(refs.length);
  });

  it("keeps a structured communication with a wrong check digit, flagged invalid", () => {
    const good = ogmDigits(1000042);
    const wrong = good.slice(0, 10) + String((Number(good.slice(10)) % 97) + 1).padStart(2, "0");
    const [s] = parseCoda(buildCoda([{ iban: SHOP_IBAN, statementNumber: 3, openingBalance: "0", date: "2026-11-28", movements: [{ amount: "10.00", date: "2026-11-28", ogmDigits: wrong }] }]));
    expect(s!.transactions[0]!.structuredReference).toEqual({ kind: "OGM", value: `+++${wrong.slice(0, 3)}/${wrong.slice(3, 7)}/${wrong.slice(7)}+++`, valid: false });
  });

  it("joins an unstructured communication continued in record 2.2", () => {
    const text = "Betaling van factuur F2026-0042 voor bestelling nummer #1042 van de webwinkel, dank u";
    const [s] = parseCoda(buildCoda([{ iban: SHOP_IBAN, statementNumber: 4, openingBalance: "0", date: "2026-11-28", movements: [{ amount: "55.00", date: "2026-11-28", communication: text }] }]));
    expect(s!.transactions[0]!.communication).toBe(text);
  });

  it("represents a globalised total by its detail movements", () => {
    const [s] = parseCoda(
      buildCoda([
        {
          iban: SHOP_IBAN,
          statementNumber: 5,
          openingBalance: "0",
          date: "2026-11-28",
          movements: [
            {
              amount: "30.00",
              date: "2026-11-28",
              communication: "Collective",
              details: [
                { amount: "10.00", date: "2026-11-28", ogmDigits: ogmDigits(11) },
                { amount: "20.00", date: "2026-11-28", ogmDigits: ogmDigits(12) },
              ],
            },
          ],
        },
      ]),
    );
    expect(s!.closingBalance).toBe("30.00");
    expect(s!.transactions.map((t) => [t.amount, t.structuredReference?.value])).toEqual([
      ["10.00", structuredCommunication(11)],
      ["20.00", structuredCommunication(12)],
    ]);
  });

  it("accepts records whose trailing blanks were stripped and LF line ends", () => {
    const file = buildCoda([{ iban: SHOP_IBAN, statementNumber: 6, openingBalance: "0", date: "2026-11-28", movements: [{ amount: "1.00", date: "2026-11-28", ogmDigits: ogmDigits(5) }] }]);
    const stripped = file.split("\r\n").map((l) => l.trimEnd()).join("\n");
    expect(parseCoda(stripped)[0]!.transactions).toHaveLength(1);
  });

  it("reads two files delivered one after the other (CodaBox concatenates a day's files)", () => {
    const one = buildCoda([{ iban: SHOP_IBAN, statementNumber: 9, openingBalance: "0", date: "2026-11-27", movements: [{ amount: "1.00", date: "2026-11-27", ogmDigits: ogmDigits(1) }] }]);
    const two = buildCoda([{ iban: "BE71096123456769", statementNumber: 3, openingBalance: "5.00", date: "2026-11-27", movements: [{ amount: "-2.50", date: "2026-11-27", communication: "kosten" }] }]);
    const statements = parseCoda(one + two);
    expect(statements.map((s) => [s.accountNumber, s.closingBalance, s.transactions.map((t) => t.amount)])).toEqual([
      [SHOP_IBAN, "1.00", ["1.00"]],
      ["BE71096123456769", "2.50", ["-2.50"]],
    ]);
    expect(errorOf(() => parseCoda(one.split("\r\n").slice(0, -2).join("\r\n") + "\r\n" + two))).toMatchObject({ line: 5, reason: expect.stringContaining("before the trailer") });
  });

  describe("rejects malformed files with the line and the reason", () => {
    const base = () => buildCoda([{ iban: SHOP_IBAN, statementNumber: 8, openingBalance: "0", date: "2026-11-28", movements: [{ amount: "12.00", date: "2026-11-28", ogmDigits: ogmDigits(7), counterpartyName: "X" }] }]).trimEnd().split("\r\n");
    const at = (lines: string[], n: number, from: number, value: string) => {
      const l = lines[n - 1]!;
      lines[n - 1] = l.slice(0, from - 1) + value + l.slice(from - 1 + value.length);
      return lines.join("\n");
    };

    it("a record longer than 128 characters", () => {
      const lines = base();
      lines[2] = `${lines[2]}X`;
      expect(errorOf(() => parseCoda(lines.join("\n")))).toMatchObject({ line: 3, reason: expect.stringContaining("128 characters") });
    });
    it("an amount that is not digits", () => {
      expect(errorOf(() => parseCoda(at(base(), 3, 33, "00000000001A000")))).toMatchObject({ line: 3, reason: expect.stringContaining("33–47") });
    });
    it("a sign that is neither 0 nor 1", () => {
      expect(errorOf(() => parseCoda(at(base(), 3, 32, "5")))).toMatchObject({ line: 3, reason: expect.stringContaining("position 32") });
    });
    it("an impossible date", () => {
      expect(errorOf(() => parseCoda(at(base(), 3, 116, "310226")))).toMatchObject({ line: 3, reason: expect.stringContaining("not a calendar date") });
    });
    it("a new balance that does not add up", () => {
      expect(errorOf(() => parseCoda(at(base(), 6, 43, "000000000099000")))).toMatchObject({ line: 6, reason: expect.stringContaining("new balance 99.00") });
    });
    it("a record 2.3 that does not continue its movement", () => {
      expect(errorOf(() => parseCoda(at(base(), 5, 3, "0009")))).toMatchObject({ line: 5, reason: expect.stringContaining("does not continue") });
    });
    it("an announced record 2.2 that is missing", () => {
      const lines = base();
      lines.splice(3, 2);
      expect(errorOf(() => parseCoda(lines.join("\n")))).toMatchObject({ line: 4, reason: expect.stringContaining("record 2.2 expected") });
    });
    it("an unknown record type", () => {
      expect(errorOf(() => parseCoda(at(base(), 3, 1, "7")))).toMatchObject({ line: 3, reason: expect.stringContaining('unknown record type "7"') });
    });
    it("CODA version 1 and a file without header or trailer", () => {
      expect(errorOf(() => parseCoda(at(base(), 1, 128, "1")))).toMatchObject({ line: 1, reason: expect.stringContaining("version 2") });
      expect(errorOf(() => parseCoda(base().slice(1).join("\n")))).toMatchObject({ line: 1, reason: expect.stringContaining("starts with record 0") });
      expect(errorOf(() => parseCoda(base().slice(0, -1).join("\n")))).toMatchObject({ line: 6, reason: expect.stringContaining("no trailer") });
      expect(errorOf(() => parseCoda(""))).toMatchObject({ line: 1 });
    });
  });
});
