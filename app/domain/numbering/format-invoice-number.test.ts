import { describe, expect, it } from "vitest";
import { formatInvoiceNumber, nextAfter } from "./format-invoice-number";

describe("formatInvoiceNumber", () => {
  it("pads the number and applies the prefix", () => {
    expect(formatInvoiceNumber({ prefix: "INV-", padding: 4 }, 7)).toBe("INV-0007");
    expect(formatInvoiceNumber({ prefix: "", padding: 0 }, 116)).toBe("116");
    expect(formatInvoiceNumber({ prefix: "F", padding: 3 }, 12345)).toBe("F12345"); // never cut
  });
  it("puts the year where the format says", () => {
    expect(formatInvoiceNumber({ prefix: "CN-", padding: 5, format: "{prefix}{year}-{number}" }, 42, 2026)).toBe("CN-2026-00042");
    expect(formatInvoiceNumber({ prefix: "", padding: 4, format: "{year}/{number}" }, 1, 2027)).toBe("2027/0001");
  });
  it("refuses formats without a number, a missing year, and numbers below 1", () => {
    expect(() => formatInvoiceNumber({ prefix: "", padding: 4, format: "{prefix}" }, 1)).toThrow("no {number}");
    expect(() => formatInvoiceNumber({ prefix: "", padding: 4, format: "{year}-{number}" }, 1)).toThrow("needs a year");
    expect(() => formatInvoiceNumber({ prefix: "", padding: 4 }, 0)).toThrow(RangeError);
  });
});

describe("nextAfter", () => {
  it("continues after the merchant's last invoice", () => {
    expect(nextAfter(115)).toBe(116);
    expect(nextAfter(0)).toBe(1);
    expect(() => nextAfter(-1)).toThrow(RangeError);
  });
});
