import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, EmptyState, IndexTable, Layout, Link, Page, Text } from "@shopify/polaris";
import { prisma } from "~/db.server";
import { findShopByDomain, listInvoices } from "~/models/invoice.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  if (!shop) return { invoices: [], settingsComplete: false };
  const { invoices } = await listInvoices(prisma, shop.id, { take: 50 });
  return {
    settingsComplete: Boolean(shop.legalName && shop.vatNumber && shop.iban && shop.street && shop.city),
    invoices: invoices.map((i) => ({
      id: i.id,
      number: i.formattedNumber,
      kind: i.kind,
      order: i.channelOrderName,
      issueDate: i.issueDate.toISOString().slice(0, 10),
      total: `${i.currency} ${i.taxInclusiveTotal.toFixed(2)}`,
      status: i.status,
      buyer: (i.buyer as { name?: string }).name ?? "",
      hasPdf: i.documents.some((d) => d.format === "PDF"),
      partiallyPaid: i.paidAmount.greaterThan(0),
    })),
  };
};

export default function InvoicesIndex() {
  const { invoices, settingsComplete } = useLoaderData<typeof loader>();
  return (
    <Page title="Invoices">
      <Layout>
        {!settingsComplete && (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Complete your company details</Text>
                <Text as="p">
                  Facto issues no invoice until your legal name, address, VAT number and IBAN are filled in: Belgian law
                  requires them on every invoice.
                </Text>
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card padding="0">
            {invoices.length === 0 ? (
              <EmptyState heading="No invoices yet" image="">
                <p>Every new order of your shop becomes a VAT-correct invoice here.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "invoice", plural: "invoices" }}
                itemCount={invoices.length}
                selectable={false}
                headings={[{ title: "Number" }, { title: "Order" }, { title: "Customer" }, { title: "Date" }, { title: "Total" }, { title: "Status" }]}
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
                      <Badge tone={invoice.status === "PAID" ? "success" : undefined}>{invoice.status === "ISSUED" && invoice.partiallyPaid ? "partially paid" : invoice.status.toLowerCase()}</Badge>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
