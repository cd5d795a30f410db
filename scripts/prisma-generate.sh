#!/usr/bin/env bash
# Generates the Prisma client offline.
# Prisma's CLI insists on a schema-engine binary it would download; `generate` never runs it,
# so any existing file satisfies the check (see docs/decisions/001-sql-migrations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PWD/package.json}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
export CHECKPOINT_DISABLE=1
exec npx --no-install prisma generate "$@"
