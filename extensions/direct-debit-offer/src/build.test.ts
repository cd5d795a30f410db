import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/** The extension bundles as Shopify's CLI bundles it: esbuild, ESM, Preact's automatic JSX. */
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("the direct-debit extension", () => {
  for (const entry of ["ThankYou.tsx", "OrderStatus.tsx"]) {
    it(`builds ${entry} into one self-contained module`, async () => {
      const result = await build({
        entryPoints: [path.join(dir, "src", entry)],
        bundle: true,
        write: false,
        format: "esm",
        target: "es2022",
        jsx: "automatic",
        jsxImportSource: "preact",
        tsconfig: path.join(dir, "tsconfig.json"),
        define: { "globalThis.FACTO_APP_URL": JSON.stringify("https://facto.example.com") },
        logLevel: "silent",
      });
      expect(result.errors).toEqual([]);
      const code = result.outputFiles[0]!.text;
      expect(code).toContain("/api/checkout/direct-debit");
      expect(code).toContain("s-button");
      expect(code).not.toMatch(/^import .* from ["'](?!\.)/m); // nothing left to resolve at runtime
      expect(code.length).toBeLessThan(64 * 1024); // Shopify's limit for a UI extension script
    });
  }
});
