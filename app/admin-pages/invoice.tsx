import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Link, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { DownloadButton } from "~/components/authenticated-download";
import type { invoiceAction, invoiceLoader } from "./invoice.server";

// One invoice (Shopify admin /app/invoices/:invoiceId, WooCommerce admin /woo/stores/:shopId/invoices/:invoiceId):
// totals, payment page, payments, actions, PEPPOL, e-mails, preview and history.
const STATUS_TONE: Record<string, "success" | "critical" | "warning" | "info" | undefined> = { PAID: "success", SENT: "success", FAILED: "critical", CANCELED: "warning", EXPIRED: "warning", SKIPPED: "info", QUEUED: "info", OPEN: "info", PENDING: "info" };

const PEPPOL_TONE: Record<string, "success" | "critical" | "warning" | "info" | undefined> = { DELIVERED: "success", ACKNOWLEDGED: "success", REJECTED: "critical", FAILED: "critical", NOT_ON_PEPPOL: "info", QUEUED: "info", SENDING: "warning" };

export function InvoicePage() {
  const { invoice, payments, emails, events, peppol, base } = useLoaderData<typeof invoiceLoader>();
  const result = useActionData<typeof invoiceAction>();
  // Inside Shopify admin (App Bridge) files come through the session token and there is no browser confirm().
  const embedded = base === "/app";
  const document = (format: "pdf" | "ubl", label: string, filename: string) =>
    embedded ? <DownloadButton url={`${base}/invoices/${invoice.id}/${format}`} filename={filename}>{label}</DownloadButton> : <Link url={`${base}/invoices/${invoice.id}/${format}`}>{label}</Link>;
  const busy = useNavigation().state !== "idle";
  const [to, setTo] = useState(invoice.buyerEmail);
  const [copied, setCopied] = useState(false);
  const [amount, setAmount] = useState(invoice.dueAmount);
  const [paidOn, setPaidOn] = useState(new Date().toISOString().slice(0, 10));
  const [method, setMethod] = useState("Bank transfer");
  const [reason, setReason] = useState("");
  return (
    <Page title={`${invoice.kind === "CREDIT_NOTE" ? "Credit note" : "Invoice"} ${invoice.number}`} backAction={{ url: base }} titleMetadata={<Badge tone={STATUS_TONE[invoice.status]}>{invoice.status.toLowerCase()}</Badge>}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success" title={result.message} /> : null}
            {result && !result.ok ? <Banner tone="critical" title={result.error ?? "The e-mail could not be sent"} /> : null}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Summary</Text>
                <Text as="p">Order {invoice.order} · {invoice.customerId ? <Link url={`${base}/customers/${invoice.customerId}`}>{invoice.buyer}</Link> : invoice.buyer} · issued {invoice.issueDate}{invoice.dueDate ? ` · due ${invoice.dueDate}` : ""}</Text>
                <Text as="p">Total {invoice.total} · paid {invoice.paid} · outstanding <strong>{invoice.due}</strong></Text>
                {invoice.reference ? <Text as="p">Structured communication {invoice.reference}</Text> : null}
                <Text as="p" tone="subdued">VAT: {invoice.vatRegime} — {invoice.vatReason}</Text>
                <InlineStack gap="300" blockAlign="center">
                  {invoice.hasPdf ? document("pdf", "PDF", `${invoice.number}.pdf`) : null}
                  {invoice.hasPdf ? document("ubl", "UBL (PEPPOL)", `${invoice.number}.xml`) : null}
                  {invoice.paymentPage ? <Link url={invoice.paymentPage} target="_blank">Payment page</Link> : null}
                  {invoice.paymentPage ? (
                    <Button size="slim" onClick={() => void navigator.clipboard?.writeText(invoice.paymentPage!).then(() => setCopied(true))}>{copied ? "Link copied" : "Copy payment link"}</Button>
                  ) : null}
                  {invoice.original ? <Link url={`${base}/invoices/${invoice.original.id}`}>Corrects {invoice.original.formattedNumber}</Link> : null}
                  {invoice.creditNotes.map((c) => <Link key={c.id} url={`${base}/invoices/${c.id}`}>Credit note {c.number} ({c.total})</Link>)}
                </InlineStack>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">Payments</Text>
                  {invoice.canCollect ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="collect" />
                      <Button submit loading={busy}>Collect via Twikey</Button>
                    </Form>
                  ) : null}
                </InlineStack>
                {payments.length === 0 ? <Text as="p" tone="subdued">No payment or payment attempt yet.</Text> : null}
                {payments.map((p) => (
                  <InlineStack key={p.id} gap="200" align="space-between">
                    <Text as="span">{p.when} · {p.provider.toLowerCase()}{p.method ? ` (${p.method})` : ""}{p.reference ? ` · ${p.reference}` : ""}{p.failureReason ? ` · ${p.failureReason}` : ""}</Text>
                    <InlineStack gap="200">
                      <Text as="span">{p.amount}{p.refunded ? `, refunded ${p.refunded}` : ""}{p.chargedBack ? `, charged back ${p.chargedBack}` : ""}</Text>
                      <Badge tone={STATUS_TONE[p.status]}>{p.status === "PAID" ? "paid" : `${p.status.toLowerCase()} — unpaid`}</Badge>
                    </InlineStack>
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
            {invoice.kind === "INVOICE" && (invoice.status === "ISSUED" || invoice.status === "PAID") ? (
              <Card>
                <BlockStack gap="300">
                  {invoice.status === "ISSUED" ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="mark-paid" />
                      <InlineStack gap="200" blockAlign="end" wrap>
                        <TextField label="Amount received" name="amount" value={amount} onChange={setAmount} autoComplete="off" />
                        <TextField label="Received on" name="paidOn" type="date" value={paidOn} onChange={setPaidOn} autoComplete="off" />
                        <TextField label="Method" name="method" value={method} onChange={setMethod} autoComplete="off" />
                        <Button submit loading={busy}>Mark paid</Button>
                      </InlineStack>
                    </Form>
                  ) : null}
                  <Form method="post" onSubmit={(e) => (embedded || confirm(`Credit the whole of ${invoice.number}?`) ? undefined : e.preventDefault())}>
                    <input type="hidden" name="intent" value="credit" />
                    <InlineStack gap="200" blockAlign="end" wrap>
                      <div style={{ minWidth: 280 }}>
                        <TextField label="Credit the whole invoice — reason (printed on the credit note)" name="reason" value={reason} onChange={setReason} autoComplete="off" />
                      </div>
                      <Button submit tone="critical" loading={busy}>Issue credit note</Button>
                    </InlineStack>
                  </Form>
                </BlockStack>
              </Card>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">PEPPOL</Text>
                  {peppol.state ? <Badge tone={PEPPOL_TONE[peppol.state]}>{peppol.label ?? ""}</Badge> : null}
                </InlineStack>
                {peppol.state ? (
                  <Text as="p">To {peppol.recipient}{peppol.when ? ` · ${peppol.when}` : ""}{peppol.attempts > 1 ? ` · ${peppol.attempts} attempts` : ""}</Text>
                ) : (
                  <Text as="p" tone="subdued">{peppol.recipient ? `Not sent over PEPPOL (customer id ${peppol.recipient}).` : "The customer has no PEPPOL id (a consumer, or no VAT number)."}</Text>
                )}
                {peppol.reason ? <Text as="p" tone={peppol.state === "FAILED" || peppol.state === "REJECTED" ? "critical" : "subdued"}>{peppol.reason}</Text> : null}
                {peppol.canSend ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="peppol-send" />
                    <Button submit loading={busy}>Send over PEPPOL</Button>
                  </Form>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">E-mails</Text>
                {emails.length === 0 ? <Text as="p" tone="subdued">No e-mail sent by Facto.</Text> : null}
                {emails.map((e) => (
                  <BlockStack key={e.id} gap="100">
                    <InlineStack gap="200" align="space-between">
                      <Text as="span">{e.when} · {e.kind.toLowerCase().replace("_", " ")}{e.step ? ` ${e.step}` : ""} to {e.to}</Text>
                      <Badge tone={STATUS_TONE[e.status]}>{e.status.toLowerCase()}</Badge>
                    </InlineStack>
                    {e.error ? <Text as="p" tone={e.status === "FAILED" ? "critical" : "subdued"}>{e.error}</Text> : null}
                  </BlockStack>
                ))}
                <Form method="post">
                  <input type="hidden" name="intent" value="resend" />
                  <InlineStack gap="200" blockAlign="end">
                    <div style={{ minWidth: 260 }}>
                      <TextField label="Send the document again to" name="to" value={to} onChange={setTo} autoComplete="email" type="email" />
                    </div>
                    <Button submit loading={busy} disabled={!invoice.hasPdf}>Send again</Button>
                  </InlineStack>
                </Form>
              </BlockStack>
            </Card>
            {invoice.previewUrl ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">Preview</Text>
                  <iframe title={`${invoice.number} PDF`} src={invoice.previewUrl} style={{ width: "100%", height: 720, border: "1px solid #e1e3e5", borderRadius: 8 }} />
                </BlockStack>
              </Card>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">History</Text>
                {events.length === 0 ? <Text as="p" tone="subdued">Nothing happened to this invoice since it was issued.</Text> : null}
                {events.map((e) => (
                  <Text as="p" key={e.id}>
                    <Text as="span" tone="subdued">{e.when}</Text> {e.message}
                  </Text>
                ))}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
