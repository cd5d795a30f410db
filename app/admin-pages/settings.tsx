import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { Field, settingsAction, settingsLoader, Values } from "./settings.server";

// The company details, for both admins (app/admin-pages/settings.server.ts).
export function SettingsPage() {
  const { values: initial, missing, nextNumber, hasLogo, base, vatMetaKeys: initialMetaKeys } = useLoaderData<typeof settingsLoader>();
  const result = useActionData<typeof settingsAction>();
  const [vatMetaKeys, setVatMetaKeys] = useState(initialMetaKeys ?? "");
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
    <Page title="Company details" backAction={{ url: base }}>
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
                  {initialMetaKeys !== null ? (
                    <TextField
                      label="Order meta keys holding the buyer's VAT number"
                      name="vatMetaKeys"
                      value={vatMetaKeys}
                      onChange={setVatMetaKeys}
                      error={errors.vatMetaKeys}
                      helpText="Besides the common EU VAT plugins' keys (_billing_vat_number, _vat_number, vat_number …), e.g. _my_checkout_vat"
                      autoComplete="off"
                    />
                  ) : null}
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
                <Button url={`${base}/danger-zone`} tone="critical">Danger zone</Button>
              </InlineStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
