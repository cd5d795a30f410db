import { describe, expect, it } from "vitest";
import { EU_COUNTRIES } from "./eu-countries";
import { categoryOfRate, normalizePercent, rateFor, ratesOn, VAT_RATES } from "./rate-table";

describe("EU VAT rate table", () => {
  it("covers all 27 member states with a standard rate in November 2026", () => {
    for (const country of EU_COUNTRIES) expect(ratesOn(country, "2026-11-23")?.standard, country).toBeTruthy();
    expect(new Set(VAT_RATES.map((p) => p.country))).toEqual(EU_COUNTRIES);
  });

  it.each([
    ["BE", "21", "12", "6"], ["NL", "21", undefined, "9"], ["FR", "20", "10", "5.5"], ["DE", "19", undefined, "7"],
    ["LU", "17", "14", "8"], ["IE", "23", "13.5", "9"], ["IT", "22", "10", "5"], ["AT", "20", "13", "10"],
    ["PL", "23", "8", "5"], ["PT", "23", "13", "6"], ["SE", "25", "12", "6"], ["DK", "25", undefined, undefined],
    ["FI", "25.5", "13.5", "10"], ["EE", "24", "13", "9"], ["GR", "24", "13", "6"], ["HR", "25", "13", "5"],
    ["HU", "27", "18", "5"], ["CZ", "21", "12", undefined], ["SK", "23", "19", "5"], ["SI", "22", "9.5", "5"],
    ["RO", "21", "11", undefined], ["BG", "20", undefined, "9"], ["CY", "19", "9", "5"], ["LT", "21", "12", "5"],
    ["LV", "21", "12", "5"], ["MT", "18", "7", "5"], ["ES", "21", "10", undefined],
  ])("%s in Nov 2026: standard %s, reduced %s / %s", (country, standard, reduced1, reduced2) => {
    const rates = ratesOn(country, "2026-11-23")!;
    expect([rates.standard, rates.reduced1, rates.reduced2]).toEqual([standard, reduced1, reduced2]);
  });

  it("applies the rate in force on the date (effective dating)", () => {
    expect(rateFor("EE", "standard", "2025-06-30")).toBe("22");
    expect(rateFor("EE", "standard", "2025-07-01")).toBe("24");
    expect(rateFor("FI", "reduced1", "2025-12-31")).toBe("14");
    expect(rateFor("FI", "reduced1", "2026-01-01")).toBe("13.5");
    expect(rateFor("RO", "standard", "2025-07-31")).toBe("19");
    expect(rateFor("RO", "standard", "2025-08-01")).toBe("21");
    expect(rateFor("LT", "reduced1", "2025-12-31")).toBe("9");
    expect(rateFor("LT", "reduced1", "2026-01-01")).toBe("12");
  });

  it("falls back to the next higher category a country has", () => {
    expect(rateFor("DE", "superReduced", "2026-11-23")).toBe("7"); // DE: no super-reduced, no reduced1 → 7 (reduced2)
    expect(rateFor("DE", "reduced1", "2026-11-23")).toBe("19");
    expect(rateFor("DK", "reduced2", "2026-11-23")).toBe("25");
    expect(rateFor("ES", "reduced2", "2026-11-23")).toBe("10");
    expect(rateFor("BE", "zero", "2026-11-23")).toBe("0");
    expect(rateFor("GR", "standard", "2026-11-23")).toBe("24");
    expect(rateFor("EL", "standard", "2026-11-23")).toBe("24"); // the VAT prefix works too
    expect(rateFor("US", "standard", "2026-11-23")).toBeNull();
  });

  it("finds the category of a shop's rate, comparing rates as text", () => {
    expect(categoryOfRate("BE", "6.00", "2026-11-23")).toBe("reduced2");
    expect(categoryOfRate("FR", "5.5", "2026-11-23")).toBe("reduced2");
    expect(categoryOfRate("BE", "19", "2026-11-23")).toBeNull();
    expect(normalizePercent("21.000")).toBe("21");
    expect(normalizePercent("05.50")).toBe("5.5");
  });
});
