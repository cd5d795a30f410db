#!/usr/bin/env bash
# npm run bench — builds the web app, then measures (see scripts/bench.ts). Arguments pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d app/generated/prisma ] || bash scripts/prisma-generate.sh
# The web build is only needed by the sections that start the stack (not by documents or bank alone).
only=""
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --only=*) only="${!i#--only=}" ;;
    --only) j=$((i + 1)); only="${!j:-}" ;;
  esac
done
if [[ -z "$only" || "$only" =~ ingest|pipeline|sync ]]; then
  npx --no-install remix vite:build --logLevel warn
fi
export LOG_LEVEL="${LOG_LEVEL:-warn}"
exec node --import tsx scripts/bench.ts "$@"
