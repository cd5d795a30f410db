import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SHOPIFY_TOPICS } from "./integrations/shopify/webhook-topics";

const toml = readFileSync(new URL("../shopify.app.toml", import.meta.url), "utf8");

describe("shopify.app.toml", () => {
  it("subscribes to exactly the topics the webhook route handles, each at its own URL", () => {
    const subscriptions = [...toml.matchAll(/^\s*(?:compliance_)?topics = \["([^"]+)"\]\s*\n\s*uri = "([^"]+)"/gm)].map((m) => [m[1], m[2]]);
    expect(subscriptions.map(([topic]) => topic).sort()).toEqual([...SHOPIFY_TOPICS].sort());
    for (const [topic, uri] of subscriptions) expect(uri).toBe(`/webhooks/shopify/${topic}`);
  });

  it("declares the three mandatory compliance topics as compliance topics", () => {
    for (const topic of ["customers/data_request", "customers/redact", "shop/redact"]) {
      expect(toml).toContain(`compliance_topics = ["${topic}"]`);
    }
  });
});
