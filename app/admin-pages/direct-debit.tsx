import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { downloadWithSessionToken } from "~/components/authenticated-download";
import type { directDebitAction, directDebitLoader } from "./direct-debit.server";
import { NamedTable } from "./table";

// Customers and direct debit, for both admins (app/admin-pages/direct-debit.server.ts).
/** The SEPA file for the ticked invoices (fetched with the session token, saved from a blob). */
async function downloadPain008(base: string, form: FormData): Promise<{ ok: boolean; text: string }> {
  const error = await downloadWithSessionToken(`${base}/exports/pain008`, "pain008.xml", { method: "POST", body: form });
  return error ? { ok: false, text: error } : { ok: true, text: "The SEPA file is downloaded; the invoices in it are marked as being collected." };
}

function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <InlineStack gap="200" blockAlign="end" wrap={false}>
      <div style={{ flex: 1 }}>
        <TextField label={label} value={value} readOnly autoComplete="off" />
      </div>
      <Button onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true))}>{copied ? "Copied" : "Copy"}</Button>
    </InlineStack>
  );
}

export function DirectDebitPage() {
  const { configured, hasWebsiteKey, values, callbackUrl, exitUrl, customers, collectable, base } = useLoaderData<typeof directDebitLoader>();
  const [exportMessage, setExportMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [collectionDate, setCollectionDate] = useState(new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10));
  const result = useActionData<typeof directDebitAction>();
  const busy = useNavigation().state !== "idle";
  const errors: Record<string, string> = result?.errors ?? {};
  const [v, setV] = useState({ ...values, twikeyApiKey: "", twikeyWebsiteKey: "", removeTwikey: false });
  return (
    <Page title="Customers and direct debit" backAction={{ url: base }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
            <Form method="post">
              <input type="hidden" name="intent" value="settings" />
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">Direct debit (Twikey)</Text>
                  <Text as="p" tone="subdued">{configured ? "An API key is stored (encrypted); enter a new one to replace it." : "Customers can sign SEPA mandates and their invoices are collected once you connect Twikey."}</Text>
                  <TextField label="API key" name="twikeyApiKey" type="password" value={v.twikeyApiKey} onChange={(x) => setV({ ...v, twikeyApiKey: x })} error={errors.twikeyApiKey} autoComplete="off" />
                  <TextField label="Website key (signs the return after signing)" name="twikeyWebsiteKey" type="password" value={v.twikeyWebsiteKey} onChange={(x) => setV({ ...v, twikeyWebsiteKey: x })} helpText={hasWebsiteKey ? "Stored; enter a new one to replace it." : "Twikey → Settings → Website"} autoComplete="off" />
                  <Select label="Environment" name="environment" value={v.environment} onChange={(x) => setV({ ...v, environment: x })} options={[{ value: "production", label: "Production (api.twikey.com)" }, { value: "sandbox", label: "Sandbox (api.beta.twikey.com)" }, { value: "tenant", label: "My tenant's own URL" }]} />
                  {v.environment === "tenant" ? <TextField label="Tenant API URL" name="tenantUrl" value={v.tenantUrl} onChange={(x) => setV({ ...v, tenantUrl: x })} error={errors.tenantUrl} placeholder="https://yourcompany.twikey.com/api/creditor" autoComplete="off" /> : <input type="hidden" name="tenantUrl" value="" />}
                  <FormLayout.Group>
                    <TextField label="Contract template for consumers (CORE)" name="twikeyTemplateCore" value={v.twikeyTemplateCore} onChange={(x) => setV({ ...v, twikeyTemplateCore: x })} error={errors.twikeyTemplateCore} autoComplete="off" />
                    <TextField label="Contract template for businesses (CORE or B2B)" name="twikeyTemplateB2b" value={v.twikeyTemplateB2b} onChange={(x) => setV({ ...v, twikeyTemplateB2b: x })} error={errors.twikeyTemplateB2b} helpText="Empty: businesses sign the consumer template" autoComplete="off" />
                  </FormLayout.Group>
                  <Checkbox label="Collect every new invoice of a customer with a signed mandate automatically" checked={v.twikeyAutoCollect} onChange={(x) => setV({ ...v, twikeyAutoCollect: x })} />
                  <input type="hidden" name="twikeyAutoCollect" value={v.twikeyAutoCollect ? "on" : ""} />
                  <Checkbox label="E-mail the customer before each collection (SEPA pre-notification)" checked={v.twikeyNotifyBeforeCollection} onChange={(x) => setV({ ...v, twikeyNotifyBeforeCollection: x })} />
                  <input type="hidden" name="twikeyNotifyBeforeCollection" value={v.twikeyNotifyBeforeCollection ? "on" : ""} />
                  {configured ? (
                    <>
                      <Checkbox label="Disconnect Twikey (remove the stored keys)" checked={v.removeTwikey} onChange={(x) => setV({ ...v, removeTwikey: x })} />
                      <input type="hidden" name="removeTwikey" value={v.removeTwikey ? "on" : ""} />
                    </>
                  ) : null}
                  <Button submit variant="primary" loading={busy}>Save</Button>
                </FormLayout>
              </Card>
            </Form>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">Paste these into Twikey</Text>
                <CopyField label="Webhook URL (Twikey → Settings → API → your API key → Webhook URL)" value={callbackUrl} />
                <CopyField label="Thank-you page / exit URL (Twikey → Settings → Profiles → each template → Thank-you page)" value={exitUrl} />
                <Text as="p" tone="subdued">
                  Paste the exit URL exactly as shown: after a signature Twikey replaces {"{{mandateNumber}}"}, {"{{status}}"} and {"{{s}}"} (the signature made with your website key) and sends the customer there. Twikey adds nothing to the URL by itself, so without these placeholders customers land on an error page.
                </Text>
                <Text as="p" tone="subdued">Facto sends each collection to your bank itself (Twikey's "collect"), so Twikey's automatic sending is not needed.</Text>
                <Form method="post">
                  <input type="hidden" name="intent" value="test-exit-url" />
                  <Button submit disabled={!hasWebsiteKey} loading={busy}>Test this URL</Button>
                </Form>
              </BlockStack>
            </Card>
            <Card>
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  void downloadPain008(base, new FormData(event.currentTarget)).then(setExportMessage);
                }}
              >
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Collect through your own bank (SEPA file)</Text>
                  <Text as="p" tone="subdued">
                    A pain.008 file for your bank with the open invoices you tick (customers with a signed mandate). Facto marks them as being collected, so an invoice is never in two files.
                  </Text>
                  {collectable.length === 0 ? (
                    <Text as="p" tone="subdued">No open invoice of a customer with a signed mandate.</Text>
                  ) : (
                    <>
                      {collectable.map((i) => (
                        <label key={i.id} style={{ display: "block" }}>
                          <input type="checkbox" name="invoiceId" value={i.id} defaultChecked /> {i.number} · {i.buyer} · {i.amount}
                        </label>
                      ))}
                      <InlineStack gap="200" blockAlign="end">
                        <TextField label="Collection date" name="collectionDate" type="date" value={collectionDate} onChange={setCollectionDate} autoComplete="off" />
                        <Button submit>Download pain.008</Button>
                      </InlineStack>
                      {exportMessage ? <Text as="p" tone={exportMessage.ok ? "success" : "critical"}>{exportMessage.text}</Text> : null}
                    </>
                  )}
                </BlockStack>
              </form>
            </Card>
            <Card padding={customers.length ? "0" : "400"}>
              {customers.length === 0 ? (
                <Text as="p" tone="subdued">No customers yet: they appear with their first invoice.</Text>
              ) : (
                <NamedTable
                  label="Customers"
                  headings={["Customer", "SEPA mandate", "Pays by", ""]}
                  rows={customers.map((c) => ({
                    key: c.id,
                    cells: [
                      <>
                        <Link url={`${base}/customers/${c.id}`}>{c.name}</Link> <Text as="span" tone="subdued">{c.email ?? ""}</Text>
                      </>,
                      <>
                      {c.mandate ? (
                        <InlineStack gap="200">
                          <Badge tone={c.mandate.status === "SIGNED" ? "success" : c.mandate.status === "CANCELLED" ? "critical" : "attention"}>{c.mandate.status === "SIGNED" ? "direct debit" : c.mandate.status.toLowerCase()}</Badge>
                          <Text as="span">{c.mandate.id}{c.mandate.iban ? ` · ${c.mandate.iban}` : ""}{c.mandate.signedAt ? ` · signed ${c.mandate.signedAt}` : ""}</Text>
                        </InlineStack>
                      ) : (
                        <Text as="span" tone="subdued">none</Text>
                      )}
                      </>,
                      c.directDebit ? "direct debit" : "transfer / online",
                      <>
                      {c.mandate?.status === "SIGNED" && configured ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="cancel" />
                          <input type="hidden" name="mndtId" value={c.mandate.id} />
                          <Button submit size="slim" tone="critical" variant="plain">Cancel mandate</Button>
                        </Form>
                      ) : null}
                      {!c.directDebit && configured ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="invite" />
                          <input type="hidden" name="customerId" value={c.id} />
                          <Button submit size="slim" disabled={!c.email}>Invite to sign a mandate</Button>
                        </Form>
                      ) : null}
                      </>,
                    ],
                  }))}
                />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
