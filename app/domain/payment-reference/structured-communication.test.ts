import { describe, expect, it } from "vitest";
import { isValidStructuredCommunication, structuredCommunication } from "./structured-communication";

describe("structuredCommunication", () => {
  it("computes the mod-97 check digits", () => {
    // 909337554 mod 97 = 93
    expect(structuredCommunication(909337554)).toBe("+++090/9337/55493+++");
  });

  it("uses 97 when the remainder is zero", () => {
    expect(structuredCommunication(97)).toBe("+++000/0000/09797+++");
  });

  it("pads small numbers and validates its own output", () => {
    const ref = structuredCommunication(1);
    expect(ref).toBe("+++000/0000/00101+++");
    expect(isValidStructuredCommunication(ref)).toBe(true);
  });

  it("rejects a wrong check digit and out-of-range bases", () => {
    expect(isValidStructuredCommunication("+++090/9337/55494+++")).toBe(false);
    expect(() => structuredCommunication(10_000_000_000)).toThrow(RangeError);
  });
});
