import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { runStockAction, stockOverview } from "~/services/stock.server";
import styles from "~/styles/woo.css?url";
import { csrfFor, requireStoreOfAccount, verifyCsrf } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/stock — stock per SKU as Facto keeps it, with adjustments written back to WooCommerce.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Stock — Facto" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  const { token, setCookie } = csrfFor(request);
  const overview = await stockOverview(prisma, shop.id, new URL(request.url).searchParams.get("q") ?? "");
  return Response.json({ ...overview, email: account.email, csrf: token, shopId: shop.id, domain: shop.domain }, setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined) as unknown as typeof overview & { email: string; csrf: string; shopId: string; domain: string };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  const form = await request.formData();
  verifyCsrf(request, form);
  return runStockAction(prisma, shop, "WooCommerce", form);
};

export default function WooStockPage() {
  const { items, movements, email, csrf, shopId, domain, total, pendingTotal, search } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const waiting = pendingTotal;
  return (
    <WooLayout email={email} csrf={csrf}>
      <p>
        <a href={`/woo/stores/${shopId}`}>← {domain}</a>
      </p>
      {result ? <div className="woo-banner" data-tone={result.ok ? "success" : "critical"} role={result.ok ? "status" : "alert"}>{result.message}</div> : null}
      <section className="woo-card">
        <h1>Stock</h1>
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="import" />
          <button className="woo-button" type="submit" disabled={busy}>Read stock from WooCommerce</button>
        </Form>
        {total === 0 && !search ? (
          <p className="woo-muted">Facto keeps no stock yet. Read your products from WooCommerce: Facto takes each product and variation that manages its stock and has a SKU, takes sales off as orders are invoiced, and writes your adjustments back to the store.</p>
        ) : (
          <>
            <Form method="get" className="woo-grid">
              <Field label="Find a SKU or product" name="q" defaultValue={search} />
              <button className="woo-button" type="submit">Search</button>
            </Form>
            <p className="woo-muted">{total > items.length ? `The first ${items.length} of ${total} SKUs${search ? ` matching “${search}”` : ""} — search to find the others.` : `${total} SKU${total === 1 ? "" : "s"}${search ? ` matching “${search}”` : ""}.`}</p>
            <table className="woo-table" aria-label="Stock">
              <thead>
                <tr>
                  <th>SKU</th>
                  <th>Product</th>
                  <th>In stock (Facto)</th>
                  <th>In WooCommerce</th>
                  <th>Last sync</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.id}>
                    <td>{i.sku}</td>
                    <td>{i.title}</td>
                    <td>{i.quantity}</td>
                    <td>{i.storeQuantity ?? "—"}</td>
                    <td>{i.syncedAt ?? "never"}</td>
                    <td className={i.problem ? "woo-error" : undefined}>{i.state}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {waiting > 0 ? (
              <Form method="post">
                <input type="hidden" name="csrf" value={csrf} />
                <input type="hidden" name="intent" value="sync" />
                <button className="woo-button" type="submit" disabled={busy}>{`Write ${waiting} waiting quantit${waiting === 1 ? "y" : "ies"} to WooCommerce now`}</button>
              </Form>
            ) : null}
          </>
        )}
      </section>
      {total > 0 || search ? (
        <section className="woo-card">
          <h2>Adjust stock</h2>
          <Form method="post">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="intent" value="adjust" />
            <div className="woo-grid">
              <Field label="SKU" name="sku" error={result?.errors.sku} />
              <label className="woo-field">
                <span>Change</span>
                <select name="mode" defaultValue="add">
                  <option value="add">Add or remove (e.g. +12, -3)</option>
                  <option value="set">Set to a counted quantity</option>
                </select>
              </label>
              <Field label="Quantity" name="amount" error={result?.errors.amount} />
              <Field label="Reason" name="reason" placeholder="Delivery from the supplier" error={result?.errors.reason} />
            </div>
            <button className="woo-button" type="submit" disabled={busy}>Save</button>
          </Form>
        </section>
      ) : null}
      <section className="woo-card">
        <h2>Latest movements</h2>
        {movements.length === 0 ? <p className="woo-muted">No movement yet.</p> : null}
        <ul>
          {movements.map((m) => (
            <li key={m.id}>{`${m.at} · ${m.sku} ${m.delta > 0 ? "+" : ""}${m.delta} → ${m.quantityAfter} · ${m.reason}`}</li>
          ))}
        </ul>
      </section>
    </WooLayout>
  );
}
