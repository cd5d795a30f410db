import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import { useContext, type ReactNode } from "react";
import { NonceContext } from "~/utils/nonce";

function Document({ children }: { children: ReactNode }) {
  // The Content-Security-Policy's nonce (server render); browsers hide it from the page afterwards.
  const nonce = useContext(NonceContext) || undefined;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Document>
      <Outlet />
    </Document>
  );
}

/**
 * Anything a page did not handle: the status and a sentence for people — never a stack trace (the
 * error itself is in the server's log).
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message = isRouteErrorResponse(error)
    ? typeof error.data === "string" && error.data.trim()
      ? error.data
      : error.statusText || "This request could not be handled."
    : "Something went wrong on our side. Please try again; if it keeps happening, contact support.";
  return (
    <Document>
      <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 560, margin: "64px auto", padding: "0 16px" }}>
        <h1 style={{ fontSize: 22 }}>{status === 404 ? "Not found" : status === 403 ? "Not allowed" : status >= 500 ? "Something went wrong" : "This did not work"}</h1>
        <p>{message}</p>
        <p>
          <a href="/">Back to Facto</a>
        </p>
      </main>
    </Document>
  );
}
