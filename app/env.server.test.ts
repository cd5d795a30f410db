import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

const valid = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/facto",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://facto.example.com",
  ENCRYPTION_KEY: "00".repeat(32),
};

describe("parseEnv", () => {
  it("applies defaults", () => {
    const env = parseEnv(valid);
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.WORKER_CONCURRENCY).toBe(4);
  });
  it("names every missing or malformed variable", () => {
    let message = "";
    try {
      parseEnv({ ...valid, DATABASE_URL: "mysql://x", ENCRYPTION_KEY: "short", SHOPIFY_API_SECRET: undefined });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain("DATABASE_URL must be a postgres");
    expect(message).toContain("SHOPIFY_API_SECRET");
    expect(message).toContain("ENCRYPTION_KEY must be 32 bytes");
  });
});
