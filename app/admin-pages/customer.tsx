import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { DownloadButton } from "~/components/authenticated-download";
import type { customerAction, customerLoader } from "./customer.server";

export function CustomerPage() {
  const { twikey, customer, invoices, mandates, peppol, base } = useLoaderData<typeof customerLoader>();
  const result = useActionData<typeof customerAction>();
  const busy = useNavigation().state !== "idle";
  const active = mandates.some((m) => m.status === "SIGNED");
  return (
    <Page title={customer.companyName || customer.name} backAction={{ url: base === "/app" ? "/app/direct-debit" : base }} titleMetadata={customer.directDebit ? <Badge tone="success">direct debit</Badge> : undefined}>
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
                  <Text as="h2" variant="headingMd">PEPPOL</Text>
                  {peppol.lookup ? <Badge tone={peppol.lookup.registered ? "success" : undefined}>{peppol.lookup.registered ? "on PEPPOL" : "not on PEPPOL"}</Badge> : null}
                </InlineStack>
                {peppol.participantId ? <Text as="p">PEPPOL id {peppol.participantId}</Text> : <Text as="p" tone="subdued">{peppol.problem}</Text>}
                {peppol.lookup ? (
                  <Text as="p" tone="subdued">
                    {peppol.lookup.registered
                      ? `Receives ${[peppol.lookup.invoice && "invoices", peppol.lookup.creditNote && "credit notes"].filter(Boolean).join(" and ") || "no BIS 3 invoices"}${peppol.lookup.accessPoint ? ` through ${peppol.lookup.accessPoint}` : ""}`
                      : (peppol.lookup.reason ?? "Not registered")}
                    {` · checked ${peppol.lookup.checkedAt}${peppol.lookup.expired ? " (expired)" : ""}`}
                  </Text>
                ) : null}
                {peppol.participantId ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="peppol-lookup" />
                    <Button submit loading={busy}>{peppol.lookup ? "Check again" : "Check PEPPOL"}</Button>
                  </Form>
                ) : null}
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
                    {m.hasPdf ? <DownloadButton url={`${base}/customers/${customer.id}/mandates/${m.id}/pdf`} filename={`${m.mndtId}.pdf`}>Signed mandate (PDF)</DownloadButton> : null}
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
                    <Link url={`${base}/invoices/${i.id}`}>{i.number}</Link>
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
