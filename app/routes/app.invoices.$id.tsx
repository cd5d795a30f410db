import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Link, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import { invoiceWithHistory } from "~/models/invoice.server";
import { enqueue, ensureJob } from "~/queues.server";
import { paymentPageUrl, resendDocumentEmail } from "~/services/customer-emails.server";
import { creditInvoiceFully, recordManualPayment } from "~/services/invoice-actions.server";
import { paymentEffects } from "~/services/payment-effects.server";
import { requireAdminShop } from "~/utils/admin-shop.server";
import { DownloadButton } from "~/components/authenticated-download";

// /app/invoices/:id — one invoice: totals, payment page, payment lines, e-mails and its history.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const shop = await requireAdminShop(request);
  const invoice = await invoiceWithHistory(prisma, shop.id, params.id ?? "");
  if (!invoice) throw new Response("Invoice not found", { status: 404 });
  const money = (v: { toFixed(n: number): string }) => `${invoice.currency} ${v.toFixed(2)}`;
  const when = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  return {
    invoice: {
      id: invoice.id,
      number: invoice.formattedNumber,
      kind: invoice.kind,
      status: invoice.status,
      order: invoice.channelOrderName ?? invoice.channelOrderId,
      buyer: (invoice.buyer as { name?: string; email?: string | null }).name ?? "",
      buyerEmail: (invoice.buyer as { email?: string | null }).email ?? "",
      customerId: invoice.customerId,
      issueDate: invoice.issueDate.toISOString().slice(0, 10),
      dueDate: invoice.dueDate?.toISOString().slice(0, 10) ?? null,
      total: money(invoice.taxInclusiveTotal),
      paid: money(invoice.paidAmount),
      due: money(invoice.amountDue),
      dueAmount: invoice.amountDue.toFixed(2),
      reference: invoice.paymentReference,
      vatRegime: invoice.vatRegime,
      vatReason: invoice.vatReason,
      paymentPage: invoice.publicToken ? paymentPageUrl(invoice.publicToken) : null,
      hasPdf: invoice.documents.some((d) => d.format === "PDF"),
      canCollect: invoice.status === "ISSUED" && invoice.kind === "INVOICE" && Boolean(shop.twikeyApiKey) && !invoice.payments.some((p) => p.collectionFor === invoice.id) && Boolean(invoice.customerId && (await prisma.mandate.count({ where: { customerId: invoice.customerId, status: "SIGNED" } }))),
      original: invoice.original,
      creditNotes: invoice.creditNotes.map((c) => ({ id: c.id, number: c.formattedNumber, total: money(c.taxInclusiveTotal) })),
    },
    payments: invoice.payments.map((p) => ({
      id: p.id,
      when: when(p.paidAt ?? p.createdAt),
      provider: p.provider,
      status: p.status,
      amount: money(p.amount),
      refunded: p.amountRefunded.greaterThan(0) ? money(p.amountRefunded) : null,
      method: p.method,
      reference: p.externalId,
      failureReason: p.failureReason,
    })),
    emails: invoice.emails.map((e) => ({ id: e.id, kind: e.kind, step: e.step, to: e.toAddress, status: e.status, when: when(e.sentAt ?? e.updatedAt), error: e.error, subject: e.subject })),
    events: invoice.events.map((e) => ({ id: e.id, when: when(e.createdAt), type: e.type, message: e.message })),
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const shop = await requireAdminShop(request);
  const form = await request.formData();
  if (form.get("intent") === "mark-paid" || form.get("intent") === "credit") {
    try {
      if (form.get("intent") === "mark-paid") {
        await recordManualPayment(prisma, shop.id, params.id ?? "", { amount: String(form.get("amount") ?? "").replace(",", "."), paidOn: String(form.get("paidOn") ?? ""), method: String(form.get("method") ?? "") }, paymentEffects(prisma, enqueue));
      } else {
        const credited = await creditInvoiceFully(prisma, shop.id, params.id ?? "", String(form.get("reason") ?? ""), new Date());
        await enqueue("tag-shopify-order", { invoiceId: credited.creditNoteId }); // the order's status becomes "credited"
      }
      return { ok: true as const, error: null };
    } catch (error) {
      if (isAppError(error)) return { ok: false as const, error: error.message };
      throw error;
    }
  }
  if (form.get("intent") === "collect") {
    const invoice = await prisma.invoice.findFirst({ where: { id: params.id ?? "", shopId: shop.id }, select: { id: true } });
    if (!invoice) return { ok: false as const, error: "Invoice not found" };
    await ensureJob("twikey-collect", { invoiceId: invoice.id });
    return { ok: true as const, error: null };
  }
  if (form.get("intent") !== "resend") return { ok: false as const, error: "Unknown action" };
  const to = String(form.get("to") ?? "").trim();
  try {
    const { emailId } = await resendDocumentEmail(prisma, shop.id, params.id ?? "", to === "" ? null : to);
    await enqueue("send-email", { emailId });
    return { ok: true as const, error: null };
  } catch (error) {
    if (isAppError(error)) return { ok: false as const, error: error.message };
    throw error;
  }
};

