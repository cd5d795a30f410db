import { Form, useNavigation } from "@remix-run/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import type { ReactNode } from "react";

/**
 * Facto's Polaris pages outside Shopify admin (WooCommerce owners): Polaris' own provider, the store's
 * navigation and sign-out. The pages inside are the same components the Shopify admin shows.
 */
export function WooPolarisFrame({ shopId, email, csrf, children }: { shopId: string; email: string; csrf: string; children: ReactNode }) {
  const base = `/woo/stores/${shopId}`;
  const loading = useNavigation().state !== "idle";
  const links: [string, string][] = [
    [base, "Store & invoices"],
    [`${base}/customers`, "Customers"],
    [`${base}/stock`, "Stock"],
    [`${base}/payments`, "Payments & e-mails"],
    [`${base}/peppol`, "PEPPOL"],
    [`${base}/incoming`, "Incoming"],
    [`${base}/bank`, "Bank"],
    [`${base}/bank-settings`, "Bank settings"],
    [`${base}/products`, "VAT of products"],
    [`${base}/danger-zone`, "Danger zone"],
  ];
  return (
    <AppProvider i18n={en}>
      {loading ? <div role="progressbar" aria-label="Loading" style={{ position: "fixed", top: 0, left: 0, right: 0, height: 3, background: "#1f4e79", zIndex: 1000 }} /> : null}
      <header style={{ display: "flex", gap: 16, alignItems: "center", padding: "10px 20px", background: "#fff", borderBottom: "1px solid #e1e3e5" }}>
        <a href="/woo" style={{ fontWeight: 700, textDecoration: "none", color: "inherit" }}>Facto for WooCommerce</a>
        <nav aria-label="Store" style={{ display: "flex", gap: 12, flex: 1 }}>
          {links.map(([href, label]) => (
            <a key={href} href={href}>{label}</a>
          ))}
        </nav>
        <span>{email}</span>
        <Form method="post" action="/woo/logout">
          <input type="hidden" name="csrf" value={csrf} />
          <button type="submit">Sign out</button>
        </Form>
      </header>
      {children}
    </AppProvider>
  );
}
