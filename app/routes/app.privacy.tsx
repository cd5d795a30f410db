import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card, EmptyState, IndexTable, Layout, Link, Page, Text } from "@shopify/polaris";
import { prisma } from "~/db.server";
import { findShopByDomain } from "~/models/invoice.server";
import { authenticate } from "~/shopify.server";

// GET /app/privacy — customers' data requests (Shopify customers/data_request) with their exports.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShopByDomain(prisma, "SHOPIFY", session.shop);
  const requests = shop
    ? await prisma.dataRequest.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "desc" }, take: 100, select: { id: true, email: true, customerExternalId: true, createdAt: true } })
    : [];
  return { requests: requests.map((r) => ({ ...r, createdAt: r.createdAt.toISOString().slice(0, 16).replace("T", " ") })) };
};

export default function Privacy() {
  const { requests } = useLoaderData<typeof loader>();
  return (
    <Page title="Customer data requests" backAction={{ url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            {requests.length === 0 ? (
              <EmptyState heading="No data requests" image="">
                <p>When a customer asks Shopify for their data, Facto prepares an export of what it holds here.</p>
              </EmptyState>
            ) : (
              <IndexTable resourceName={{ singular: "request", plural: "requests" }} itemCount={requests.length} selectable={false} headings={[{ title: "Received" }, { title: "Customer" }, { title: "Export" }]}>
                {requests.map((r, i) => (
                  <IndexTable.Row id={r.id} key={r.id} position={i}>
                    <IndexTable.Cell>{r.createdAt}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span">{r.email ?? r.customerExternalId ?? "—"}</Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Link url={`/app/privacy/${r.id}/export`} target="_blank">Download JSON</Link>
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
