import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { SHOPIFY_ADMIN_API_VERSION } from "../../app/integrations/shopify/api-version";

/**
 * Shopify's official Admin GraphQL schema for the API version Facto pins: the introspection JSON
 * Shopify ships in its npm package @shopify/dev-mcp (dist/data/admin_<version>.json.gz), extracted by
 * scripts/shopify-admin-schema.sh into .cache/shopify-schema/ (decision 015). The script runs here
 * when the file is missing, so a lone `vitest run` works as well as `npm test`.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let cached: GraphQLSchema | undefined;

export function shopifyAdminSchemaPath(version = SHOPIFY_ADMIN_API_VERSION): string {
  return path.join(ROOT, ".cache/shopify-schema", `admin_${version}.json.gz`);
}

export function shopifyAdminSchema(): GraphQLSchema {
  if (cached) return cached;
  const file = shopifyAdminSchemaPath();
  if (!existsSync(file)) execFileSync("bash", [path.join(ROOT, "scripts/shopify-admin-schema.sh")], { stdio: "inherit" });
  const json = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data?: IntrospectionQuery } & Partial<IntrospectionQuery>;
  cached = buildClientSchema(json.data ?? (json as IntrospectionQuery));
  return cached;
}
