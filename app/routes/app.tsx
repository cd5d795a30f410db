import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { env } from "~/env.server";
import { authenticate } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return { apiKey: env().SHOPIFY_API_KEY };
};

export default function App() {
  const { apiKey } = useLoaderData<typeof loader>();
  const loading = useNavigation().state !== "idle";
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <NavMenu>
        <Link to="/app" rel="home">Invoices</Link>
        <Link to="/app/settings">Settings</Link>
        <Link to="/app/payments">Payments &amp; e-mails</Link>
        <Link to="/app/peppol">PEPPOL</Link>
        <Link to="/app/incoming">Incoming</Link>
        <Link to="/app/direct-debit">Direct debit</Link>
        <Link to="/app/bank">Bank statements</Link>
        <Link to="/app/bank-settings">Bank settings</Link>
        <Link to="/app/stock">Stock</Link>
        <Link to="/app/products">VAT of products</Link>
        <Link to="/app/privacy">Data requests</Link>
      </NavMenu>
      {loading ? <div role="progressbar" aria-label="Loading" style={{ position: "fixed", top: 0, left: 0, right: 0, height: 3, background: "#1f4e79", zIndex: 1000 }} /> : null}
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
