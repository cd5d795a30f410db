import { describe, expect, it } from "vitest";
import { shopUrlOnBase } from "./shop-base-url.server";

describe("shopUrlOnBase", () => {
  it("puts a shop's URL under the base URL, path-prefixed by the shop", () => {
    expect(shopUrlOnBase("https://demo.myshopify.com/admin/oauth/access_token", "http://127.0.0.1:3001/")).toBe(
      "http://127.0.0.1:3001/demo.myshopify.com/admin/oauth/access_token",
    );
    expect(shopUrlOnBase("https://Demo.myshopify.com", "http://127.0.0.1:3001")).toBe("http://127.0.0.1:3001/demo.myshopify.com/");
  });

  it("leaves every other URL alone", () => {
    for (const url of ["https://example.com/admin", "http://demo.myshopify.com/admin", "https://demo.myshopify.com.evil.example/x", "https://cdn.shopify.com/x.js"]) {
      expect(shopUrlOnBase(url, "http://127.0.0.1:3001")).toBe(url);
    }
  });
});
