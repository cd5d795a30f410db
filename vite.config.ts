import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 3000),
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*", "**/*.test.ts", "**/*.test.tsx"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
        v3_routeConfig: false,
      },
    }),
    tsconfigPaths(),
    {
      // `npm run dev`: the stores' webhooks take the same one door as in app/web-server.ts
      // (app/webhook-fast-path.server.ts), not a Remix route.
      name: "facto-webhook-door",
      configureServer(server) {
        server.middlewares.use((req, res, next) => {
          if (!/^\/webhooks\/(shopify|woocommerce)\//.test(req.url ?? "")) return next();
          server
            .ssrLoadModule("/app/webhook-fast-path.server.ts")
            .then((door) => {
              if (!(door as typeof import("./app/webhook-fast-path.server")).handleWebhookDelivery(req, res)) next();
            })
            .catch(next);
        });
      },
    },
  ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
});
