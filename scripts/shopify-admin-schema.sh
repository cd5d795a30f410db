#!/usr/bin/env bash
# Shopify's official Admin GraphQL schema (introspection JSON) for the API version Facto pins, taken from
# Shopify's own npm package @shopify/dev-mcp (dist/data/admin_<version>.json.gz) into .cache/shopify-schema/.
# Only that one file is kept: the package is not a dependency (it would pull @shopify/cli). Idempotent: does
# nothing when the file is already there. Decision 015.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE_VERSION=1.16.0
# sha1 the npm registry publishes for that tarball (`npm view @shopify/dev-mcp@1.16.0 dist.shasum`)
PACKAGE_SHA1=320baa2b1df27bfdc5bfff9c995579fb35eb92fe
API_VERSION=$(sed -n 's/.*SHOPIFY_ADMIN_API_VERSION = "\([0-9a-z-]*\)".*/\1/p' app/integrations/shopify/api-version.ts)
[ -n "$API_VERSION" ] || { echo "no SHOPIFY_ADMIN_API_VERSION in app/integrations/shopify/api-version.ts" >&2; exit 1; }
OUT=.cache/shopify-schema/admin_${API_VERSION}.json.gz
[ -s "$OUT" ] && exit 0
mkdir -p .cache/shopify-schema
TGZ=.cache/shopify-dev-mcp-${PACKAGE_VERSION}.tgz
if [ ! -s "$TGZ" ]; then
  npm pack "@shopify/dev-mcp@${PACKAGE_VERSION}" --pack-destination .cache/ --silent >/dev/null
fi
echo "${PACKAGE_SHA1}  ${TGZ}" | sha1sum -c --quiet - || { echo "$TGZ does not match the registry's shasum" >&2; rm -f "$TGZ"; exit 1; }
tar -xzf "$TGZ" -O "package/dist/data/admin_${API_VERSION}.json.gz" > "$OUT.tmp" \
  || { rm -f "$OUT.tmp"; echo "@shopify/dev-mcp@${PACKAGE_VERSION} has no admin_${API_VERSION} schema" >&2; exit 1; }
mv "$OUT.tmp" "$OUT"
rm -f "$TGZ"
