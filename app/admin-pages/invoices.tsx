import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Layout, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState, type ReactNode } from "react";
import { downloadWithSessionToken } from "~/components/authenticated-download";
import type { HeldOrder } from "~/services/held-orders.server";
import type { invoicesAction, invoicesLoader } from "./invoices.server";

// The invoices and the dashboard, shared by the Shopify admin (/app) and a WooCommerce store's page
// (/woo/stores/:shopId). `csrf` is the WooCommerce admin's double-submit token (its forms carry it).

/** A WooCommerce admin form's CSRF field (the Shopify admin's forms have none: App Bridge's session token). */
export function CsrfField({ csrf }: { csrf?: string | undefined }) {
  return csrf ? <input type="hidden" name="csrf" value={csrf} /> : null;
}

/** Where the setting that releases a held order is changed, per cause. */
function fixUrl(cause: string | null | undefined, base: string): { url: string; label: string } | null {
  const settings = `${base}/settings`;
  if (cause === "OSS_NOT_ENABLED" || cause === "OSS_NOT_CHARGED_BY_SHOP") return { url: settings, label: "Open settings (OSS destination taxation)" };
  if (cause === "PRODUCT_CLASS" || cause === "NO_VAT_CHARGED") return { url: `${base}/products`, label: "Open VAT of products" };
  return null;
}

/** Orders held because the VAT the shop charged differs from Facto's: the cause, what to do, and the two ways out. */
export function HeldOrders({ held, busy, base, csrf }: { held: HeldOrder[]; busy: boolean; base: string; csrf?: string | undefined }) {
  return (
    <section id="held-orders" aria-label="Orders held for their VAT">
      <Banner tone="critical" title={`${held.length} order(s) not invoiced: the VAT your shop charged differs from Facto's`}>
        <BlockStack gap="400">
          <Text as="p">
            An invoice must charge the VAT the customer paid. Fix the setting named below and save it: the order is checked again and invoiced. Or issue the invoice with Facto&apos;s VAT (your choice is recorded on the
            invoice&apos;s history).
          </Text>
          {held.map((h) => {
            const fix = fixUrl(h.cause, base);
            return (
              <div key={h.eventId} data-testid="held-order">
                <BlockStack gap="200">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h3" variant="headingSm">{`Order ${h.orderName}`}</Text>
                    <Badge tone="critical">{h.causeLabel}</Badge>
                    <Text as="span" tone="subdued">{`held ${h.heldAt} UTC`}</Text>
                  </InlineStack>
                  <Text as="p">{h.explanation}</Text>
                  <InlineStack gap="300" blockAlign="center">
                    {fix ? <Link url={fix.url}>{fix.label}</Link> : null}
                    <Form method="post">
                      <CsrfField csrf={csrf} />
                      <input type="hidden" name="intent" value="issue-as-computed" />
                      <input type="hidden" name="eventId" value={h.eventId} />
                      <Button submit size="slim" disabled={busy}>Issue as computed by Facto</Button>
                    </Form>
                  </InlineStack>
                </BlockStack>
              </div>
            );
          })}
        </BlockStack>
      </Banner>
    </section>
  );
}

const TONE: Record<string, "success" | "critical" | "warning" | "info" | undefined> = { paid: "success", overdue: "critical", "partially paid": "warning", credited: "info", "credit note": "info" };

type Loaded = Awaited<ReturnType<typeof invoicesLoader>>;

