import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, IndexTable, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { prisma } from "~/db.server";
import { runStockAction, stockOverview } from "~/services/stock.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// /app/stock — stock per SKU as Facto keeps it, the store's quantity at the last sync, manual
// adjustments (written back to Shopify by a job) and the latest movements.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = await requireAdminShop(request);
  return stockOverview(prisma, shop.id, new URL(request.url).searchParams.get("q") ?? "");
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const shop = await requireAdminShop(request);
  return runStockAction(prisma, shop, "Shopify", await request.formData());
};

export default function StockPage() {
  const { items, movements, total, pendingTotal, search } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [sku, setSku] = useState("");
  const [query, setQuery] = useState(search);
  const [mode, setMode] = useState("add");
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const waiting = pendingTotal;
  return (
    <Page
      title="Stock"
      backAction={{ url: "/app" }}
      primaryAction={
        <Form method="post">
          <input type="hidden" name="intent" value="import" />
          <Button submit loading={busy}>Read stock from Shopify</Button>
        </Form>
      }
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
            {total === 0 && !search ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">Facto keeps no stock yet</Text>
                  <Text as="p" tone="subdued">Read your products from Shopify: Facto takes each variant with a SKU and its available quantity, takes sales off as orders are invoiced, and writes your adjustments back to Shopify.</Text>
                </BlockStack>
              </Card>
            ) : (
              <>
                <Card>
                  <Form method="post">
                    <input type="hidden" name="intent" value="adjust" />
                    <BlockStack gap="300">
                      <Text as="h2" variant="headingMd">Adjust stock</Text>
                      <InlineStack gap="300" blockAlign="end" wrap>
                        <TextField label="SKU" name="sku" value={sku} onChange={setSku} error={result?.errors.sku} autoComplete="off" />
                        <Select label="Change" name="mode" value={mode} onChange={setMode} options={[{ value: "add", label: "Add or remove (e.g. +12, -3)" }, { value: "set", label: "Set to a counted quantity" }]} error={result?.errors.mode} />
                        <TextField label="Quantity" name="amount" value={amount} onChange={setAmount} error={result?.errors.amount} autoComplete="off" />
                        <TextField label="Reason" name="reason" value={reason} onChange={setReason} error={result?.errors.reason} placeholder="Delivery from the supplier" autoComplete="off" />
                        <Button submit variant="primary" loading={busy}>Save</Button>
                      </InlineStack>
                    </BlockStack>
                  </Form>
                </Card>
                <Card>
                  <Form method="get">
                    <InlineStack gap="300" blockAlign="end">
                      <TextField label="Find a SKU or product" name="q" value={query} onChange={setQuery} autoComplete="off" />
                      <Button submit>Search</Button>
                    </InlineStack>
                  </Form>
                  <Text as="p" tone="subdued">{total > items.length ? `The first ${items.length} of ${total} SKUs${search ? ` matching “${search}”` : ""} — search to find the others.` : `${total} SKU${total === 1 ? "" : "s"}${search ? ` matching “${search}”` : ""}.`}</Text>
                </Card>
                <Card padding="0">
                  <IndexTable resourceName={{ singular: "SKU", plural: "SKUs" }} itemCount={items.length} selectable={false} headings={[{ title: "SKU" }, { title: "Product" }, { title: "In stock (Facto)" }, { title: "In Shopify" }, { title: "Last sync" }, { title: "State" }]}>
                    {items.map((i, n) => (
                      <IndexTable.Row id={i.id} key={i.id} position={n}>
                        <IndexTable.Cell>{i.sku}</IndexTable.Cell>
                        <IndexTable.Cell>{i.title}</IndexTable.Cell>
                        <IndexTable.Cell>{i.quantity}</IndexTable.Cell>
                        <IndexTable.Cell>{i.storeQuantity ?? "—"}</IndexTable.Cell>
                        <IndexTable.Cell>{i.syncedAt ?? "never"}</IndexTable.Cell>
                        <IndexTable.Cell>{i.problem ? <Badge tone="critical">{i.state}</Badge> : i.pending ? <Badge tone="attention">{i.state}</Badge> : <Badge tone="success">{i.state}</Badge>}</IndexTable.Cell>
                      </IndexTable.Row>
                    ))}
                  </IndexTable>
                </Card>
                {waiting > 0 ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="sync" />
                    <Button submit loading={busy}>{`Write ${waiting} waiting quantit${waiting === 1 ? "y" : "ies"} to Shopify now`}</Button>
                  </Form>
                ) : null}
              </>
            )}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Latest movements</Text>
              {movements.length === 0 ? (
                <Text as="p" tone="subdued">No movement yet.</Text>
              ) : (
                movements.map((m) => (
                  <Text as="p" key={m.id}>
                    {`${m.at} · ${m.sku} ${m.delta > 0 ? "+" : ""}${m.delta} → ${m.quantityAfter} · ${m.reason}`}
                  </Text>
                ))
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
