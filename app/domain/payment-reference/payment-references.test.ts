import { describe, expect, it } from "vitest";
import { epcQrPayload, epcReferenceFromStructuredCommunication } from "./epc-qr-payload";
import { formatRfReference, isValidRfCreditorReference, rfCreditorReference } from "./rf-creditor-reference";

describe("ISO 11649 RF creditor reference", () => {
  it("computes the check digits of the standard's examples", () => {
    // 539007547034 + RF00 → 539007547034271500; mod 97 = 80; 98 − 80 = 18
    expect(rfCreditorReference("539007547034")).toBe("RF18539007547034");
    expect(rfCreditorReference("2348231")).toBe("RF712348231");
    expect(formatRfReference("RF18539007547034")).toBe("RF18 5390 0754 7034");
  });
  it("validates, in print form too, and rejects a changed digit", () => {
    expect(isValidRfCreditorReference("RF18 5390 0754 7034")).toBe(true);
    expect(isValidRfCreditorReference(rfCreditorReference("INV2026X42"))).toBe(true);
    expect(isValidRfCreditorReference("RF18539007547035")).toBe(false);
    expect(() => rfCreditorReference("A".repeat(22))).toThrow(RangeError);
  });
});

describe("EPC QR payload", () => {
  it("a Belgian invoice: BIC, amount and the structured communication's 12 digits", () => {
    expect(
      epcQrPayload({
        bic: "GKCCBEBB",
        name: "Atelier Lumière BV",
        iban: "BE68 5390 0754 7034",
        amount: "273.91",
        structuredReference: epcReferenceFromStructuredCommunication("+++090/9337/55493+++"),
      }),
    ).toBe("BCD\n002\n1\nSCT\nGKCCBEBB\nAtelier Lumière BV\nBE68539007547034\nEUR273.91\n\n090933755493");
  });
  it("version 002 without BIC, a remittance text, whole-euro amount", () => {
    expect(epcQrPayload({ name: "Atelier Lumière BV", iban: "BE68539007547034", amount: "12", remittanceText: "Order #1042" })).toBe(
      "BCD\n002\n1\nSCT\n\nAtelier Lumière BV\nBE68539007547034\nEUR12.00\n\n\nOrder #1042",
    );
  });
  it("refuses what banking apps would reject", () => {
    const base = { name: "X", iban: "BE68539007547034", amount: "1.00" };
    expect(() => epcQrPayload({ ...base, structuredReference: "090933755493", remittanceText: "x" })).toThrow("not both");
    expect(() => epcQrPayload({ ...base, name: "N".repeat(71) })).toThrow("1 to 70");
    expect(() => epcQrPayload({ ...base, amount: "0.00" })).toThrow("at least");
    expect(() => epcQrPayload({ ...base, amount: "1.234" })).toThrow("at most 2 decimals");
    expect(() => epcQrPayload({ ...base, version: "001" })).toThrow("needs the BIC");
    expect(() => epcQrPayload({ ...base, remittanceText: "é".repeat(140), information: "é".repeat(70) })).toThrow("331 bytes");
    expect(() => epcReferenceFromStructuredCommunication("+++090/9337/55494+++")).toThrow("not a valid");
  });
});
