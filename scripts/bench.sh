#!/usr/bin/env bash
# npm run bench — builds the web app, then measures (see scripts/bench.ts). Arguments pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d app/generated/prisma ] || bash scripts/prisma-generate.sh
npx --no-install remix vite:build --logLevel warn
export LOG_LEVEL="${LOG_LEVEL:-warn}"
exec node --import tsx scripts/bench.ts "$@"
