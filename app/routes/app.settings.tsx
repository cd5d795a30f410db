import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { prisma } from "~/db.server";
import { missingInvoiceSettings } from "~/domain/shop/missing-invoice-settings";
import { checkLogo, isHexColor } from "~/domain/shop/logo";
import { fieldErrors, InvoicingOptionsInput, ShopSettingsInput } from "~/domain/shop/shop-settings";
import { AppError } from "~/errors/app-error";
import { configureSeries } from "~/services/configure-series.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";
import { ensureJob } from "~/queues.server";
import { checkSellerVatInVies, updateShopSettings } from "~/services/update-shop-settings.server";

const FIELDS = [
  "legalName", "street", "postalCode", "city", "countryCode", "vatNumber", "enterpriseNumber", "iban", "bic", "email", "phone",
  "defaultLanguage", "paymentTermDays", "invoiceTrigger",
] as const;
const OPTION_FIELDS = ["ossDestinationTaxation", "creditNoteSeries", "invoicePrefix", "invoiceFormat", "invoicePadding", "yearlyReset", "lastInvoiceNumber", "accentColor"] as const;
type Field = (typeof FIELDS)[number] | (typeof OPTION_FIELDS)[number];
type Values = Record<Field, string>;

const currentShop = requireAdminShop;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = await currentShop(request);
  const series = await prisma.invoiceSeries.findUnique({ where: { shopId_code: { shopId: shop.id, code: "INV" } } });
  const values = {
    ...Object.fromEntries(FIELDS.map((f) => [f, shop[f] == null ? "" : String(shop[f])])),
    ossDestinationTaxation: shop.ossDestinationTaxation ? "on" : "",
    creditNoteSeries: shop.creditNoteSeries ? "on" : "",
    invoicePrefix: series?.prefix ?? "INV-",
    invoiceFormat: series?.format ?? "{prefix}{number}",
    invoicePadding: String(series?.padding ?? 4),
    yearlyReset: series?.yearlyReset ? "on" : "",
    lastInvoiceNumber: "",
    accentColor: shop.accentColor,
  } as Values;
  return { values, missing: missingInvoiceSettings(shop), nextNumber: series?.nextNumber ?? 1, hasLogo: !!shop.logo };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const shop = await currentShop(request);
  const form = await request.formData();
  const posted = Object.fromEntries([...FIELDS, ...OPTION_FIELDS].map((f) => [f, String(form.get(f) ?? "")])) as Values;
  const parsed = ShopSettingsInput.safeParse(posted);
  const options = InvoicingOptionsInput.safeParse(posted);
  if (!parsed.success || !options.success) {
    return { ok: false as const, errors: { ...(parsed.error ? fieldErrors(parsed.error) : {}), ...(options.error ? fieldErrors(options.error) : {}) }, requeued: 0 };
  }
  const o = options.data;
  let vatWarning: string | null = null;
  if (parsed.data.vatNumber && parsed.data.vatNumber !== shop.vatNumber) {
    const vat = await checkSellerVatInVies(parsed.data.vatNumber);
    if (vat.error) return { ok: false as const, errors: { vatNumber: vat.error } as Record<string, string>, requeued: 0 };
    vatWarning = vat.warning ?? null;
  }
  const accentColor = posted.accentColor.trim() || "#1f4e79";
  if (!isHexColor(accentColor)) return { ok: false as const, errors: { accentColor: "Enter a colour like #1f4e79" } as Record<string, string>, requeued: 0 };
  const upload = form.get("logo");
  let logo: { bytes: Uint8Array<ArrayBuffer>; contentType: string } | null = null;
  if (upload instanceof File && upload.size > 0) {
    const bytes = new Uint8Array(await upload.arrayBuffer());
    const check = checkLogo(bytes);
    if (!check.ok) return { ok: false as const, errors: { logo: check.message } as Record<string, string>, requeued: 0 };
    logo = { bytes, contentType: check.contentType };
  }
  try {
    await configureSeries(
      prisma,
      shop.id,
      "INVOICE",
      { prefix: o.invoicePrefix, format: o.invoiceFormat, padding: o.invoicePadding, yearlyReset: o.yearlyReset, ...(o.lastInvoiceNumber !== undefined ? { lastIssuedNumber: o.lastInvoiceNumber } : {}) },
      new Date(),
    );
  } catch (error) {
    if (error instanceof AppError || error instanceof RangeError) return { ok: false as const, errors: { lastInvoiceNumber: error.message } as Record<string, string>, requeued: 0 };
    throw error;
  }
  const { requeued } = await updateShopSettings(
    prisma,
    shop.id,
    {
      ...parsed.data,
      ossDestinationTaxation: o.ossDestinationTaxation,
      creditNoteSeries: o.creditNoteSeries,
      accentColor,
      ...(logo ? { logo: logo.bytes, logoContentType: logo.contentType } : {}),
    },
    (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined),
  );
  return { ok: true as const, errors: {} as Record<string, string>, requeued, vatWarning };
};

