#!/usr/bin/env bash
# The whole test suite: unit tests, the schema/migration check and the cross-process integration
# tests (web + worker + PostgreSQL + Redis + fakes). Each integration run creates its own database.
set -euo pipefail
cd "$(dirname "$0")/.."
node --version | grep -q '^v24\.' || { echo "Node 24 expected on PATH (run through npm: npm test)" >&2; exit 1; }
[ -d app/generated/prisma ] || bash scripts/prisma-generate.sh
npx --no-install tsc --noEmit
npx --no-install remix vite:build --logLevel warn
npx --no-install vitest run "$@"
