import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import { ensureJob } from "~/queues.server";
import { INVOICING_PAUSED, runDangerAction } from "~/services/danger-zone.server";
import { requireAdminShop } from "~/utils/admin-shop.server";

// /app/danger-zone — pause invoicing, delete payment keys, erase customers without invoices. Each
// confirmed by typing the shop's domain; issued invoices are never touched.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = await requireAdminShop(request);
  const waiting = await prisma.webhookEvent.count({ where: { shopId: shop.id, status: "FAILED", lastError: { startsWith: INVOICING_PAUSED } } });
  return {
    domain: shop.domain,
    pausedSince: shop.invoicingPausedAt?.toISOString().slice(0, 16).replace("T", " ") ?? null,
    waiting,
    hasKeys: Boolean(shop.mollieApiKey || shop.twikeyApiKey),
    customersWithoutInvoices: await prisma.customer.count({ where: { shopId: shop.id, invoices: { none: {} } } }),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const shop = await requireAdminShop(request);
  const form = await request.formData();
  try {
    const message = await runDangerAction(prisma, shop, { action: String(form.get("action") ?? ""), confirm: String(form.get("confirm") ?? "") }, (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined));
    return { ok: true, message, action: String(form.get("action")) };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message, action: String(form.get("action")) };
    throw error;
  }
};

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

export default function DangerZone() {
  const { domain, pausedSince, waiting, hasKeys, customersWithoutInvoices } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <Page title="Danger zone" backAction={{ url: "/app/settings" }}>
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
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
