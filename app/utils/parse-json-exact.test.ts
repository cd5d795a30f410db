import { describe, expect, it } from "vitest";
import { parseJsonExact } from "./parse-json-exact";

describe("parseJsonExact", () => {
  it("keeps ids above 2^53 as exact strings and leaves other numbers alone", () => {
    const parsed = parseJsonExact('{"id":820982911946154508,"small":450789469,"price":19.99,"nested":[{"order_id":9007199254740993}]}') as Record<string, unknown>;
    expect(parsed).toEqual({ id: "820982911946154508", small: 450789469, price: 19.99, nested: [{ order_id: "9007199254740993" }] });
  });
});
