import { describe, expect, it } from "vitest";
import { epcQrPayload, epcReferenceFromStructuredCommunication } from "./epc-qr-payload";
import { isValidRfCreditorReference, rfCreditorReference } from "./rf-creditor-reference";

// Cases beyond payment-references.test.ts (which holds the main Belgian-invoice examples).
const base = { name: "Atelier Lumière BV", iban: "BE68539007547034", amount: "1.00" };

describe("EPC QR payload, edge cases", () => {
  it("drops the amount line (and everything after it) when the payer fills in the amount", () => {
    const expected = "BCD\n002\n1\nSCT\n\nAtelier Lumière BV\nBE68539007547034";
    expect(epcQrPayload({ ...base, amount: null })).toBe(expected);
    expect(epcQrPayload({ ...base, amount: "" })).toBe(expected);
  });

  it("keeps the empty amount line when a reference follows", () => {
    expect(epcQrPayload({ ...base, amount: null, structuredReference: "090933755493" })).toBe(
      "BCD\n002\n1\nSCT\n\nAtelier Lumière BV\nBE68539007547034\n\n\n090933755493",
    );
  });

  it("writes an ISO 11649 reference as-is without spaces, and a purpose code", () => {
    expect(
      epcQrPayload({ ...base, bic: "GKCCBEBB", version: "001", purpose: "gdds", structuredReference: "RF18 5390 0754 7034" }),
    ).toBe("BCD\n001\n1\nSCT\nGKCCBEBB\nAtelier Lumière BV\nBE68539007547034\nEUR1.00\nGDDS\nRF18539007547034");
  });

  it("accepts the amount bounds and nothing outside them", () => {
    expect(epcQrPayload({ ...base, amount: "0.01" })).toMatch(/\nEUR0\.01$/);
    expect(epcQrPayload({ ...base, amount: "999999999.99" })).toMatch(/\nEUR999999999\.99$/);
    expect(epcQrPayload({ ...base, amount: "5.5" })).toMatch(/\nEUR5\.50$/);
    expect(() => epcQrPayload({ ...base, amount: "1000000000" })).toThrow(RangeError);
    expect(() => epcQrPayload({ ...base, amount: "-1" })).toThrow(RangeError);
    expect(() => epcQrPayload({ ...base, amount: "1,50" })).toThrow(RangeError);
    expect(() => epcQrPayload({ ...base, amount: "1 234.00" })).toThrow(RangeError);
  });

  it("refuses bad IBAN characters, bad purposes and over-long fields", () => {
    expect(() => epcQrPayload({ ...base, iban: "BE68-5390-0754-7034" })).toThrow("is not an IBAN");
    expect(() => epcQrPayload({ ...base, purpose: "GDS" })).toThrow("4-letter");
    expect(() => epcQrPayload({ ...base, structuredReference: "1".repeat(36) })).toThrow("35");
    expect(() => epcQrPayload({ ...base, remittanceText: "x".repeat(141) })).toThrow("140");
    expect(() => epcQrPayload({ ...base, information: "x".repeat(71) })).toThrow("70");
    expect(() => epcQrPayload({ ...base, name: "   " })).toThrow("1 to 70");
  });

  it("refuses line breaks in free-text fields, which would shift every following line", () => {
    expect(() => epcQrPayload({ ...base, name: "Atelier\nBrugge" })).toThrow("single line");
    expect(() => epcQrPayload({ ...base, remittanceText: "order 1001\r\nthanks" })).toThrow("single line");
    expect(() => epcQrPayload({ ...base, information: "a\rb" })).toThrow("single line");
  });

  it("turns a structured communication into its 12 digits", () => {
    expect(epcReferenceFromStructuredCommunication("+++090/9337/55493+++")).toBe("090933755493");
    expect(epcReferenceFromStructuredCommunication("***090/9337/55493***")).toBe("090933755493");
  });
});

describe("ISO 11649 RF, edge cases", () => {
  it("normalizes case and spaces before computing", () => {
    expect(rfCreditorReference("5390 0754 7034")).toBe("RF18539007547034");
    expect(isValidRfCreditorReference("rf18 5390 0754 7034")).toBe(true);
  });

  it("rejects malformed references", () => {
    expect(isValidRfCreditorReference("RF19539007547034")).toBe(false); // wrong check
    expect(isValidRfCreditorReference("RF18")).toBe(false); // no reference
    expect(isValidRfCreditorReference(`RF18${"1".repeat(22)}`)).toBe(false); // too long
    expect(isValidRfCreditorReference("RF18-5390")).toBe(false);
    expect(() => rfCreditorReference("")).toThrow(RangeError);
    expect(() => rfCreditorReference("ABC-123")).toThrow(RangeError);
  });
});
