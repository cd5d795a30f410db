import { describe, expect, it } from "vitest";
import { parseJsonExact } from "./parse-json-exact";

describe("parseJsonExact", () => {
  it("keeps ids above 2^53 as exact strings and leaves other numbers alone", () => {
    const parsed = parseJsonExact('{"id":820982911946154508,"small":450789469,"price":19.99,"nested":[{"order_id":9007199254740993}]}') as Record<string, unknown>;
    expect(parsed).toEqual({ id: "820982911946154508", small: 450789469, price: 19.99, nested: [{ order_id: "9007199254740993" }] });
  });

  it("parses a body without any 16-digit run as JSON.parse does, and one with such a run in a string the same way too", () => {
    const plain = '{"id":4500789469123,"name":"#1001","phone":"+32 470 12 34 56","price":"19.99","n":-1.5e3}';
    expect(parseJsonExact(plain)).toEqual(JSON.parse(plain));
    const digitsInString = '{"card":"1234567812345678","id":12}';
    expect(parseJsonExact(digitsInString)).toEqual({ card: "1234567812345678", id: 12 });
    // The smallest unsafe integer has exactly 16 digits.
    expect(parseJsonExact('{"id":9007199254740993}')).toEqual({ id: "9007199254740993" });
  });
});