/** The month's figures, invoices per day, and sync health (with "Retry failed events"). */
export function Dashboard({ board, csrf }: { board: NonNullable<Loaded["board"]>; csrf?: string | undefined }) {
  const most = Math.max(1, ...board.perDay.map((x) => x.count));
  return (
    <section aria-label="This month">
      <InlineStack gap="400" wrap>
        {(
          [
            ["Issued this month", board.figures.issuedThisMonth],
            ["Unpaid", board.figures.unpaid],
            ["Overdue", board.figures.overdue],
            ["Collected by direct debit this month", board.figures.collectedByDirectDebit],
          ] as const
        ).map(([label, f]) => (
          <Card key={label}>
            <BlockStack gap="100">
              <Text as="h3" variant="headingSm">{label}</Text>
              <Text as="p" variant="headingLg">{f.count}</Text>
              <Text as="p" tone="subdued">EUR {f.total}</Text>
            </BlockStack>
          </Card>
        ))}
        <Card>
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">Issued per day (14 days)</Text>
            <svg width="168" height="48" role="img" aria-label={`Invoices per day, last 14 days: ${board.perDay.map((d) => d.count).join(", ")}`}>
              {board.perDay.map((d, i) => {
                const h = Math.round((d.count / most) * 44);
                return (
                  <rect key={d.day} x={i * 12} y={48 - h} width="9" height={h} fill="#1f4e79">
                    <title>{`${d.day}: ${d.count}`}</title>
                  </rect>
                );
              })}
            </svg>
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">Sync health</Text>
            <Text as="p" tone="subdued">Last webhook: {board.health.lastWebhookAt ? `${board.health.lastWebhookAt.slice(0, 16).replace("T", " ")} UTC (${board.health.lastWebhookTopic})` : "none yet"}</Text>
            <Text as="p" tone={board.health.failedEvents ? "critical" : "subdued"}>{board.health.failedEvents} failed event(s) · {board.health.failedEmails} failed e-mail(s)</Text>
            {board.health.failedEvents ? (
              <Form method="post">
                <CsrfField csrf={csrf} />
                <input type="hidden" name="intent" value="retry" />
                <Button submit size="slim">Retry failed events</Button>
              </Form>
            ) : null}
          </BlockStack>
        </Card>
      </InlineStack>
    </section>
  );
}

