import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { STORE_PAGES } from "./store-options";

// Decision 025: the WooCommerce admin is one layout route (woo.stores.$shopId.tsx) whose pages are its children,
// and both admins name a route's parameters alike.
const ROUTES = path.join(__dirname, "..", "routes");
const files = readdirSync(ROUTES).filter((f) => /\.tsx?$/.test(f) && !f.includes(".test."));

describe("the admin routes", () => {
  it("has no WooCommerce store page that escapes the store's layout (no woo.stores.$shopId_.*)", () => {
    expect(files.filter((f) => f.startsWith("woo.stores.$shopId_."))).toEqual([]);
  });

  it("has the layout, with an <Outlet>, and every page of the navigation as a child route", () => {
    const layout = readFileSync(path.join(ROUTES, "woo.stores.$shopId.tsx"), "utf8");
    expect(layout).toMatch(/<Outlet\s*\/>/);
    expect(layout).toContain("STORE_PAGES");
    for (const [sub] of STORE_PAGES) {
      const name = sub === "" ? "woo.stores.$shopId._index" : `woo.stores.$shopId.${sub.slice(1).replaceAll("/", ".")}`;
      expect(files.some((f) => f === `${name}.tsx` || f === `${name}._index.tsx`), `${name} exists`).toBe(true);
    }
  });

  it("renders no store page in a frame of its own: the layout is the only frame (no WooLayout, no second AppProvider)", () => {
    for (const f of files.filter((f) => f.startsWith("woo.stores.$shopId.") && f !== "woo.stores.$shopId.tsx")) {
      const source = readFileSync(path.join(ROUTES, f), "utf8");
      expect(source, f).not.toMatch(/WooLayout|AppProvider|woo\.css/);
    }
  });

  it("names an invoice's parameter $invoiceId, a customer's $customerId, in both admins (never a bare $id)", () => {
    const admin = files.filter((f) => f.startsWith("app.") || f.startsWith("woo."));
    expect(admin.filter((f) => /\$id[._]/.test(f))).toEqual([]);
    for (const f of admin.filter((f) => f.includes(".invoices."))) expect(f, f).toContain("$invoiceId");
    for (const f of admin.filter((f) => /\.customers\.\$/.test(f))) expect(f, f).toContain("$customerId");
  });
});
