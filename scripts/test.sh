#!/usr/bin/env bash
# The whole test suite: unit tests, the schema/migration check, the cross-process integration
# tests (web + worker + PostgreSQL + Redis + fakes) and the real-WooCommerce suite (a real WordPress +
# WooCommerce from ../shared/woocommerce on PHP + MariaDB). Each run creates its own databases.
set -euo pipefail
cd "$(dirname "$0")/.."
node --version | grep -q '^v24\.' || { echo "Node 24 expected on PATH (run through npm: npm test)" >&2; exit 1; }
bash scripts/ensure-system-packages.sh
[ -d app/generated/prisma ] || bash scripts/prisma-generate.sh
npx --no-install tsc --noEmit
npx --no-install tsc --noEmit -p extensions/direct-debit-offer
npx --no-install remix vite:build --logLevel warn
# Shopify's official Admin GraphQL schema for the schema test and the fake Shopify (decision 015; skipped when present).
bash scripts/shopify-admin-schema.sh
mkdir -p test-results
status=0
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
# One plain closing line for CI: "N passed, N failed".
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit "$status"
