import { describe, expect, it } from "vitest";
import { normalizeVatNumber, validateVatNumberFormat } from "./vat-number";

describe("validateVatNumberFormat — check digits", () => {
  // Each check worked by hand (and re-computed independently before being written here).
  it.each([
    ["BE0123456749", "01234567 mod 97 = 48; 97 − 48 = 49"],
    ["BE0456810810", "04568108 mod 97 = 87; 97 − 87 = 10"],
    ["BE1000000021", "starts with 1: 10000000 mod 97 = 76; 97 − 76 = 21"],
    ["NL004495445B01", "0·9+0·8+4·7+4·6+9·5+5·4+4·3+4·2 = 137; 137 mod 11 = 5 = 9th digit"],
    ["NL002455799B11", "classic fails (0,0,2,4,5,5,7,9 weighted = 122, mod 11 = 1 ≠ 9); 'NL002455799B11' → 23 21 002455799 11 11 → mod 97 = 1"],
    ["DE136695976", "MOD 11,10: products after each of 1,3,6,6,9,5,9,7 = 2,10,1,3,4,7,1,5; 11 − 5 = 6"],
    ["FR40303265045", "303265045 mod 97 = 74; (12 + 3·74) mod 97 = 234 mod 97 = 40"],
    ["IT00743110157", "Luhn over the 11 digits: sum 30, 30 mod 10 = 0"],
    ["LU15027442", "150274 mod 89 = 42"],
    ["ATU13585627", "1,3,5,8,5,6,2 with every 2nd doubled (digit sums) = 29; (10 − (29 + 4) mod 10) mod 10 = 7"],
    ["PL5260250995", "5·6+2·5+6·7+0·2+2·3+5·4+0·5+9·6+9·7 = 225; 225 mod 11 = 5"],
    ["DK13585628", "1·2+3·7+5·6+8·5+5·4+6·3+2·2+8·1 = 143 = 13·11, mod 11 = 0"],
    ["FI20774740", "2·7+0·9+7·10+7·5+4·8+7·4+4·2 = 187 = 17·11, mod 11 = 0 → check 0"],
    ["SE556188840401", "ends 01; Luhn over 5561888404: sum 40, mod 10 = 0"],
    ["PT501964843", "5·9+0·8+1·7+9·6+6·5+4·4+8·3+4·2 = 184; 184 mod 11 = 8; 11 − 8 = 3"],
  ])("%s is valid (%s)", (number) => {
    expect(validateVatNumberFormat(number)).toMatchObject({ valid: true, full: number });
  });

  it.each([
    ["BE0123456748", "check digits"],
    ["NL004495446B01", "check digits"],
    ["NL002455799B12", "check digits"],
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
  it("accepts Greek numbers given with GR and Northern Irish numbers with XI", () => {
    expect(validateVatNumberFormat("GR 094259216")).toEqual({ valid: true, countryCode: "EL", number: "094259216", full: "EL094259216" });
    expect(validateVatNumberFormat("xi-123456789")).toMatchObject({ valid: true, full: "XI123456789" });
    expect(validateVatNumberFormat("ES28015865")).toMatchObject({ valid: false });
  });
  it("normalizes spacing, dots and the Greek prefix", () => {
    expect(normalizeVatNumber("be 0123.456.749")).toEqual({ countryCode: "BE", number: "0123456749", full: "BE0123456749" });
    expect(normalizeVatNumber("GR094259216")?.full).toBe("EL094259216");
    expect(normalizeVatNumber("nl-0044.95445-b01")).toEqual({ countryCode: "NL", number: "004495445B01", full: "NL004495445B01" });
    expect(normalizeVatNumber("")).toBeNull();
  });
});
