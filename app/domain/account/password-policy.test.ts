import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-policy";

describe("passwordProblem", () => {
  it("accepts a long, uncommon password", () => {
    expect(passwordProblem("lumiere-2026-secret", "owner@atelier-lumiere.example")).toBeNull();
    expect(passwordProblem("correct horse battery staple")).toBeNull();
  });
  it("refuses short, long, listed, word-plus-digits, repetitive passwords and the e-mail address", () => {
    expect(passwordProblem("short1!")).toMatch(/at least 10/);
    expect(passwordProblem("x".repeat(201))).toMatch(/At most/);
    expect(passwordProblem("1234567890")).toMatch(/lists attackers try/);
    expect(passwordProblem("QwertyUiop")).toMatch(/lists attackers try/);
    expect(passwordProblem("Password2026!")).toMatch(/common word/);
    expect(passwordProblem("2026woocommerce")).toMatch(/common word/);
    expect(passwordProblem("12345678901234")).toMatch(/common word/);
    expect(passwordProblem("abababababab")).toMatch(/repeats/);
    expect(passwordProblem("jan.peeters-1985", "jan.peeters@example.be")).toMatch(/e-mail/);
  });
});
