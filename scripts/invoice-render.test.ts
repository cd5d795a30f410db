import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

describe("npm run invoice:render", () => {
  it.each([
    ["tests/fixtures/shopify/order-be-consumer.json", "DOMESTIC: EUR 228.91"],
    ["tests/fixtures/woocommerce/order-be-incl.json", "DOMESTIC: EUR 125.01"],
    ["tests/fixtures/shopify/order-450789469.json", "EXPORT: USD 587.00"],
  ])("renders %s to a PDF and a UBL file", (fixture, summary) => {
    const out = mkdtempSync(path.join(tmpdir(), "facto-render-"));
    try {
      const stdout = execFileSync(process.execPath, ["--import", "tsx", "scripts/invoice-render.ts", fixture, "--out", out, "--number", "7"], { encoding: "utf8" });
      expect(stdout).toContain(summary);
      expect(readFileSync(path.join(out, "INV-0007.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
      expect(readFileSync(path.join(out, "INV-0007.xml"), "utf8")).toContain("<cbc:ID>INV-0007</cbc:ID>");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