/** The invoices page. `top` goes above the dashboard (the WooCommerce store's connection card); `csrf` is put in every form. */
export function InvoicesPage({ title = "Invoices", subtitle, csrf, top }: { title?: string; subtitle?: string | undefined; csrf?: string | undefined; top?: ReactNode }) {
  const { invoices, nextCursor, missing, filtered, board, customerDataDenied, held, base } = useLoaderData<Loaded>();
  const result = useActionData<typeof invoicesAction>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const [q, setQ] = useState(params.get("q") ?? "");
  const [status, setStatus] = useState(params.get("status") ?? "");
  const [peppolFilter, setPeppolFilter] = useState(params.get("peppol") ?? "");
  const [from, setFrom] = useState(params.get("from") ?? "");
  const [to, setTo] = useState(params.get("to") ?? "");
  const firstOfMonth = new Date().toISOString().slice(0, 8) + "01";
  const [exportError, setExportError] = useState<string | null>(null);
  const exportFrom = from || firstOfMonth;
  const exportTo = to || new Date().toISOString().slice(0, 10);
  return (
    <Page
      title={title}
      subtitle={subtitle}
      secondaryActions={[
        {
          content: "Export for the accountant (ZIP)",
          onAction: () => void downloadWithSessionToken(`${base}/exports/zip?from=${exportFrom}&to=${exportTo}`, `facto-${exportFrom}-to-${exportTo}.zip`).then(setExportError),
        },
      ]}
    >
      <Layout>
        {exportError ? (
          <Layout.Section>
            <Banner tone="critical" title={exportError} onDismiss={() => setExportError(null)} />
          </Layout.Section>
        ) : null}
        {result?.message ? (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
          </Layout.Section>
        ) : null}
        {held.length > 0 ? (
          <Layout.Section>
            <HeldOrders held={held} busy={busy} base={base} csrf={csrf} />
          </Layout.Section>
        ) : null}
        {customerDataDenied ? (
          <Layout.Section>
            <Banner tone="critical" title="Shopify does not give Facto your customers' names, addresses and e-mail addresses">
              <BlockStack gap="200">
                <Text as="p">
                  An invoice must name and address the buyer, so Facto cannot invoice orders it reads from Shopify until Shopify approves its access to protected customer data. Facto checks again on its own; orders
                  are invoiced as soon as access is granted.
                </Text>
                <Text as="p" tone="subdued">
                  Shopify answered on {customerDataDenied.at} UTC: {customerDataDenied.reason}
                </Text>
              </BlockStack>
            </Banner>
          </Layout.Section>
        ) : null}
        {top ? <Layout.Section>{top}</Layout.Section> : null}
        {board && board.checklist.some((c) => !c.done) ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Set up Facto</Text>
                {missing.length > 0 ? <Text as="p" tone="critical">Facto issues no invoice until these are filled in (Belgian law requires them on every invoice): {missing.join(", ")}.</Text> : null}
                {board.checklist.map((c) => (
                  <InlineStack key={c.key} gap="200" blockAlign="center">
                    <Badge tone={c.done ? "success" : "attention"}>{c.done ? "done" : "to do"}</Badge>
                    <Link url={c.url}>{c.label}</Link>
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        {board ? (
          <Layout.Section>
            <Dashboard board={board} csrf={csrf} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <Form method="get">
              <InlineStack gap="300" blockAlign="end" wrap>
                <div style={{ minWidth: 220 }}>
                  <TextField label="Search" name="q" value={q} onChange={setQ} placeholder="INV-0042, #1042 or a customer" autoComplete="off" />
                </div>
                <Select label="Status" name="status" value={status} onChange={setStatus} options={[{ label: "All", value: "" }, { label: "Open", value: "ISSUED" }, { label: "Overdue", value: "OVERDUE" }, { label: "Paid", value: "PAID" }, { label: "Credited", value: "CREDITED" }]} />
                <Select label="PEPPOL" name="peppol" value={peppolFilter} onChange={setPeppolFilter} options={[{ label: "All", value: "" }, { label: "Not delivered", value: "NOT_DELIVERED" }]} />
                <TextField label="From" name="from" type="date" value={from} onChange={setFrom} autoComplete="off" />
                <TextField label="To" name="to" type="date" value={to} onChange={setTo} autoComplete="off" />
                <Button submit loading={busy}>Filter</Button>
              </InlineStack>
            </Form>
          </Card>
        </Layout.Section>
        {held.length > 0 ? (
          <Layout.Section>
            <Text as="p" tone="critical">
              <span data-testid="held-in-list">
                {`Not invoiced yet, held for their VAT: ${held.map((h) => h.orderName).join(", ")} — `}
                <a href="#held-orders">see why and what to do</a>.
              </span>
            </Text>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            {invoices.length === 0 ? (
              <EmptyState heading={filtered ? "No invoice matches" : "No invoices yet"} image="">
                <p>{filtered ? "Change the search or the filters." : "Every new order of your shop becomes a VAT-correct invoice here."}</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "invoice", plural: "invoices" }}
                itemCount={invoices.length}
                selectable={false}
                loading={busy}
                headings={[{ title: "Number" }, { title: "Order" }, { title: "Customer" }, { title: "Date" }, { title: "Total" }, { title: "Status" }, { title: "PEPPOL" }]}
              >
                {invoices.map((invoice, index) => (
                  <IndexTable.Row id={invoice.id} key={invoice.id} position={index}>
                    <IndexTable.Cell>
                      <Link url={`${base}/invoices/${invoice.id}`}>{invoice.number}</Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{invoice.order}</IndexTable.Cell>
                    <IndexTable.Cell>{invoice.buyer}</IndexTable.Cell>
                    <IndexTable.Cell>{invoice.issueDate}</IndexTable.Cell>
                    <IndexTable.Cell>{invoice.total}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Badge tone={TONE[invoice.status]}>{invoice.status}</Badge>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{invoice.peppol}</IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
        {nextCursor ? (
          <Layout.Section>
            <InlineStack align="center">
              <Button url={`${base}?${new URLSearchParams({ ...Object.fromEntries(params), cursor: nextCursor }).toString()}`}>Older invoices</Button>
            </InlineStack>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
