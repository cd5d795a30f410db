import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Unit tests sit next to the code (app/**, workers/**, scripts/**); cross-process tests live in tests/.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    // Integration tests share one database and one Redis: run their files one after another.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["app/**/*.test.ts", "workers/**/*.test.ts", "scripts/**/*.test.ts", "tests/fakes/**/*.test.ts", "extensions/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // A page answering a click within 1 s (Vitest's default) is not a given on a busy 2-core
          // machine running web, worker, PostgreSQL and Chromium at once.
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
      {
        extends: true,
        test: {
          // Against a real WordPress + WooCommerce started from ../shared/woocommerce (PHP + MariaDB).
          name: "real-woocommerce",
          include: ["tests/real-woocommerce/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/real-woocommerce/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
});