const STATUS_TONE: Record<string, "success" | "critical" | "warning" | "info" | undefined> = { PAID: "success", SENT: "success", FAILED: "critical", CANCELED: "warning", EXPIRED: "warning", SKIPPED: "info", QUEUED: "info", OPEN: "info", PENDING: "info" };

export default function InvoicePage() {
  const { invoice, payments, emails, events } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [to, setTo] = useState(invoice.buyerEmail);
  const [copied, setCopied] = useState(false);
  const [amount, setAmount] = useState(invoice.dueAmount);
  const [paidOn, setPaidOn] = useState(new Date().toISOString().slice(0, 10));
  const [method, setMethod] = useState("Bank transfer");
  const [reason, setReason] = useState("");
  return (
    <Page title={`${invoice.kind === "CREDIT_NOTE" ? "Credit note" : "Invoice"} ${invoice.number}`} backAction={{ url: "/app" }} titleMetadata={<Badge tone={STATUS_TONE[invoice.status]}>{invoice.status.toLowerCase()}</Badge>}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success" title="Done: the e-mail or collection is on its way" /> : null}
            {result && !result.ok ? <Banner tone="critical" title={result.error ?? "The e-mail could not be sent"} /> : null}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Summary</Text>
                <Text as="p">Order {invoice.order} · {invoice.customerId ? <Link url={`/app/customers/${invoice.customerId}`}>{invoice.buyer}</Link> : invoice.buyer} · issued {invoice.issueDate}{invoice.dueDate ? ` · due ${invoice.dueDate}` : ""}</Text>
                <Text as="p">Total {invoice.total} · paid {invoice.paid} · outstanding <strong>{invoice.due}</strong></Text>
                {invoice.reference ? <Text as="p">Structured communication {invoice.reference}</Text> : null}
                <Text as="p" tone="subdued">VAT: {invoice.vatRegime} — {invoice.vatReason}</Text>
                <InlineStack gap="300" blockAlign="center">
                  {invoice.hasPdf ? <DownloadButton url={`/app/invoices/${invoice.id}/pdf`} filename={`${invoice.number}.pdf`}>PDF</DownloadButton> : null}
                  {invoice.hasPdf ? <DownloadButton url={`/app/invoices/${invoice.id}/ubl`} filename={`${invoice.number}.xml`}>UBL (PEPPOL)</DownloadButton> : null}
                  {invoice.paymentPage ? <Link url={invoice.paymentPage} target="_blank">Payment page</Link> : null}
                  {invoice.paymentPage ? (
                    <Button size="slim" onClick={() => void navigator.clipboard?.writeText(invoice.paymentPage!).then(() => setCopied(true))}>{copied ? "Link copied" : "Copy payment link"}</Button>
                  ) : null}
                  {invoice.original ? <Link url={`/app/invoices/${invoice.original.id}`}>Corrects {invoice.original.formattedNumber}</Link> : null}
                  {invoice.creditNotes.map((c) => <Link key={c.id} url={`/app/invoices/${c.id}`}>Credit note {c.number} ({c.total})</Link>)}
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
                      <Text as="span">{p.amount}{p.refunded ? `, refunded ${p.refunded}` : ""}</Text>
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
                  <Form method="post">
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
