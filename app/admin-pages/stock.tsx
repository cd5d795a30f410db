import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { stockAction, stockLoader } from "./stock.server";
import { NamedTable } from "./table";

// Stock, for both admins (app/admin-pages/stock.server.ts).
export function StockPage() {
  const { items, movements, total, pendingTotal, search, base, platform } = useLoaderData<typeof stockLoader>();
  const result = useActionData<typeof stockAction>();
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
      backAction={{ url: base }}
      primaryAction={
        <Form method="post">
          <input type="hidden" name="intent" value="import" />
          <Button submit loading={busy}>{`Read stock from ${platform}`}</Button>
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
                  <Text as="p" tone="subdued">
                    {platform === "Shopify"
                      ? "Read your products from Shopify: Facto takes each variant with a SKU and its available quantity, takes sales off as orders are invoiced, and writes your adjustments back to Shopify."
                      : "Read your products from WooCommerce: Facto takes each product and variation that manages its stock and has a SKU, takes sales off as orders are invoiced, and writes your adjustments back to the store."}
                  </Text>
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
                  <NamedTable
                    label="Stock"
                    headings={["SKU", "Product", "In stock (Facto)", `In ${platform}`, "Last sync", "State"]}
                    rows={items.map((i) => ({
                      key: i.id,
                      cells: [i.sku, i.title, i.quantity, i.storeQuantity ?? "—", i.syncedAt ?? "never", i.problem ? <Badge tone="critical">{i.state}</Badge> : i.pending ? <Badge tone="attention">{i.state}</Badge> : <Badge tone="success">{i.state}</Badge>],
                    }))}
                  />
                </Card>
                {waiting > 0 ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="sync" />
                    <Button submit loading={busy}>{`Write ${waiting} waiting quantit${waiting === 1 ? "y" : "ies"} to ${platform} now`}</Button>
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
