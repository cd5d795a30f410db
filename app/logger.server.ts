import { pino, type Logger } from "pino";

/**
 * The one logger. Children carry context (shop, order, invoice, job). Secrets are redacted by path
 * so that a careless `log.info({ session })` cannot leak a token.
 */
export const logger: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
  base: { service: process.env.FACTO_PROCESS ?? "facto" },
  redact: {
    paths: [
      "accessToken",
      "*.accessToken",
      "refreshToken",
      "*.refreshToken",
      "apiKey",
      "*.apiKey",
      "secret",
      "*.secret",
      "password",
      "*.password",
      "headers.authorization",
      'headers["x-shopify-access-token"]',
    ],
    censor: "[redacted]",
  },
});

export type { Logger };
