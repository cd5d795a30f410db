// Bundles the checkout UI extension the way Shopify's CLI does (esbuild, ESM, Preact JSX), with
// Facto's public URL baked in: FACTO_APP_URL=https://facto.example.com npm run extension:build.
// `shopify app deploy` builds it itself; this is for checking the bundle and its size locally.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const appUrl = process.env.FACTO_APP_URL ?? process.env.SHOPIFY_APP_URL ?? "https://facto.example.com";
const dir = "extensions/direct-debit-offer";
mkdirSync(path.join(dir, "dist"), { recursive: true });
for (const entry of ["ThankYou", "OrderStatus"]) {
  const result = await build({
    entryPoints: [path.join(dir, "src", `${entry}.tsx`)],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    minify: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    tsconfig: path.join(dir, "tsconfig.json"),
    define: { "globalThis.FACTO_APP_URL": JSON.stringify(appUrl) },
  });
  const file = path.join(dir, "dist", `${entry}.js`);
  writeFileSync(file, result.outputFiles[0].contents);
  console.log(`${file}: ${result.outputFiles[0].contents.length} bytes (API ${appUrl})`);
}
