import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The store port's rule (decision 021): code outside the store implementations never branches on
 * the platform — it asks the port. A comparison with "SHOPIFY" / "WOOCOMMERCE", a `case` on them, or
 * a ternary picking a per-platform job is a branch; a Prisma filter naming one platform is a query,
 * not a branch, and the per-platform webhook receivers are keyed tables.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const ALLOWED = path.join(ROOT, "app/integrations/store");
const BRANCH = /(===|!==|==|!=)\s*["'](SHOPIFY|WOOCOMMERCE)["']|["'](SHOPIFY|WOOCOMMERCE)["']\s*(===|!==|==|!=)|case\s+["'](SHOPIFY|WOOCOMMERCE)["']/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(full);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

function platformBranches(files: string[]): string[] {
  return files
    .filter((f) => !f.startsWith(ALLOWED + path.sep))
    .flatMap((f) => readFileSync(f, "utf8").split("\n").flatMap((line, i) => (BRANCH.test(line) ? [`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [])));
}

describe("the store port", () => {
  it("is the only place that branches on the platform", () => {
    expect(platformBranches([...sources(path.join(ROOT, "app")), ...sources(path.join(ROOT, "workers"))])).toEqual([]);
  });

  it("the check bites: comparisons and case labels are branches, a Prisma filter is not", () => {
    const lines = ['if (shop.platform === "WOOCOMMERCE") doIt();', 'const x = "SHOPIFY" !== channel;', 'case "SHOPIFY":', 'where: { platform: "SHOPIFY" }'];
    expect(lines.filter((l) => BRANCH.test(l))).toEqual(lines.slice(0, 3));
  });
});
