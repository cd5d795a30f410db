import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { DownloadButton } from "~/components/authenticated-download";
import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import { ensureJob } from "~/queues.server";
import { cancelMandateInTwikey, startMandate } from "~/services/direct-debit.server";
import { requireAdminShop } from "~/utils/admin-shop.server";

// /app/customers/:id — a customer: details, payment method, invoices, SEPA mandates (invite, signing link, cancel, signed PDF).
async function load(request: Request, id: string) {
  const shop = await requireAdminShop(request);
  const customer = /^[0-9a-f-]{36}$/i.test(id) ? await prisma.customer.findFirst({ where: { id, shopId: shop.id } }) : null;
  if (!customer) throw new Response("Customer not found", { status: 404 });
  return { shop, customer };
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, customer } = await load(request, params.id ?? "");
  const [invoices, mandates] = await Promise.all([
    prisma.invoice.findMany({ where: { shopId: shop.id, customerId: customer.id }, orderBy: { createdAt: "desc" }, take: 100, select: { id: true, formattedNumber: true, kind: true, issueDate: true, currency: true, taxInclusiveTotal: true, status: true } }),
    prisma.mandate.findMany({ where: { shopId: shop.id, customerId: customer.id }, orderBy: { createdAt: "desc" }, select: { id: true, mndtId: true, status: true, scheme: true, iban: true, signedAt: true, cancelledAt: true, cancelReason: true, inviteUrl: true, pdf: false, createdAt: true } }),
  ]);
  const withPdf = new Set((await prisma.mandate.findMany({ where: { customerId: customer.id, pdf: { not: null } }, select: { id: true } })).map((m) => m.id));
  return {
    twikey: Boolean(shop.twikeyApiKey && shop.twikeyTemplateCore),
    customer: { id: customer.id, name: customer.name, companyName: customer.companyName, email: customer.email, vatNumber: customer.vatNumber, vatValid: customer.vatValid, language: customer.language, country: customer.countryCode, directDebit: customer.paymentMethod === "DIRECT_DEBIT" },
    invoices: invoices.map((i) => ({ id: i.id, number: i.formattedNumber, kind: i.kind, date: i.issueDate.toISOString().slice(0, 10), total: `${i.currency} ${i.taxInclusiveTotal.toFixed(2)}`, status: i.status.toLowerCase() })),
    mandates: mandates.map((m) => ({ id: m.id, mndtId: m.mndtId, status: m.status, scheme: m.scheme, iban: m.iban, signedAt: m.signedAt?.toISOString().slice(0, 10) ?? null, cancelled: m.cancelledAt ? `${m.cancelledAt.toISOString().slice(0, 10)}${m.cancelReason ? ` (${m.cancelReason})` : ""}` : null, inviteUrl: m.status === "PREPARED" || m.status === "INVITED" ? m.inviteUrl : null, hasPdf: withPdf.has(m.id) })),
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, customer } = await load(request, params.id ?? "");
  const form = await request.formData();
  try {
    if (form.get("intent") === "invite" || form.get("intent") === "prepare") {
      const started = await startMandate(prisma, shop.id, customer.id, { sendInvite: form.get("intent") === "invite" });
      return { ok: true, message: started.alreadyActive ? `Already signed: mandate ${started.mandateId}.` : form.get("intent") === "invite" ? `Twikey e-mails ${customer.email ?? "the customer"} an invitation to sign mandate ${started.mandateId}.` : `Mandate ${started.mandateId} prepared: share its signing link with the customer.` };
    }
    if (form.get("intent") === "cancel") {
      const mndtId = await cancelMandateInTwikey(prisma, shop.id, String(form.get("mndtId") ?? ""), customer.id);
      await ensureJob("twikey-feeds", { shopId: shop.id });
      return { ok: true, message: `Mandate ${mndtId} cancelled in Twikey.` };
    }
    return { ok: false, message: "Unknown action" };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message };
    throw error;
  }
};

export default function CustomerPage() {
  const { twikey, customer, invoices, mandates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const active = mandates.some((m) => m.status === "SIGNED");
  return (
    <Page title={customer.companyName || customer.name} backAction={{ url: "/app/direct-debit" }} titleMetadata={customer.directDebit ? <Badge tone="success">direct debit</Badge> : undefined}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
            <Card>
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">Details</Text>
                <Text as="p">{customer.name}{customer.companyName ? ` · ${customer.companyName}` : ""}{customer.email ? ` · ${customer.email}` : ""}</Text>
                <Text as="p" tone="subdued">
                  {customer.vatNumber ? `VAT ${customer.vatNumber} (${customer.vatValid === null ? "not checked" : customer.vatValid ? "valid in VIES" : "not valid in VIES"}) · ` : ""}Language {customer.language ?? "shop default"} · Country {customer.country ?? "—"} · Pays by {customer.directDebit ? "direct debit" : "transfer or online"}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">SEPA mandates</Text>
                  {twikey && !active ? (
                    <InlineStack gap="200">
                      <Form method="post">
                        <input type="hidden" name="intent" value="prepare" />
                        <Button submit loading={busy}>Prepare a signing link</Button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="intent" value="invite" />
                        <Button submit variant="primary" loading={busy} disabled={!customer.email}>E-mail an invitation</Button>
                      </Form>
                    </InlineStack>
                  ) : null}
                </InlineStack>
                {!twikey ? <Text as="p" tone="subdued">Connect Twikey under Direct debit to offer mandates.</Text> : null}
                {mandates.length === 0 ? <Text as="p" tone="subdued">No mandate.</Text> : null}
                {mandates.map((m) => (
                  <InlineStack key={m.id} gap="300" blockAlign="center" wrap>
                    <Badge tone={m.status === "SIGNED" ? "success" : m.status === "CANCELLED" ? "critical" : "attention"}>{m.status.toLowerCase()}</Badge>
                    <Text as="span">{m.mndtId} · {m.scheme}{m.iban ? ` · ${m.iban}` : ""}{m.signedAt ? ` · signed ${m.signedAt}` : ""}{m.cancelled ? ` · cancelled ${m.cancelled}` : ""}</Text>
                    {m.inviteUrl ? <Link url={m.inviteUrl} target="_blank">Signing link</Link> : null}
                    {m.hasPdf ? <DownloadButton url={`/app/customers/${customer.id}/mandates/${m.id}/pdf`} filename={`${m.mndtId}.pdf`}>Signed mandate (PDF)</DownloadButton> : null}
                    {m.status === "SIGNED" && twikey ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="cancel" />
                        <input type="hidden" name="mndtId" value={m.mndtId} />
                        <Button submit size="slim" tone="critical" variant="plain">Cancel</Button>
                      </Form>
                    ) : null}
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Invoices</Text>
                {invoices.length === 0 ? <Text as="p" tone="subdued">No invoices yet.</Text> : null}
                {invoices.map((i) => (
                  <InlineStack key={i.id} gap="300">
                    <Link url={`/app/invoices/${i.id}`}>{i.number}</Link>
                    <Text as="span">{i.kind === "CREDIT_NOTE" ? "credit note · " : ""}{i.date} · {i.total} · {i.status}</Text>
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
