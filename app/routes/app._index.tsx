import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Layout, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { prisma } from "~/db.server";
import { missingInvoiceSettings } from "~/domain/shop/missing-invoice-settings";
import { searchInvoices, type InvoiceSearch } from "~/models/invoice.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";
import { dashboard, retryFailedEvents } from "~/models/dashboard.server";
import { ensureJob } from "~/queues.server";
import { downloadWithSessionToken } from "~/components/authenticated-download";
import { isAppError } from "~/errors/app-error";
import { issueHeldOrderAsComputed, listVatHolds, type HeldOrder } from "~/services/held-orders.server";
import { PEPPOL_STATE_LABEL } from "~/services/send-peppol-document.server";

// /app — the invoices: search, filters, pages of 50 (keyset), exports for the accountant and the bank.
const STATUSES = ["ISSUED", "PAID", "CREDITED", "CANCELLED", "OVERDUE"] as const;

// "Retry" on the sync health card: failed webhook events go back to the queue.
// "Issue as computed by Facto" on an order held for its VAT (decision 017): issued with Facto's figures, recorded.
export const action = async ({ request }: ActionFunctionArgs) => {
  const shop = await requireAdminShop(request);
  const form = await request.formData();
  const requeue = (eventId: string) => ensureJob("process-webhook", { eventId }).then(() => undefined);
  if (form.get("intent") === "issue-as-computed") {
    try {
      const { orderName } = await issueHeldOrderAsComputed(prisma, shop.id, String(form.get("eventId") ?? ""), new Date(), requeue);
      return { ok: true, message: `Order ${orderName} is being invoiced with Facto's VAT; your choice is recorded on the invoice's history.` };
    } catch (error) {
      if (isAppError(error) && !error.retryable) return { ok: false, message: error.message };
      throw error;
    }
  }
  const retried = await retryFailedEvents(prisma, shop.id, requeue);
  return { ok: true, retried, message: `${retried} failed event(s) sent back to be processed.` };
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = await requireAdminShop(request);
  const url = new URL(request.url);
  const p = (k: string) => url.searchParams.get(k)?.trim() || null;
  const status = p("status");
  const search: InvoiceSearch = {
    q: p("q"),
    status: STATUSES.includes(status as (typeof STATUSES)[number]) ? (status as InvoiceSearch["status"]) : null,
    from: /^\d{4}-\d{2}-\d{2}$/.test(p("from") ?? "") ? p("from") : null,
    to: /^\d{4}-\d{2}-\d{2}$/.test(p("to") ?? "") ? p("to") : null,
    peppol: p("peppol") === "NOT_DELIVERED" ? "NOT_DELIVERED" : null,
    cursor: p("cursor"),
    take: 50,
  };
  const { invoices, nextCursor } = await searchInvoices(prisma, shop.id, search);
  const board = await dashboard(prisma, shop.id);
  const held = await listVatHolds(prisma, shop.id);
  const today = new Date().toISOString().slice(0, 10);
  return {
    missing: missingInvoiceSettings(shop),
    // Shopify refused Facto's access to protected customer data (decision 015, README "Real Shopify").
    customerDataDenied: shop.customerDataDeniedAt ? { at: shop.customerDataDeniedAt.toISOString().slice(0, 16).replace("T", " "), reason: shop.customerDataDeniedReason ?? "" } : null,
    board,
    held,
    filtered: Boolean(search.q || search.status || search.from || search.to || search.peppol || search.cursor),
    nextCursor,
    invoices: invoices.map((i) => ({
      id: i.id,
      number: i.formattedNumber,
      kind: i.kind,
      order: i.channelOrderName,
      issueDate: i.issueDate.toISOString().slice(0, 10),
      total: `${i.currency} ${i.taxInclusiveTotal.toFixed(2)}`,
      status: i.status === "ISSUED" && i.kind === "INVOICE" && i.dueDate && i.dueDate.toISOString().slice(0, 10) < today ? "overdue" : i.status === "ISSUED" && i.paidAmount.greaterThan(0) ? "partially paid" : i.kind === "CREDIT_NOTE" ? "credit note" : i.status.toLowerCase(),
      buyer: (i.buyer as { companyName?: string | null; name?: string }).companyName || (i.buyer as { name?: string }).name || "",
      hasPdf: i.documents.some((d) => d.format === "PDF"),
      peppol: i.peppolDelivery ? (PEPPOL_STATE_LABEL[i.peppolDelivery.state] ?? i.peppolDelivery.state) : "",
    })),
  };
};

