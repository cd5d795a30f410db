import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { collectableInvoices, customersWithMandates } from "~/models/customers.server";
import styles from "~/styles/woo.css?url";
import { csrfFor, requireStoreOfAccount } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/customers — the store's customers with their mandate status, and the pain.008
// file for the owner's bank (open invoices of customers with a signed mandate).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Customers — Facto" }];

const MANDATE_LABEL: Record<string, string> = { SIGNED: "✔ signed", PREPARED: "… prepared", INVITED: "✉ invited", CANCELLED: "✖ cancelled", EXPIRED: "✖ expired" };

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  const { token, setCookie } = csrfFor(request);
  const [customers, collectable] = await Promise.all([customersWithMandates(prisma, shop.id), collectableInvoices(prisma, shop.id)]);
  const data = { email: account.email, csrf: token, shopId: shop.id, domain: shop.domain, customers, collectable };
  return Response.json(data, setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined) as unknown as typeof data;
};

export default function WooCustomers() {
  const { email, csrf, shopId, domain, customers, collectable } = useLoaderData<typeof loader>();
  const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  return (
    <WooLayout email={email} csrf={csrf}>
      <p>
        <a href={`/woo/stores/${shopId}`}>← {domain}</a>
      </p>
      <section className="woo-card">
        <h1>Customers</h1>
        {customers.length === 0 ? (
          <p className="woo-muted">No customers yet: they appear with their first invoice.</p>
        ) : (
          <table className="woo-table" aria-label="Customers">
            <thead>
              <tr>
                <th>Customer</th>
                <th>E-mail</th>
                <th>SEPA mandate</th>
                <th>Pays by</th>
              </tr>
            </thead>
            <tbody>
              {customers.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={`/woo/stores/${shopId}/customers/${c.id}`}>{c.name}</a>
                  </td>
                  <td>{c.email ?? "—"}</td>
                  <td>{c.mandate ? `${MANDATE_LABEL[c.mandate.status] ?? c.mandate.status.toLowerCase()} ${c.mandate.id}${c.mandate.iban ? ` · ${c.mandate.iban}` : ""}` : "—"}</td>
                  <td>{c.directDebit ? "direct debit" : "transfer / online"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="woo-card">
        <h2>Collect through your own bank (pain.008)</h2>
        {collectable.length === 0 ? (
          <p className="woo-muted">No open invoice of a customer with a signed mandate.</p>
        ) : (
          <form method="post" action={`/woo/stores/${shopId}/exports/pain008`}>
            <input type="hidden" name="csrf" value={csrf} />
            {collectable.map((i) => (
              <label key={i.id} style={{ display: "block" }}>
                <input type="checkbox" name="invoiceId" value={i.id} defaultChecked /> {i.number} · {i.buyer} · {i.amount}
              </label>
            ))}
            <label className="woo-field">
              <span>Collection date</span>
              <input type="date" name="collectionDate" defaultValue={tomorrow} required />
            </label>
            <button className="woo-button" type="submit">Download pain.008</button>
          </form>
        )}
      </section>
    </WooLayout>
  );
}
