import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, EmptyState, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { DownloadButton } from "~/components/authenticated-download";
import type { incomingLoader } from "./incoming.server";

const KIND: Record<string, string> = { INVOICE: "Invoice", CREDIT_NOTE: "Credit note", INVOICE_RESPONSE: "Invoice response", OTHER: "Document" };

export function IncomingPage() {
  const { documents, base } = useLoaderData<typeof incomingLoader>();
  // Inside Shopify's admin a file is fetched with the session token; Facto's own admin uses its cookie.
  const embedded = base === "/app";
  const file = (id: string, format: "ubl" | "pdf", name: string, label: string) =>
    embedded ? <DownloadButton url={`${base}/incoming/${id}/${format}`} filename={name}>{label}</DownloadButton> : <Link url={`${base}/incoming/${id}/${format}`} target="_blank">{label}</Link>;
  return (
    <Page title="Incoming (PEPPOL)" backAction={{ url: base }}>
      <Layout>
        <Layout.Section>
          {documents.length === 0 ? (
            <Card>
              <EmptyState heading="Nothing received over PEPPOL yet" image="">
                <p>Invoices your suppliers send you over PEPPOL, and your customers' answers to your invoices, appear here.</p>
              </EmptyState>
            </Card>
          ) : (
            <BlockStack gap="300">
              {documents.map((d) => (
                <Card key={d.id}>
                  <BlockStack gap="100">
                    <InlineStack align="space-between">
                      <Text as="h3" variant="headingSm">{KIND[d.kind] ?? d.kind} {d.number} · {d.from}</Text>
                      <Text as="span" tone="subdued">received {d.receivedAt}</Text>
                    </InlineStack>
                    {d.response ? (
                      <Text as="p">Answers {d.response.answers ?? "?"}: {d.response.code}{d.response.reason ? ` — ${d.response.reason}` : ""}</Text>
                    ) : (
                      <Text as="p">
                        {d.issueDate ? `Issued ${d.issueDate}` : ""}{d.dueDate ? ` · due ${d.dueDate}` : ""}{d.total ? ` · total ${d.total}` : ""}{d.vat ? ` (VAT ${d.vat})` : ""}{d.due ? ` · to pay ${d.due}` : ""}{d.paymentReference ? ` · reference ${d.paymentReference}` : ""}
                      </Text>
                    )}
                    <InlineStack gap="300">
                      {file(d.id, "pdf", `${d.number}.pdf`, d.pdfIsRendered ? "PDF (rendered from the UBL)" : "PDF")}
                      {file(d.id, "ubl", `${d.number}.xml`, "UBL")}
                      <Text as="span" tone="subdued">{d.senderId}</Text>
                    </InlineStack>
                  </BlockStack>
                </Card>
              ))}
            </BlockStack>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}
