import { describe, expect, it } from "vitest";
import { rfCreditorReference } from "~/domain/payment-reference/rf-creditor-reference";
import { structuredCommunication } from "~/domain/payment-reference/structured-communication";
import { buildCamt053, type CamtStatement } from "../../../tests/support/camt-builder";
import { validateCamt053 } from "../../../tests/support/official-validation";
import { CamtFormatError, parseCamt053 } from "./camt053";

const SHOP_IBAN = "BE68539007547034";
const ogm = structuredCommunication(1000042);
const rf = rfCreditorReference("F20260042");

/** Every file is proven valid against the official XSD before the parser sees it. */
function official(version: "02" | "08", statements: CamtStatement[]): string {
  const xml = buildCamt053(version, statements);
  const verdict = validateCamt053(xml, version);
  expect(verdict.errors, `camt.053.001.${version} must be schema-valid`).toEqual([]);
  expect(verdict.valid).toBe(true);
  return xml;
}

function errorOf(fn: () => unknown): CamtFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CamtFormatError) return e;
    throw e;
  }
  throw new Error("expected a CamtFormatError");
}

const statement = (over: Partial<CamtStatement> = {}): CamtStatement => ({
  id: "STMT-2026-331",
  iban: SHOP_IBAN,
  seq: 331,
  opening: "1000.00",
  closing: "1101.00",
  date: "2026-11-27",
  entries: [
    { amount: "121.00", credit: true, date: "2026-11-27", ref: "2026112700001", txs: [{ amount: "121.00", credit: true, scor: { ref: ogm.replace(/\D/g, ""), issuer: "BBA" }, name: "Bakkerij Peeters BV", iban: "BE71096123456769", endToEndId: "E2E-1" }] },
    { amount: "20.00", credit: false, date: "2026-11-27", ref: "2026112700002", txs: [{ amount: "20.00", credit: false, ustrd: ["Terugbetaling retour #1003"], name: "J. Janssens", iban: "NL91ABNA0417164300" }] },
  ],
  ...over,
});

