import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { dangerZoneAction, dangerZoneLoader } from "./danger-zone.server";

function DangerAction({ action, title, text, button, domain, result }: { action: string; title: string; text: string; button: string; domain: string; result: { ok: boolean; message: string; action: string } | undefined }) {
  const [confirm, setConfirm] = useState("");
  const busy = useNavigation().state !== "idle";
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="action" value={action} />
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">{title}</Text>
          <Text as="p" tone="subdued">{text}</Text>
          <InlineStack gap="200" blockAlign="end" wrap>
            <div style={{ minWidth: 280 }}>
              <TextField label={`Type ${domain} to confirm`} name="confirm" value={confirm} onChange={setConfirm} autoComplete="off" error={result && !result.ok && result.action === action ? result.message : undefined} />
            </div>
            <Button submit tone="critical" disabled={confirm.trim().toLowerCase() !== domain.toLowerCase()} loading={busy}>{button}</Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}

export function DangerZonePage() {
  const { domain, pausedSince, waiting, hasKeys, customersWithoutInvoices, back, audit } = useLoaderData<typeof dangerZoneLoader>();
  const result = useActionData<typeof dangerZoneAction>();
  return (
    <Page title="Danger zone" backAction={{ url: back }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success" title={result.message} /> : null}
            {pausedSince ? <Banner tone="warning" title={`Invoicing is paused since ${pausedSince} UTC — ${waiting} order(s) waiting`} /> : null}
            {pausedSince ? (
              <DangerAction action="resume" title="Resume invoicing" text="The orders that arrived while invoicing was paused are invoiced now, in the order they came in." button="Resume invoicing" domain={domain} result={result} />
            ) : (
              <DangerAction action="pause" title="Pause invoicing" text="New orders are kept and not invoiced until you resume (e.g. while you correct your company details). Nothing is lost." button="Pause invoicing" domain={domain} result={result} />
            )}
            <DangerAction
              action="forget-keys"
              title="Delete the payment keys"
              text={hasKeys ? "Deletes the stored Mollie and Twikey keys: the payment page stops offering online payment and direct debit, automatic collections stop." : "No Mollie or Twikey key is stored."}
              button="Delete the keys"
              domain={domain}
              result={result}
            />
            <DangerAction
              action="erase-customers"
              title="Erase customers without invoices"
              text={`Deletes the ${customersWithoutInvoices} customer record(s) that are on no invoice. Customers on issued invoices stay: invoices are kept 10 years by law.`}
              button="Erase them"
              domain={domain}
              result={result}
            />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Security log</Text>
                <Text as="p" tone="subdued">Sign-ins, key changes, danger-zone actions and exports of this store (UTC), newest first.</Text>
                {audit.length ? (
                  <div aria-label="Security log" role="region">
                    <DataTable columnContentTypes={["text", "text", "text", "text"]} headings={["When", "What", "Details", "From"]} rows={audit.map((e) => [e.at, e.action, e.detail, e.ip])} />
                  </div>
                ) : (
                  <Text as="p">Nothing recorded yet.</Text>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
