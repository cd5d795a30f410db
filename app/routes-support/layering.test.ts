import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Imports go down the layers (../shared/ARCHITECTURE.md): routes → routes-support / admin-pages →
 * services → models / integrations → domain. Request guards live in app/routes-support (decision 024):
 * nothing below the routes imports them, and app/utils — shared helpers every layer may use — imports
 * no model, service, guard, page or the Shopify app.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const IMPORT = /from\s+["']([^"']+)["']/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(full);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

function importsMatching(dirs: string[], forbidden: RegExp): string[] {
  return dirs
    .flatMap((d) => sources(path.join(ROOT, d)))
    .flatMap((f) => [...readFileSync(f, "utf8").matchAll(IMPORT)].filter((m) => forbidden.test(m[1]!)).map((m) => `${path.relative(ROOT, f)} imports ${m[1]}`));
}

describe("the layers", () => {
  it("nothing below the routes imports the request guards, a route or an admin page", () => {
    expect(importsMatching(["app/domain", "app/integrations", "app/models", "app/services", "app/utils", "workers"], /^~\/(routes-support|routes|admin-pages)\//)).toEqual([]);
  });

  it("app/utils imports no model, service, guard, page or the Shopify app", () => {
    expect(importsMatching(["app/utils"], /^~\/(models|services|routes-support|routes|admin-pages)\/|^~\/shopify\.server$/)).toEqual([]);
  });
});
