import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import type { bankAction, bankLoader } from "./bank.server";

const REASONS: Record<string, string> = {
  DEBIT: "Debit (refund, return, costs)",
  NO_REFERENCE: "No reference",
  UNKNOWN_REFERENCE: "Reference of no open invoice",
  INVALID_CHECK_DIGITS: "Structured communication with wrong check digits",
  CURRENCY: "Other currency than the invoice",
  AMBIGUOUS: "Names several invoices",
  BOOKED_FROM_OTHER_FILE: "Same transfer already booked from another statement file",
  INVOICE_NUMBER: "Mentions the invoice number",
  ORDER_NUMBER: "Mentions the order number",
};

function AssignForm({ row, invoices }: { row: ReturnType<typeof useLoaderData<typeof bankLoader>>["rows"][number]; invoices: { id: string; label: string }[] }) {
  const busy = useNavigation().state !== "idle";
  return (
    <InlineStack gap="200" blockAlign="center" wrap={false}>
      <Form method="post" style={{ display: "flex", gap: 8 }}>
        <input type="hidden" name="intent" value="assign" />
        <input type="hidden" name="transactionId" value={row.id} />
        <select style={{ maxWidth: 220 }} name="invoiceId" aria-label={`Invoice for the transaction of ${row.bookingDate} ${row.currency} ${row.amount}`} defaultValue={row.proposal?.invoiceId ?? ""} required>
          <option value="" disabled>Choose an invoice…</option>
          {invoices.map((i) => (
            <option key={i.id} value={i.id}>{i.label}</option>
          ))}
        </select>
        <Button submit variant="primary" loading={busy}>{row.proposal ? `Confirm ${row.proposal.formattedNumber}` : "Assign"}</Button>
      </Form>
      <Form method="post">
        <input type="hidden" name="intent" value="ignore" />
        <input type="hidden" name="transactionId" value={row.id} />
        <Button submit variant="plain">Set aside</Button>
      </Form>
    </InlineStack>
  );
}

export function BankPage() {
  const { rows, openInvoices, matched, iban } = useLoaderData<typeof bankLoader>();
  const result = useActionData<typeof bankAction>();
  const busy = useNavigation().state !== "idle";
  return (
    <Page title="Bank statements">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
            <Card>
              <Form method="post" encType="multipart/form-data">
                <input type="hidden" name="intent" value="import" />
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">Import a statement</Text>
                  <Text as="p" tone="subdued">
                    CODA (.cod) or ISO 20022 camt.053 (.xml) as your bank or CodaBox delivers it{iban ? ` for ${iban}` : ""}. Transfers with an invoice&apos;s structured communication mark it paid;
                    importing the same file again changes nothing. {matched} transaction(s) booked so far.
                  </Text>
                  <InlineStack gap="200" blockAlign="center">
                    <input type="file" name="statement" aria-label="Statement file" accept=".cod,.coda,.txt,.xml,.cod.txt" required />
                    <Button submit loading={busy}>Import</Button>
                  </InlineStack>
                </BlockStack>
              </Form>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Unmatched ({rows.length})</Text>
                {rows.length === 0 ? (
                  <Text as="p" tone="subdued">Every imported transaction is booked or set aside.</Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "numeric", "text", "text", "text", "text"]}
                    headings={["Date", "Amount", "Counterparty", "Communication", "Why", "Assign"]}
                    rows={rows.map((r) => [r.bookingDate, `${r.currency} ${r.amount}`, r.counterparty, r.communication, REASONS[r.reason] ?? r.reason, <AssignForm key={r.id} row={r} invoices={openInvoices} />])}
                  />
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
