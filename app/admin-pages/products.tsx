import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, IndexTable, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { PRODUCT_VAT_CLASSES } from "~/domain/shop/product-vat-classes";
import type { productsAction, productsLoader } from "./products.server";
import { VAT_CLASS_LABELS as LABELS } from "./vat-class-labels";

export function ProductsPage() {
  const { classes, base } = useLoaderData<typeof productsLoader>();
  const result = useActionData<typeof productsAction>();
  const busy = useNavigation().state !== "idle";
  const [sku, setSku] = useState("");
  const [vatClass, setVatClass] = useState<string>("reduced1");
  return (
    <Page title="VAT classes of products" backAction={{ url: base }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
            <Card>
              <Form method="post">
                <InlineStack gap="300" blockAlign="end" wrap>
                  <TextField label="SKU" name="sku" value={sku} onChange={setSku} error={result?.errors.sku} autoComplete="off" />
                  <Select label="VAT class" name="vatClass" value={vatClass} onChange={setVatClass} options={PRODUCT_VAT_CLASSES.map((c) => ({ value: c, label: LABELS[c] }))} error={result?.errors.vatClass} />
                  <Button submit variant="primary" loading={busy}>Save</Button>
                </InlineStack>
              </Form>
            </Card>
            <Card padding="0">
              {classes.length === 0 ? (
                <BlockStack gap="200">
                  <div style={{ padding: 16 }}>
                    <Text as="p" tone="subdued">No product has its own VAT class: every line takes the rate your shop applied (or the standard rate). Add the SKUs that use a reduced rate.</Text>
                  </div>
                </BlockStack>
              ) : (
                <IndexTable resourceName={{ singular: "product", plural: "products" }} itemCount={classes.length} selectable={false} headings={[{ title: "SKU" }, { title: "VAT class" }, { title: "Changed" }, { title: "" }]}>
                  {classes.map((c, i) => (
                    <IndexTable.Row id={c.id} key={c.id} position={i}>
                      <IndexTable.Cell>{c.sku}</IndexTable.Cell>
                      <IndexTable.Cell>{LABELS[c.vatClass as keyof typeof LABELS] ?? c.vatClass}</IndexTable.Cell>
                      <IndexTable.Cell>{c.updated}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <Form method="post">
                          <input type="hidden" name="intent" value="delete" />
                          <input type="hidden" name="id" value={c.id} />
                          <Button submit size="slim" variant="plain" tone="critical">Remove</Button>
                        </Form>
                      </IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