/** Where the setting that releases a held order is changed, per cause. */
const FIX_URL: Record<string, { url: string; label: string } | undefined> = {
  OSS_NOT_ENABLED: { url: "/app/settings", label: "Open settings (OSS destination taxation)" },
  OSS_NOT_CHARGED_BY_SHOP: { url: "/app/settings", label: "Open settings (OSS destination taxation)" },
  PRODUCT_CLASS: { url: "/app/products", label: "Open VAT of products" },
  NO_VAT_CHARGED: { url: "/app/products", label: "Open VAT of products" },
};

/** Orders held because the VAT the shop charged differs from Facto's: the cause, what to do, and the two ways out. */
function HeldOrders({ held, busy }: { held: HeldOrder[]; busy: boolean }) {
  return (
    <Banner tone="critical" title={`${held.length} order(s) not invoiced: the VAT your shop charged differs from Facto's`}>
      <BlockStack gap="400">
        <Text as="p">
          An invoice must charge the VAT the customer paid. Fix the setting named below and save it: the order is checked again and invoiced. Or issue the invoice with Facto&apos;s VAT (your choice is recorded on the
          invoice&apos;s history).
        </Text>
        {held.map((h) => (
          <div key={h.eventId} data-testid="held-order">
            <BlockStack gap="200">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h3" variant="headingSm">{`Order ${h.orderName}`}</Text>
                <Badge tone="critical">{h.causeLabel}</Badge>
                <Text as="span" tone="subdued">{`held ${h.heldAt} UTC`}</Text>
              </InlineStack>
              <Text as="p">{h.explanation}</Text>
              <InlineStack gap="300" blockAlign="center">
                {h.cause && FIX_URL[h.cause] ? <Link url={FIX_URL[h.cause]!.url}>{FIX_URL[h.cause]!.label}</Link> : null}
                <Form method="post">
                  <input type="hidden" name="intent" value="issue-as-computed" />
                  <input type="hidden" name="eventId" value={h.eventId} />
                  <Button submit size="slim" disabled={busy}>Issue as computed by Facto</Button>
                </Form>
              </InlineStack>
            </BlockStack>
          </div>
        ))}
      </BlockStack>
    </Banner>
  );
}

/** The period's ZIP for the accountant. Returns an error message or null. */
function downloadExport(from: string, to: string): Promise<string | null> {
  return downloadWithSessionToken(`/app/exports/zip?from=${from}&to=${to}`, `facto-${from}-to-${to}.zip`);
}

const TONE: Record<string, "success" | "critical" | "warning" | "info" | undefined> = { paid: "success", overdue: "critical", "partially paid": "warning", credited: "info", "credit note": "info" };

export default function InvoicesIndex() {
  const { invoices, nextCursor, missing, filtered, board, customerDataDenied, held } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const [q, setQ] = useState(params.get("q") ?? "");
  const [status, setStatus] = useState(params.get("status") ?? "");
  const [peppolFilter, setPeppolFilter] = useState(params.get("peppol") ?? "");
  const [from, setFrom] = useState(params.get("from") ?? "");
  const [to, setTo] = useState(params.get("to") ?? "");
  const firstOfMonth = new Date().toISOString().slice(0, 8) + "01";
  const [exportError, setExportError] = useState<string | null>(null);
  return (
    <Page
      title="Invoices"
      secondaryActions={[{ content: "Export for the accountant (ZIP)", onAction: () => void downloadExport(from || firstOfMonth, to || new Date().toISOString().slice(0, 10)).then(setExportError) }]}
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
            <HeldOrders held={held} busy={busy} />
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
                  <svg width="168" height="48" role="img" aria-label="Invoices issued per day over the last 14 days">
                    {board.perDay.map((d, i) => {
                      const max = Math.max(1, ...board.perDay.map((x) => x.count));
                      const h = Math.round((d.count / max) * 44);
                      return <rect key={d.day} x={i * 12} y={48 - h} width="9" height={h} fill="#1f4e79"><title>{`${d.day}: ${d.count}`}</title></rect>;
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
                      <Button submit size="slim">Retry failed events</Button>
                    </Form>
                  ) : null}
                </BlockStack>
              </Card>
            </InlineStack>
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
                      <Link url={`/app/invoices/${invoice.id}`}>{invoice.number}</Link>
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
              <Button url={`/app?${new URLSearchParams({ ...Object.fromEntries(params), cursor: nextCursor }).toString()}`}>Older invoices</Button>
            </InlineStack>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
