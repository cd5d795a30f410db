#!/usr/bin/env bash
# The offline demo: installs what is missing, builds, migrates a local database, starts web +
# worker + fake Shopify, sends Shopify's sample order and prints where its invoice PDF is.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund   # not `npm ci`: see .ci/run
fi
export PATH="$PWD/node_modules/.bin:$PATH"
[ -d app/generated/prisma ] || bash scripts/prisma-generate.sh
bash scripts/shopify-admin-schema.sh   # the fake Shopify answers by Shopify's official Admin schema (decision 015)
remix vite:build --logLevel warn
exec node --import tsx scripts/demo.ts
