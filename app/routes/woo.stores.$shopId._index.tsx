import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import { CsrfField, InvoicesPage } from "~/admin-pages/invoices";
import { invoicesLoader } from "~/admin-pages/invoices.server";
import { WOO_PAID_STATUSES } from "~/admin-pages/store-options";
import { storeAction, storeLoader, type StoreActionResult } from "~/admin-pages/store.server";
import { countIncompleteHolds } from "~/services/held-orders.server";
import { prisma } from "~/db.server";
import { requireWooPage } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId — the store's first page inside its layout (woo.stores.$shopId.tsx): the invoices and the
// dashboard the Shopify admin shows (app/admin-pages/invoices), with the WooCommerce store's own card: the connection,
// its webhooks, the order status after payment, disconnect. Seller details and Twikey are the shared Settings and
// Customers pages.
export const meta: MetaFunction = () => [{ title: "Store — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base, csrf } = await requireWooPage(request, params.shopId ?? "");
  const url = new URL(request.url);
  return { ...(await invoicesLoader(shop, base, url)), ...storeLoader(shop, url), waiting: await countIncompleteHolds(prisma, shop.id), csrf };
};

export const action = ({ request, params }: ActionFunctionArgs) => storeAction(request, params.shopId ?? "");

type Data = Awaited<ReturnType<typeof loader>>;

function Connection({ data, busy, errors }: { data: Data; busy: boolean; errors: Record<string, string> }) {
  const { store, csrf } = data;
  const [paidStatus, setPaidStatus] = useState(store.paidStatus);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Connection</Text>
        {store.connected ? (
          <>
            <table aria-label="Webhooks" style={{ width: "100%", borderCollapse: "collapse" }}>
              <thead>
                <tr style={{ textAlign: "left" }}>
                  <th>Webhook</th>
                  <th>Status</th>
                  <th>Last checked</th>
                </tr>
              </thead>
              <tbody>
                {store.webhooks.map((w) => (
                  <tr key={w.topic}>
                    <td>{w.topic}</td>
                    <td>{w.status}</td>
                    <td>{w.checkedAt ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Text as="p" tone="subdued">
              {store.pingedAt ? `WooCommerce's ping reached Facto on ${store.pingedAt} UTC. ` : "WooCommerce's ping has not reached Facto yet. "}
              Facto checks these webhooks and the store&apos;s recent orders regularly: an order is never missed, even when WooCommerce disables a webhook.
            </Text>
            {store.authInQuery ? (
              <div data-testid="auth-in-query">
                <Text as="p" tone="subdued">
                  Your host removes the Authorization header before WordPress sees it, so Facto sends your API key in the query string of each request (over https only). Ask your host to pass the Authorization header on to PHP
                  to avoid it.
                </Text>
              </div>
            ) : null}
            <Form method="post">
              <CsrfField csrf={csrf} />
              <input type="hidden" name="intent" value="paid-status" />
              <InlineStack gap="300" blockAlign="end">
                <Select
                  label="When an invoice is paid through Facto, set the order to"
                  name="paidStatus"
                  value={paidStatus}
                  onChange={setPaidStatus}
                  error={errors.paidStatus}
                  options={WOO_PAID_STATUSES.map((s) => ({ label: s, value: s }))}
                />
                <Button submit disabled={busy}>Save order status</Button>
              </InlineStack>
            </Form>
            <Form method="post" onSubmit={(e) => (confirm("Disconnect this store? Facto removes its webhooks; your invoices stay.") ? undefined : e.preventDefault())}>
              <CsrfField csrf={csrf} />
              <input type="hidden" name="intent" value="disconnect" />
              <Button submit tone="critical" disabled={busy}>Disconnect store</Button>
            </Form>
          </>
        ) : (
          <Text as="p">
            This store is disconnected. Connect it again from <a href="/woo">your stores</a>.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

export default function StorePage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<StoreActionResult>();
  const busy = useNavigation().state !== "idle";
  const errors = result?.errors ?? {};
  const top = (
    <BlockStack gap="400">
      {data.connected ? (
        <Card>
          <Text as="p" tone="success">Store connected: Facto registered its webhooks. New and updated orders are invoiced from now on.</Text>
        </Card>
      ) : null}
      {/* The action's message is the shared page's banner; a form's field errors alone are announced here. */}
      {result && !result.ok && !result.message ? <Banner tone="critical" title="Some fields need your attention." /> : null}
      {data.missing.length ? <Banner tone="warning" title={`Facto issues no invoice until these are filled in: ${data.missing.join(", ")}.${data.waiting ? ` ${data.waiting} order(s) are waiting.` : ""}`} /> : null}
      <Connection data={data} busy={busy} errors={errors} />
    </BlockStack>
  );
  return <InvoicesPage title={data.name} subtitle={data.store.storeUrl ?? undefined} csrf={data.csrf} top={top} />;
}
