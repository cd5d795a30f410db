import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { bankSettingsAction, bankSettingsLoader } from "./bank-settings.server";

// The bank settings page of both admins (Shopify embedded, WooCommerce): Ponto connection, followed accounts,
// synchronisation state, the IBANs transfers are matched on. Routes stay thin: app.bank-settings.tsx and
// woo.stores.$shopId_.bank-settings.tsx render this component (docs/decisions/027-ponto.md).

const STATUS: Record<string, { label: string; tone: "success" | "attention" | "critical" | "info" | undefined }> = {
  ACTIVE: { label: "Connected", tone: "success" },
  PENDING: { label: "Waiting for Ponto", tone: "attention" },
  REAUTHORIZATION_REQUIRED: { label: "Reconnect needed", tone: "critical" },
  DISCONNECTED: { label: "Not connected", tone: undefined },
};

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Brussels" }) : "never");

export function BankSettingsPage() {
  const { ponto, shopIban, matchingIbans, shopIbanFollowed, returned, returnedMessage } = useLoaderData<typeof bankSettingsLoader>();
  const result = useActionData<typeof bankSettingsAction>();
  const busy = useNavigation().state !== "idle";
  const [followed, setFollowed] = useState<Set<string>>(() => new Set(ponto.accounts.filter((a) => a.followed).map((a) => a.id)));
  useEffect(() => setFollowed(new Set(ponto.accounts.filter((a) => a.followed).map((a) => a.id))), [ponto.accounts]);
  // Ponto's authorization page cannot be framed: the whole window goes there (out of Shopify's iframe too).
  useEffect(() => {
    if (result?.redirectTo) window.open(result.redirectTo, "_top");
  }, [result]);
  // The authorization was finished by this load: its one-time code leaves the address bar (a reload repeats nothing).
  useEffect(() => {
    const here = new URL(window.location.href);
    if (!here.searchParams.has("ponto_state")) return;
    for (const key of ["ponto_state", "ponto_code", "ponto_error"]) here.searchParams.delete(key);
    window.history.replaceState(window.history.state, "", here.toString());
  }, []);
  const status = ponto.status ?? "DISCONNECTED";
  const connected = status === "ACTIVE";
  const badge = STATUS[status] ?? { label: status, tone: undefined };
  const connectForm = (label: string, primary = true) => (
    <Form method="post">
      <input type="hidden" name="intent" value="connect" />
      <Button submit variant={primary ? "primary" : "secondary"} loading={busy} disabled={!ponto.configured}>{label}</Button>
    </Form>
  );
  return (
    <Page title="Bank settings">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result && !result.redirectTo ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
            {returned === "connected" && !result ? <Banner tone="success" title="Ponto is connected. Choose the accounts Facto follows." /> : null}
            {returned === "failed" && !result ? <Banner tone="critical" title={`Ponto was not connected${returnedMessage ?? ponto.lastError ? `: ${returnedMessage ?? ponto.lastError}` : ""}`} /> : null}
            {!ponto.configured ? (
              <Banner tone="info" title="Ponto is not set up on this Facto installation">
                <p>The operator sets PONTO_CLIENT_ID, PONTO_CLIENT_SECRET and the client certificate (PONTO_CERT_PATH, PONTO_KEY_PATH). Statements can still be imported on the Bank statements page.</p>
              </Banner>
            ) : null}
            {status === "REAUTHORIZATION_REQUIRED" ? (
              <Banner tone="critical" title="Ponto's access to your bank has expired">
                <BlockStack gap="200">
                  <p>{ponto.lastError ?? "Your bank asks you to renew the authorization (usually every 180 days)."} Until you reconnect, no transfer is matched automatically.</p>
                  {connectForm("Reconnect Ponto")}
                </BlockStack>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingMd">Ponto</Text>
                  <Badge tone={badge.tone}>{badge.label}</Badge>
                </InlineStack>
                <Text as="p" tone="subdued">
                  Ponto (Isabel Group) reads your bank accounts for Facto: every transfer with an invoice&apos;s structured communication marks the invoice paid, as an imported statement does.
                </Text>
                {connected ? (
                  <BlockStack gap="200">
                    <Text as="p">Connected since {when(ponto.connectedAt)}. Last synchronisation: {when(ponto.lastSyncAt)}{ponto.lastSyncState ? ` (${ponto.lastSyncState.toLowerCase()})` : ""}.</Text>
                    {ponto.lastError ? <Banner tone="warning" title={`Last synchronisation problem: ${ponto.lastError}`} /> : null}
                    <InlineStack gap="200">
                      <Form method="post">
                        <input type="hidden" name="intent" value="sync" />
                        <Button submit variant="primary" loading={busy}>Sync now</Button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="intent" value="refresh-accounts" />
                        <Button submit loading={busy}>Reload accounts</Button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="intent" value="disconnect" />
                        <Button submit tone="critical" variant="plain">Disconnect Ponto</Button>
                      </Form>
                    </InlineStack>
                  </BlockStack>
                ) : status !== "REAUTHORIZATION_REQUIRED" ? (
                  connectForm("Connect Ponto")
                ) : null}
              </BlockStack>
            </Card>
            {ponto.accounts.length ? (
              <Card>
                <Form method="post">
                  <input type="hidden" name="intent" value="accounts" />
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">Accounts Facto follows</Text>
                    {ponto.accounts.map((a) => (
                      <BlockStack key={a.id} gap="100">
                        <Checkbox
                          label={`${a.iban.replace(/(.{4})/g, "$1 ").trim()} (${a.currency})${a.description ? ` — ${a.description}` : ""}`}
                          checked={followed.has(a.id)}
                          onChange={(on) => setFollowed((prev) => { const next = new Set(prev); if (on) next.add(a.id); else next.delete(a.id); return next; })}
                        />
                        <Text as="span" tone={a.lastSyncState === "ERROR" ? "critical" : "subdued"}>
                          Last synchronised {when(a.lastSyncAt)}{a.lastError ? ` — ${a.lastError}` : ""}
                        </Text>
                      </BlockStack>
                    ))}
                    {/* The followed accounts travel as hidden fields (the checkboxes only drive the state). */}
                    {[...followed].map((id) => <input key={id} type="hidden" name="account" value={id} />)}
                    <InlineStack><Button submit loading={busy}>Save accounts</Button></InlineStack>
                  </BlockStack>
                </Form>
              </Card>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">IBANs used for matching</Text>
                {matchingIbans.length ? <List>{matchingIbans.map((i) => <List.Item key={i}>{i}</List.Item>)}</List> : <Text as="p" tone="subdued">No IBAN yet: set the shop&apos;s IBAN in the settings (it is printed on your invoices).</Text>}
                <Text as="p" tone="subdued">
                  {shopIban ? `Your invoices ask customers to pay to ${shopIban}. ` : ""}Credits on these accounts carrying an open invoice&apos;s structured communication (or RF reference) are booked on it; the rest waits on the Bank statements page.
                </Text>
                {connected && shopIban && !shopIbanFollowed ? <Banner tone="warning" title={`${shopIban}, the IBAN on your invoices, is not among the accounts Facto follows in Ponto`} /> : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
