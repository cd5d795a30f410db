import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Outlet, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { AppProvider, BlockStack, Box, Button, Frame, Navigation, Text } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json" with { type: "json" };
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { STORE_PAGES } from "~/admin-pages/store-options";
import { storeAction } from "~/admin-pages/store.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId — the layout of one WooCommerce store's admin (decision 025): Polaris' own provider
// (no App Bridge: this admin is not embedded in Shopify), the store's name, its navigation and sign-out;
// every page of the store is a child route rendered in the <Outlet>, most of them the very components the
// Shopify admin shows (app/admin-pages/*).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop, csrf, base } = await requireWooPage(request, params.shopId ?? "");
  return { base, csrf, email: account.email, name: shop.legalName || shop.domain, storeUrl: shop.wooConnection?.storeUrl ?? null };
};

// A form posted to /woo/stores/:id without `?index` (a document post, an older page) reaches the layout, not the
// index route: it does what the store page's forms do (same CSRF check).
export const action = ({ request, params }: ActionFunctionArgs) => storeAction(request, params.shopId ?? "");

export default function StoreLayout() {
  const { base, csrf, email, name, storeUrl } = useLoaderData<typeof loader>();
  const location = useLocation();
  const loading = useNavigation().state !== "idle";
  const navigation = (
    <Navigation location={location.pathname} ariaLabelledBy="store-name">
      <Box padding="400">
        <BlockStack gap="100">
          <a href="/woo" style={{ fontWeight: 700, textDecoration: "none", color: "inherit" }}>
            Facto for WooCommerce
          </a>
          <Text as="h2" variant="headingMd" id="store-name">
            {name}
          </Text>
          {storeUrl ? (
            <Text as="p" tone="subdued" breakWord>
              {storeUrl}
            </Text>
          ) : null}
        </BlockStack>
      </Box>
      <Navigation.Section
        items={STORE_PAGES.map(([path, label]) => ({ url: `${base}${path}`, label, exactMatch: path === "", selected: path === "" ? location.pathname === base || location.pathname.startsWith(`${base}/invoices/`) : location.pathname === `${base}${path}` || location.pathname.startsWith(`${base}${path}/`) }))}
      />
      <Navigation.Section separator items={[{ url: "/woo", label: "Your stores", exactMatch: true }, { url: "/woo/account", label: "Account", exactMatch: true }]} />
      <Box padding="400">
        <BlockStack gap="200">
          <Text as="p" tone="subdued" breakWord>
            {email}
          </Text>
          <Form method="post" action="/woo/logout">
            <input type="hidden" name="csrf" value={csrf} />
            <Button submit variant="plain">
              Sign out
            </Button>
          </Form>
        </BlockStack>
      </Box>
    </Navigation>
  );
  return (
    <AppProvider i18n={en}>
      <Frame navigation={navigation}>
        {loading ? <div role="progressbar" aria-label="Loading" style={{ position: "fixed", top: 0, left: 0, right: 0, height: 3, background: "#1f4e79", zIndex: 1000 }} /> : null}
        <div data-testid="woo-store-layout">
          <Outlet />
        </div>
      </Frame>
    </AppProvider>
  );
}