export default function Settings() {
  const { values: initial, missing, nextNumber, hasLogo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const saving = useNavigation().state === "submitting";
  const [values, setValues] = useState<Values>(initial);
  const errors: Record<string, string> = result?.errors ?? {};
  const field = (name: Field, label: string, help?: string) => (
    <TextField
      label={label}
      name={name}
      value={values[name]}
      onChange={(v) => setValues((s) => ({ ...s, [name]: v }))}
      error={errors[name]}
      helpText={help}
      autoComplete="off"
    />
  );
  const select = (name: Field, label: string, options: { label: string; value: string }[]) => (
    <Select label={label} name={name} options={options} value={values[name] || options[0]!.value} onChange={(v) => setValues((s) => ({ ...s, [name]: v }))} error={errors[name]} />
  );
  // A Polaris checkbox posts nothing by itself: a hidden input carries its value ("on" or "").
  const checkbox = (name: Field, label: string, help?: string) => (
    <>
      <Checkbox label={label} helpText={help} checked={values[name] === "on"} onChange={(v) => setValues((s) => ({ ...s, [name]: v ? "on" : "" }))} />
      <input type="hidden" name={name} value={values[name]} />
    </>
  );
  return (
    <Page title="Company details" backAction={{ url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok && (
              <Banner tone="success" title="Settings saved">
                {result.requeued > 0 ? <p>{result.requeued} waiting order(s) are being invoiced now.</p> : null}
                {"vatWarning" in result && result.vatWarning ? <p>{result.vatWarning}</p> : null}
              </Banner>
            )}
            {!result?.ok && missing.length > 0 && (
              <Banner tone="warning" title="Facto issues no invoice until these are filled in">
                <p>Missing: {missing.join(", ")}. Orders received meanwhile wait and are invoiced as soon as you save.</p>
              </Banner>
            )}
            {result && !result.ok && <Banner tone="critical" title="Some fields need your attention" />}
            <Form method="post" encType="multipart/form-data">
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">Seller on your invoices</Text>
                  {field("legalName", "Legal name", "As registered, e.g. Atelier Lumière BV")}
                  {field("street", "Street and number")}
                  <FormLayout.Group>
                    {field("postalCode", "Postal code")}
                    {field("city", "City")}
                    {field("countryCode", "Country (ISO code)", "BE for Belgium")}
                  </FormLayout.Group>
                  <FormLayout.Group>
                    {field("vatNumber", "VAT number", "BE0123456749")}
                    {field("enterpriseNumber", "Enterprise number (KBO/BCE)", "Derived from the VAT number when empty")}
                  </FormLayout.Group>
                  <FormLayout.Group>
                    {field("iban", "IBAN", "Where customers pay by bank transfer")}
                    {field("bic", "BIC")}
                  </FormLayout.Group>
                  <FormLayout.Group>
                    {field("email", "Invoice e-mail")}
                    {field("phone", "Phone")}
                  </FormLayout.Group>
                  <Text as="h2" variant="headingMd">Look of your invoices</Text>
                  <FormLayout.Group>
                    <BlockStack gap="100">
                      <Text as="p" variant="bodyMd">Logo (PNG or JPEG, at most 512 KB){hasLogo ? " — a logo is set; choose a file to replace it" : ""}</Text>
                      <input type="file" name="logo" accept="image/png,image/jpeg" aria-label="Logo" />
                      {errors.logo ? <Text as="p" tone="critical">{errors.logo}</Text> : null}
                    </BlockStack>
                    {field("accentColor", "Accent colour", "Hex colour of headings and the totals bar, e.g. #1f4e79")}
                  </FormLayout.Group>
                  <Text as="h2" variant="headingMd">Invoicing</Text>
                  <FormLayout.Group>
                    {select("defaultLanguage", "Default language", [{ label: "Nederlands", value: "nl" }, { label: "Français", value: "fr" }, { label: "English", value: "en" }, { label: "Deutsch", value: "de" }])}
                    {field("paymentTermDays", "Payment term (days)")}
                    {select("invoiceTrigger", "Issue the invoice when", [
                      { label: "the order is created", value: "ORDER_CREATED" },
                      { label: "the order is paid", value: "ORDER_PAID" },
                      { label: "the order is fulfilled", value: "ORDER_FULFILLED" },
                    ])}
                  </FormLayout.Group>
                  {checkbox(
                    "ossDestinationTaxation",
                    "Tax EU consumers at their own country's VAT (One-Stop-Shop)",
                    "Tick when your EU distance sales passed €10,000 this or last year, or when you opted in to OSS.",
                  )}
                  <Text as="h2" variant="headingMd">Numbering</Text>
                  <FormLayout.Group>
                    {field("invoicePrefix", "Invoice prefix", "e.g. INV- or F")}
                    {select("invoiceFormat", "Number format", [
                      { label: "INV-0001", value: "{prefix}{number}" },
                      { label: "INV-2026-0001", value: "{prefix}{year}-{number}" },
                      { label: "2026INV-0001", value: "{year}{prefix}{number}" },
                    ])}
                    {field("invoicePadding", "Digits", "Zero-padding of the number")}
                  </FormLayout.Group>
                  {field("lastInvoiceNumber", "Your last invoice number (optional)", `Moving from another tool? Enter its last number and Facto continues from the next. Next number now: ${nextNumber}`)}
                  {checkbox("yearlyReset", "Restart at 1 every calendar year")}
                  {checkbox("creditNoteSeries", "Credit notes have their own series (CN-0001)")}
                  <Button submit variant="primary" loading={saving}>Save</Button>
                </FormLayout>
              </Card>
            </Form>
            <Card>
              <InlineStack align="space-between" blockAlign="center">
                <Text as="p" tone="subdued">Pause invoicing, delete payment keys, erase customers without invoices.</Text>
                <Button url="/app/danger-zone" tone="critical">Danger zone</Button>
              </InlineStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
