import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Link, Page, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import type { peppolAction, peppolLoader } from "./peppol.server";

const REGISTRATION_TONE: Record<string, "success" | "critical" | "attention" | undefined> = { ACTIVE: "success", FAILED: "critical", PENDING: "attention" };
const REGISTRATION_TEXT: Record<string, string> = { NONE: "not registered", PENDING: "pending — identity check", ACTIVE: "active", FAILED: "failed" };

export function PeppolPage() {
  const { configured, provider, participantId, participantProblem, registration, settings, deliveries, base } = useLoaderData<typeof peppolLoader>();
  const result = useActionData<typeof peppolAction>();
  const busy = useNavigation().state !== "idle";
  const [mode, setMode] = useState<string>(settings.mode);
  const [email, setEmail] = useState<string>(settings.email);
  return (
    <Page title="PEPPOL e-invoicing" backAction={{ url: base }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success" title={result.message} /> : null}
            {result && !result.ok ? <Banner tone="critical" title={result.error} /> : null}
            {!configured ? <Banner tone="warning" title="PEPPOL is not configured on this Facto installation (no Access Point provider key)." /> : null}
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">Your company on PEPPOL</Text>
                  <Badge tone={REGISTRATION_TONE[registration.state]}>{REGISTRATION_TEXT[registration.state] ?? registration.state}</Badge>
                </InlineStack>
                <Text as="p">
                  PEPPOL id: {participantId ?? <Text as="span" tone="critical">{participantProblem}</Text>}
                  {provider ? ` · through ${provider}` : ""}
                  {registration.state !== "NONE" ? (registration.receivingHere ? " · sending and receiving" : " · sending only (you receive through another Access Point)") : ""}
                </Text>
                {registration.state === "PENDING" && registration.verificationUrl ? (
                  <Text as="p">
                    Confirm your identity with the provider to finish: <Link url={registration.verificationUrl} target="_blank">identity check</Link>
                  </Text>
                ) : null}
                {registration.state === "FAILED" && registration.error ? <Text as="p" tone="critical">Reason: {registration.error}</Text> : null}
                <InlineStack gap="200">
                  {registration.state === "NONE" || registration.state === "FAILED" ? (
                    <>
                      <Form method="post">
                        <input type="hidden" name="intent" value="register" />
                        <Button submit variant="primary" loading={busy} disabled={!configured || !participantId}>Register my company</Button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="intent" value="register-elsewhere" />
                        <Button submit loading={busy} disabled={!configured || !participantId}>I already receive through another Access Point</Button>
                      </Form>
                    </>
                  ) : null}
                  {registration.state === "PENDING" ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="refresh" />
                      <Button submit loading={busy}>Check again</Button>
                    </Form>
                  ) : null}
                </InlineStack>
              </BlockStack>
            </Card>
            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="settings" />
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Sending</Text>
                  <Select
                    label="Invoices and credit notes to businesses on PEPPOL"
                    name="mode"
                    value={mode}
                    onChange={setMode}
                    options={[
                      { label: "Send automatically after issuing", value: "AUTOMATIC" },
                      { label: "Send when I ask (invoice page)", value: "MANUAL" },
                      { label: "Never send over PEPPOL", value: "NEVER" },
                    ]}
                  />
                  <Select
                    label="Customer e-mail"
                    name="email"
                    value={email}
                    onChange={setEmail}
                    options={[
                      { label: "Only when the document cannot go over PEPPOL (fallback)", value: "FALLBACK" },
                      { label: "Always, also when delivered over PEPPOL", value: "ALWAYS" },
                    ]}
                  />
                  <InlineStack>
                    <Button submit loading={busy}>Save</Button>
                  </InlineStack>
                </BlockStack>
              </Form>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Deliveries</Text>
                {Object.keys(deliveries).length === 0 ? <Text as="p" tone="subdued">Nothing sent over PEPPOL yet.</Text> : null}
                {Object.entries(deliveries).map(([state, count]) => (
                  <Text as="p" key={state}>{state.toLowerCase().replace(/_/g, " ")}: {count}</Text>
                ))}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
