import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { connectWooStore, type ConnectErrors } from "~/services/connect-woo-store.server";
import styles from "~/styles/woo.css?url";
import { csrfFor, requireAccount, verifyCsrf } from "~/routes-support/woo-auth.server";

// /woo — the account's WooCommerce stores, and connecting another one.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Your stores — Facto" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const account = await requireAccount(request);
  const { token, setCookie } = csrfFor(request);
  const links = await prisma.accountShop.findMany({
    where: { accountId: account.id },
    orderBy: { createdAt: "asc" },
    select: { shop: { select: { id: true, domain: true, legalName: true, wooConnection: { select: { storeUrl: true, disconnectedAt: true, webhooks: { select: { status: true } } } }, _count: { select: { invoices: true } } } } },
  });
  const stores = links.map(({ shop }) => ({
    id: shop.id,
    name: shop.legalName ?? shop.domain,
    url: shop.wooConnection?.storeUrl ?? shop.domain,
    connected: Boolean(shop.wooConnection && !shop.wooConnection.disconnectedAt),
    webhooksActive: shop.wooConnection?.webhooks.filter((w) => w.status === "active").length ?? 0,
    webhooks: shop.wooConnection?.webhooks.length ?? 0,
    invoices: shop._count.invoices,
  }));
  const params = new URL(request.url).searchParams;
  const notice = params.get("verified") === "1" ? "Your e-mail address is confirmed." : params.get("verified") === "0" ? "This confirmation link has expired or was already used." : params.get("resent") === "1" ? "A new confirmation e-mail is on its way." : params.get("resent") === "0" ? "Too many confirmation e-mails: try again later." : null;
  return Response.json({ email: account.email, verified: Boolean(account.emailVerifiedAt), notice, csrf: token, stores }, setCookie ? { headers: { "Set-Cookie": setCookie } } : {});
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const account = await requireAccount(request);
  const form = await request.formData();
  verifyCsrf(request, form);
  const input = { storeUrl: String(form.get("storeUrl") ?? ""), consumerKey: String(form.get("consumerKey") ?? ""), consumerSecret: String(form.get("consumerSecret") ?? "") };
  const result = await connectWooStore(prisma, account.id, input);
  if ("errors" in result) return Response.json({ errors: result.errors, storeUrl: input.storeUrl, consumerKey: input.consumerKey }, { status: 400 });
  return new Response(null, { status: 303, headers: { Location: `/woo/stores/${result.shopId}?connected=1` } });
};

type Store = { id: string; name: string; url: string; connected: boolean; webhooksActive: number; webhooks: number; invoices: number };

export default function Stores() {
  const { email, verified, notice, csrf, stores } = useLoaderData<{ email: string; verified: boolean; notice: string | null; csrf: string; stores: Store[] }>();
  const result = useActionData<{ errors?: ConnectErrors; storeUrl?: string; consumerKey?: string }>();
  const busy = useNavigation().state !== "idle";
  const errors = result?.errors ?? {};
  return (
    <WooLayout email={email} csrf={csrf}>
      {notice ? (
        <div className="woo-banner" role="status">
          {notice}
        </div>
      ) : null}
      {verified ? null : (
        <div className="woo-banner" data-tone="warning" role="alert">
          Confirm your e-mail address ({email}) with the link Facto sent you before connecting a store.{" "}
          <Form method="post" action="/woo/verify" style={{ display: "inline" }}>
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit">Send the e-mail again</button>
          </Form>
        </div>
      )}
      <section className="woo-card">
        <h1>Your stores</h1>
        <p className="woo-muted">
          <a href="/woo/account">Account security: signed-in browsers</a>
        </p>
        {stores.length === 0 ? (
          <p className="woo-muted">No store connected yet. Connect your WooCommerce store below: every order then gets its VAT-correct invoice.</p>
        ) : (
          <table className="woo-table">
            <thead>
              <tr>
                <th>Store</th>
                <th>Status</th>
                <th>Invoices</th>
              </tr>
            </thead>
            <tbody>
              {stores.map((s) => (
                <tr key={s.id}>
                  <td>
                    <a href={`/woo/stores/${s.id}`}>{s.name}</a>
                    <div className="woo-muted">{s.url}</div>
                  </td>
                  <td>{s.connected ? (s.webhooksActive === s.webhooks ? "Connected" : `Connected — ${s.webhooks - s.webhooksActive} webhook(s) being repaired`) : "Disconnected"}</td>
                  <td>{s.invoices}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="woo-card">
        <h2>Connect a WooCommerce store</h2>
        <p className="woo-muted">
          In WordPress: WooCommerce → Settings → Advanced → REST API → Add key, with <strong>Read/Write</strong> permission. Facto stores the key encrypted and registers its own
          webhooks on your store.
        </p>
        {errors.form ? (
          <div className="woo-banner" data-tone="critical" role="alert">
            {errors.form}
          </div>
        ) : null}
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <Field label="Store address" name="storeUrl" placeholder="https://shop.example.be" defaultValue={result?.storeUrl} error={errors.storeUrl} required />
          <div className="woo-grid">
            <Field label="Consumer key" name="consumerKey" placeholder="ck_…" defaultValue={result?.consumerKey} error={errors.consumerKey} autoComplete="off" required />
            <Field label="Consumer secret" name="consumerSecret" type="password" placeholder="cs_…" error={errors.consumerSecret} autoComplete="off" required />
          </div>
          <button className="woo-button" type="submit" disabled={busy}>
            {busy ? "Connecting…" : "Connect store"}
          </button>
        </Form>
      </section>
    </WooLayout>
  );
}
