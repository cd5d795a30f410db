import { describe, expect, it } from "vitest";
import { parsePontoJson } from "./ponto-client.server";
import { belgianDate, mapPontoTransaction } from "./map-ponto-transaction";

// A transaction resource as Ponto Connect lists it (attribute names per Ponto's API reference / Ibanity SDKs).
const raw = `{"type":"transaction","id":"6a3d2a0e-1f4b-4c41-9d55-1e4b7d1f0a01","attributes":{"amount":1210.1,"currency":"EUR",
"executionDate":"2026-11-26T23:00:00.000Z","valueDate":"2026-11-26T23:00:00.000Z","remittanceInformation":"090933755493",
"remittanceInformationType":"structured","counterpartName":"  Jan   Peeters ","counterpartReference":"BE71 0961 2345 6769","description":"Overschrijving"}}`;

describe("mapPontoTransaction", () => {
  it("keeps the amount's decimals exact, takes the Belgian calendar day, reads a structured OGM", () => {
    const parsed = parsePontoJson(raw) as { id: string; attributes: Record<string, unknown> };
    const tx = mapPontoTransaction(parsed.id, parsed.attributes, { iban: "be68 5390 0754 7034" });
    expect(tx).toEqual({
      bankReference: "ponto:6a3d2a0e-1f4b-4c41-9d55-1e4b7d1f0a01",
      accountNumber: "BE68539007547034",
      currency: "EUR",
      amount: "1210.10",
      direction: "CREDIT",
      bookingDate: "2026-11-27",
      valueDate: "2026-11-27",
      structuredReference: { kind: "OGM", value: "+++090/9337/55493+++", valid: true },
      communication: "",
      counterpartyName: "Jan Peeters",
      counterpartyAccount: "BE71096123456769",
      statementNumber: null,
    });
  });

  it("a debit with unstructured text; a wrong check digit is kept but flagged; RF references", () => {
    const debit = mapPontoTransaction("a", { amount: "-25", currency: "EUR", executionDate: "2026-07-01T22:00:00.000Z", remittanceInformation: "Terugbetaling #1007", remittanceInformationType: "unstructured" }, { iban: "BE68539007547034" });
    expect(debit).toMatchObject({ amount: "-25.00", direction: "DEBIT", bookingDate: "2026-07-02", communication: "Terugbetaling #1007", structuredReference: null });
    const wrong = mapPontoTransaction("b", { amount: "10", currency: "EUR", executionDate: "2026-11-27", remittanceInformation: "+++090/9337/55494+++", remittanceInformationType: "structured" }, { iban: "BE68539007547034" });
    expect(wrong.structuredReference).toEqual({ kind: "OGM", value: "+++090/9337/55494+++", valid: false });
    const rf = mapPontoTransaction("c", { amount: "10", currency: "EUR", executionDate: "2026-11-27", remittanceInformation: "RF18 5390 0754 7034", remittanceInformationType: "structured" }, { iban: "BE68539007547034" });
    expect(rf.structuredReference).toEqual({ kind: "RF", value: "RF18539007547034", valid: true });
  });

  it("refuses an amount that is not a number", () => {
    expect(() => mapPontoTransaction("d", { amount: "12,50", currency: "EUR", executionDate: "2026-11-27" }, { iban: "BE68539007547034" })).toThrow(/amount/);
    expect(belgianDate("2026-03-29T22:00:00.000Z")).toBe("2026-03-30");
  });
});
