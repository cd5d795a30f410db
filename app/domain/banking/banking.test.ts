import { describe, expect, it } from "vitest";
import { formatBelgianVatNumber, isValidBelgianEnterpriseNumber } from "./belgian-enterprise-number";
import { formatIban, isValidBic, isValidIban } from "./iban";

describe("IBAN", () => {
  it("accepts valid IBANs in any spacing", () => {
    expect(isValidIban("BE68 5390 0754 7034")).toBe(true);
    expect(isValidIban("NL91ABNA0417164300")).toBe(true);
    expect(isValidIban("de89 3704 0044 0532 0130 00")).toBe(true);
  });
  it("rejects a wrong check, a wrong length, garbage", () => {
    expect(isValidIban("BE68539007547035")).toBe(false);
    expect(isValidIban("BE6853900754703")).toBe(false);
    expect(isValidIban("hello")).toBe(false);
  });
  it("formats in groups of four", () => {
    expect(formatIban("be68539007547034")).toBe("BE68 5390 0754 7034");
  });
  it("checks BIC shape", () => {
    expect(isValidBic("GKCCBEBB")).toBe(true);
    expect(isValidBic("GEBABEBB036")).toBe(true);
    expect(isValidBic("GKCC")).toBe(false);
  });
});

describe("Belgian enterprise / VAT number", () => {
  it("validates the mod-97 check, also for numbers starting with 1", () => {
    expect(isValidBelgianEnterpriseNumber("BE0123456749")).toBe(true); // 97 − (01234567 mod 97 = 48) = 49
    expect(isValidBelgianEnterpriseNumber("0456.810.810")).toBe(true);
    expect(isValidBelgianEnterpriseNumber("1000000021")).toBe(true); // 97 − (10000000 mod 97 = 76) = 21
    expect(isValidBelgianEnterpriseNumber("BE0123456748")).toBe(false);
    expect(isValidBelgianEnterpriseNumber("2000000021")).toBe(false); // must start with 0 or 1
  });
  it("formats as BE + 10 digits", () => {
    expect(formatBelgianVatNumber("be 0123.456.749")).toBe("BE0123456749");
  });
});
