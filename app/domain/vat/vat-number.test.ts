import { describe, expect, it } from "vitest";
import { normalizeVatNumber, validateVatNumberFormat } from "./vat-number";

describe("validateVatNumberFormat — check digits", () => {
  it.each([
    ["BE0123456749", "97 − (01234567 mod 97 = 48) = 49"],
    ["BE0456810810", "97 − (04568108 mod 97 = 87) = 10"],
    ["BE1000000021", "Belgian numbers may start with 1: 97 − (10000000 mod 97 = 76) = 21"],
    ["NL004495445B01", "0·9+0·8+4·7+4·6+9·5+5·4+4·3+4·2 = 137, 137 mod 11 = 5 = 9th digit"],
    ["DE136695976", "ISO 7064 MOD 11,10"],
    ["FR40303265045", "key (12 + 3 × (303265045 mod 97)) mod 97 = 40"],
    ["IT00743110157", "Luhn"],
    ["LU15027442", "150274 mod 89 = 42"],
    ["ATU13585627", "weights 1,2,1,2,1,2,1: check 7"],
    ["PL5260250995", "weights 6,5,7,2,3,4,5,6,7 mod 11 = 5"],
    ["DK13585628", "weights 2,7,6,5,4,3,2,1: sum mod 11 = 0"],
    ["FI20774740", "weights 7,9,10,5,8,4,2: check 0"],
    ["SE556188840401", "Luhn on 5561888404, ends 01"],
    ["PT501964843", "weights 9..2: check 3"],
  ])("%s is valid (%s)", (number) => {
    expect(validateVatNumberFormat(number)).toMatchObject({ valid: true, full: number });
  });

  it.each([
    ["BE0123456748", "check digits"],
    ["NL004495446B01", "check digits"],
    ["DE136695975", "check digits"],
    ["FR41303265045", "check digits"],
    ["IT00743110158", "check digits"],
    ["LU15027443", "check digits"],
    ["ATU13585628", "check digits"],
    ["PL5260250994", "check digits"],
    ["DK13585629", "check digits"],
    ["FI20774741", "check digits"],
    ["SE556188840501", "check digits"],
    ["SE556188840402", "format"],
    ["PT501964844", "check digits"],
  ])("%s is refused (%s)", (number, kind) => {
    const result = validateVatNumberFormat(number);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.reason).toMatch(kind === "check digits" ? /check digits/ : /format|have|look/);
  });
});

describe("validateVatNumberFormat — formats", () => {
  it.each(["ESA28015865", "EL094259216", "IE6388047V", "IE1234567FA", "HU12345678", "CZ12345678", "RO18547290", "SK2020272798", "SI12345678", "HR12345678901", "LT123456715", "LV40003521600", "MT12345678", "CY10259033P", "EE100931558", "BG175074752", "XI123456789"])(
    "%s has its country's format",
    (n) => expect(validateVatNumberFormat(n).valid).toBe(true),
  );
  it("explains what is wrong", () => {
    expect(validateVatNumberFormat("0123456749")).toEqual({ valid: false, reason: "A VAT number starts with the two-letter country code, e.g. BE0123456749" });
    expect(validateVatNumberFormat("US123456789")).toEqual({ valid: false, reason: "US is not an EU VAT country code" });
    expect(validateVatNumberFormat("BE123")).toEqual({ valid: false, reason: "BE VAT numbers have 10 digits starting with 0 or 1" });
    expect(validateVatNumberFormat("BE2000000021")).toMatchObject({ valid: false });
  });
  it("normalizes spacing, dots and the Greek prefix", () => {
    expect(normalizeVatNumber("be 0123.456.749")).toEqual({ countryCode: "BE", number: "0123456749", full: "BE0123456749" });
    expect(normalizeVatNumber("GR094259216")?.full).toBe("EL094259216");
  });
});
