import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Button, Card, Checkbox, InlineStack, Layout, Link, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { CsrfField } from "~/admin-pages/invoices";
import { NamedTable } from "~/admin-pages/table";
import { prisma } from "~/db.server";
import { collectableInvoices, customersWithMandates } from "~/models/customers.server";
import { requireWooPage } from "~/utils/woo-auth.server";

// /woo/stores/:shopId/customers — inside the store's layout (woo.stores.$shopId.tsx): the store's customers with
// their mandate status, and the pain.008 file for the owner's bank (open invoices of customers with a signed mandate).
export const meta: MetaFunction = () => [{ title: "Customers — Facto" }];

const MANDATE_LABEL: Record<string, string> = { SIGNED: "✔ signed", PREPARED: "… prepared", INVITED: "✉ invited", CANCELLED: "✖ cancelled", EXPIRED: "✖ expired" };

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, base, csrf } = await requireWooPage(request, params.shopId ?? "");
  const [customers, collectable] = await Promise.all([customersWithMandates(prisma, shop.id), collectableInvoices(prisma, shop.id)]);
  return { base, csrf, customers, collectable };
};

export default function WooCustomers() {
  const { base, csrf, customers, collectable } = useLoaderData<typeof loader>();
  const [collectionDate, setCollectionDate] = useState(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10));
  const [picked, setPicked] = useState(() => new Set(collectable.map((i) => i.id)));
  return (
    <Page title="Customers" backAction={{ url: base }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card padding={customers.length ? "0" : "400"}>
              {customers.length === 0 ? (
                <Text as="p" tone="subdued">No customers yet: they appear with their first invoice.</Text>
              ) : (
                <NamedTable
                  label="Customers"
                  headings={["Customer", "E-mail", "SEPA mandate", "Pays by"]}
                  rows={customers.map((c) => ({
                    key: c.id,
                    cells: [
                      <Link key="n" url={`${base}/customers/${c.id}`}>{c.name}</Link>,
                      c.email ?? "—",
                      c.mandate ? `${MANDATE_LABEL[c.mandate.status] ?? c.mandate.status.toLowerCase()} ${c.mandate.id}${c.mandate.iban ? ` · ${c.mandate.iban}` : ""}` : "—",
                      c.directDebit ? "direct debit" : "transfer / online",
                    ],
                  }))}
                />
              )}
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">Collect through your own bank (pain.008)</Text>
                {collectable.length === 0 ? (
                  <Text as="p" tone="subdued">No open invoice of a customer with a signed mandate.</Text>
                ) : (
                  // A document post: the answer is the file itself.
                  <form method="post" action={`${base}/exports/pain008`}>
                    <CsrfField csrf={csrf} />
                    <BlockStack gap="200">
                      {collectable.map((i) => (
                        <div key={i.id}>
                          <Checkbox
                            label={`${i.number} · ${i.buyer} · ${i.amount}`}
                            checked={picked.has(i.id)}
                            onChange={(on) => setPicked((s) => { const next = new Set(s); if (on) next.add(i.id); else next.delete(i.id); return next; })}
                          />
                          {picked.has(i.id) ? <input type="hidden" name="invoiceId" value={i.id} /> : null}
                        </div>
                      ))}
                      <InlineStack gap="300" blockAlign="end">
                        <TextField label="Collection date" name="collectionDate" type="date" value={collectionDate} onChange={setCollectionDate} autoComplete="off" requiredIndicator />
                        <Button submit>Download pain.008</Button>
                      </InlineStack>
                    </BlockStack>
                  </form>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
