import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, IndexTable, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { prisma } from "~/db.server";
import { ProductVatClassInput } from "~/domain/shop/product-vat-class";
import { PRODUCT_VAT_CLASSES } from "~/domain/shop/product-vat-classes";
import { fieldErrors } from "~/domain/shop/shop-settings";
import { requireAdminShop } from "~/utils/admin-shop.server";

// /app/products — the VAT class of products by SKU (books 6 %, food 6 %, …); unlisted SKUs take the
// rate the shop applied, or the standard rate.
const LABELS: Record<(typeof PRODUCT_VAT_CLASSES)[number], string> = {
  standard: "Standard rate (BE 21 %)",
  reduced1: "Reduced rate 1 (BE 6 %: books, food, …)",
  reduced2: "Reduced rate 2 (BE 12 %)",
  superReduced: "Super-reduced rate (where it exists)",
  zero: "Zero rate (BE 0 %: newspapers, …)",
  exempt: "Exempt (art. 44 services, …)",
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = await requireAdminShop(request);
  const classes = await prisma.productVatClass.findMany({ where: { shopId: shop.id }, orderBy: { sku: "asc" }, take: 1000, select: { id: true, sku: true, vatClass: true, updatedAt: true } });
  return { classes: classes.map((c) => ({ id: c.id, sku: c.sku, vatClass: c.vatClass, updated: c.updatedAt.toISOString().slice(0, 10) })) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const shop = await requireAdminShop(request);
  const form = await request.formData();
  if (form.get("intent") === "delete") {
    await prisma.productVatClass.deleteMany({ where: { shopId: shop.id, id: String(form.get("id") ?? "") } });
    return { ok: true, message: "Removed: the SKU takes the shop's rate again", errors: {} as Record<string, string> };
  }
  const parsed = ProductVatClassInput.safeParse({ sku: form.get("sku"), vatClass: form.get("vatClass") });
  if (!parsed.success) return { ok: false, message: "Check the fields", errors: fieldErrors(parsed.error) };
  await prisma.productVatClass.upsert({
    where: { shopId_sku: { shopId: shop.id, sku: parsed.data.sku } },
    create: { shopId: shop.id, sku: parsed.data.sku, vatClass: parsed.data.vatClass },
    update: { vatClass: parsed.data.vatClass },
  });
  return { ok: true, message: `${parsed.data.sku}: ${LABELS[parsed.data.vatClass]} — applies to invoices issued from now on`, errors: {} as Record<string, string> };
};

export default function ProductsPage() {
  const { classes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [sku, setSku] = useState("");
  const [vatClass, setVatClass] = useState<string>("reduced1");
  return (
    <Page title="VAT classes of products" backAction={{ url: "/app" }}>
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