describe.each(["02", "08"] as const)("camt.053.001.%s reader", (version) => {
  it("reads a booked credit with an OGM (SCOR, issuer BBA), its debtor, and a debit with its creditor", () => {
    const [s, ...rest] = parseCamt053(official(version, [statement()]));
    expect(rest).toHaveLength(0);
    expect(s).toMatchObject({ accountNumber: SHOP_IBAN, currency: "EUR", statementNumber: "331", openingBalance: "1000.00", closingBalance: "1101.00" });
    expect(s!.transactions).toEqual([
      {
        bankReference: "camt:2026112700001:1:E2E-1",
        accountNumber: SHOP_IBAN,
        currency: "EUR",
        amount: "121.00",
        direction: "CREDIT",
        bookingDate: "2026-11-27",
        valueDate: "2026-11-27",
        structuredReference: { kind: "OGM", value: ogm, valid: true },
        communication: "",
        counterpartyName: "Bakkerij Peeters BV",
        counterpartyAccount: "BE71096123456769",
        statementNumber: "331",
      },
      expect.objectContaining({ amount: "-20.00", direction: "DEBIT", structuredReference: null, communication: "Terugbetaling retour #1003", counterpartyName: "J. Janssens", counterpartyAccount: "NL91ABNA0417164300" }),
    ]);
  });

  it("splits a batched entry into its TxDtls; RF (issuer ISO), repeated Strd, wrong OGM check digit, pending skipped", () => {
    const wrong = `${ogm.replace(/\D/g, "").slice(0, 10)}00`;
    const xml = official(version, [
      statement({
        closing: "1160.00",
        entries: [
          {
            amount: "160.00",
            credit: true,
            date: "2026-11-28",
            ref: "BATCH-1",
            txs: [
              { amount: "100.00", credit: true, scor: { ref: rf, issuer: "ISO" }, name: "A" },
              { amount: "50.00", credit: true, scor: { ref: wrong, issuer: "BBA" }, name: "B" },
              { amount: "10.00", credit: true, scor: { ref: ogm, issuer: null }, secondScor: { ref: rf, issuer: "ISO" }, ustrd: ["two invoices"] },
            ],
          },
          { amount: "999.00", credit: true, status: "PDNG", date: "2026-11-28", ref: "PEND-1", txs: [{ amount: "999.00", credit: true }] },
        ],
      }),
    ]);
    const [s] = parseCamt053(xml);
    expect(s!.transactions.map((t) => [t.bankReference, t.amount, t.structuredReference, t.communication])).toEqual([
      ["camt:BATCH-1:1", "100.00", { kind: "RF", value: rf, valid: true }, ""],
      ["camt:BATCH-1:2", "50.00", { kind: "OGM", value: `+++${wrong.slice(0, 3)}/${wrong.slice(3, 7)}/${wrong.slice(7)}+++`, valid: false }, ""],
      ["camt:BATCH-1:3", "10.00", { kind: "OGM", value: ogm, valid: true }, `two invoices ${rf}`],
    ]);
  });

  it("reads several statements, a foreign-currency account and a negative opening balance", () => {
    const xml = official(version, [
      statement({ opening: "-50.00", closing: "-29.00", entries: [{ amount: "21.00", credit: true, date: "2026-11-27", ref: "R1", txs: [{ amount: "21.00", credit: true, ustrd: ["Factuur F2026-0007"] }] }] }),
      { id: "USD-1", iban: "DE89370400440532013000", currency: "USD", seq: 7, opening: "0", closing: "99.95", date: "2026-11-27", entries: [{ amount: "99.95", credit: true, date: "2026-11-27", ref: "U1", txs: [] }] },
    ]);
    const statements = parseCamt053(xml);
    expect(statements.map((s) => [s.accountNumber, s.currency, s.openingBalance, s.closingBalance, s.transactions.map((t) => `${t.amount} ${t.currency}`)])).toEqual([
      [SHOP_IBAN, "EUR", "-50.00", "-29.00", ["21.00 EUR"]],
      ["DE89370400440532013000", "USD", "0.00", "99.95", ["99.95 USD"]],
    ]);
  });

  it("rejects a malformed file with the element and the reason", () => {
    const good = official(version, [statement()]);
    expect(errorOf(() => parseCamt053(good.replace("<CdtDbtInd>CRDT</CdtDbtInd>\n", "<CdtDbtInd>XXXX</CdtDbtInd>\n").replace(/<Amt Ccy="EUR">121.00<\/Amt><CdtDbtInd>CRDT/, '<Amt Ccy="EUR">121.00</Amt><CdtDbtInd>XXXX')))).toMatchObject({
      path: "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/CdtDbtInd",
    });
    expect(errorOf(() => parseCamt053(good.replace('<Amt Ccy="EUR">121.00</Amt>', '<Amt Ccy="EUR">12,10</Amt>')))).toMatchObject({ path: "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt", reason: expect.stringContaining("decimal") });
    expect(errorOf(() => parseCamt053(good.replace("</Ntry>", "</Nty>")))).toMatchObject({ path: "(document)", line: expect.any(Number) });
    expect(errorOf(() => parseCamt053(good.replace(`camt.053.001.${version}`, "camt.052.001.02")))).toMatchObject({ path: "/Document", reason: expect.stringContaining("namespace") });
  });
});

describe("camt.053 batched entry without per-transaction amounts", () => {
  it("is rejected with the TxDtls path", () => {
    const xml = buildCamt053("02", [statement({ entries: [{ amount: "30.00", credit: true, date: "2026-11-28", ref: "B", txs: [{ amount: "10.00", credit: true }, { amount: "20.00", credit: true }] }], closing: "1030.00" })]).replace(/<AmtDtls>.*?<\/AmtDtls>/g, "");
    expect(validateCamt053(xml, "02").valid).toBe(true);
    expect(errorOf(() => parseCamt053(xml))).toMatchObject({ path: "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]", reason: expect.stringContaining("amount per transaction") });
  });
});
