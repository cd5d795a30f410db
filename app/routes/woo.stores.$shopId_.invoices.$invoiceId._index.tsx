import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { invoicePageData, runInvoiceAction } from "~/services/invoice-page.server";
import styles from "~/styles/woo.css?url";
import { csrfFor, requireStoreOfAccount, verifyCsrf } from "~/routes-support/woo-auth.server";

// /woo/stores/:shopId/invoices/:invoiceId — the same invoice page as in Shopify admin, for
// WooCommerce owners: summary, PDF preview, UBL, payment page, payments, actions, e-mails, history.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.invoice.number ?? "Invoice"} — Facto` }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  const page = /^[0-9a-f-]{36}$/i.test(params.invoiceId ?? "") ? await invoicePageData(prisma, shop, params.invoiceId!) : null;
  if (!page) throw new Response("Invoice not found", { status: 404 });
  const { token, setCookie } = csrfFor(request);
  return Response.json({ ...page, email: account.email, csrf: token, shopId: shop.id }, setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined) as unknown as typeof page & { email: string; csrf: string; shopId: string };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  const form = await request.formData();
  verifyCsrf(request, form);
  return runInvoiceAction(prisma, shop, params.invoiceId ?? "", form);
};

export default function WooInvoicePage() {
  const { invoice, payments, emails, events, peppol, email, csrf, shopId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const base = `/woo/stores/${shopId}/invoices`;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <WooLayout email={email} csrf={csrf}>
      <p>
        <a href={`/woo/stores/${shopId}`}>← Store</a>
      </p>
      {result?.ok ? <div className="woo-banner" data-tone="success" role="status">{result.message}</div> : null}
      {result && !result.ok ? <div className="woo-banner" data-tone="critical" role="alert">{result.error}</div> : null}
      <section className="woo-card">
        <h1>
          {invoice.kind === "CREDIT_NOTE" ? "Credit note" : "Invoice"} {invoice.number} <small className="woo-muted">({invoice.status.toLowerCase()})</small>
        </h1>
        <p>
          Order {invoice.order} · {invoice.customerId ? <a href={`/woo/stores/${shopId}/customers/${invoice.customerId}`}>{invoice.buyer}</a> : invoice.buyer} · issued {invoice.issueDate}
          {invoice.dueDate ? ` · due ${invoice.dueDate}` : ""}
        </p>
        <p>
          Total {invoice.total} · paid {invoice.paid} · outstanding <strong>{invoice.due}</strong>
        </p>
        {invoice.reference ? <p>Structured communication {invoice.reference}</p> : null}
        <p className="woo-muted">
          VAT: {invoice.vatRegime} — {invoice.vatReason}
        </p>
        <p>
          {invoice.hasPdf ? <a href={`${base}/${invoice.id}/pdf`}>PDF</a> : null}
          {invoice.hasPdf ? <> · <a href={`${base}/${invoice.id}/ubl`}>UBL (PEPPOL)</a></> : null}
          {invoice.paymentPage ? <> · <a href={invoice.paymentPage}>payment page</a> <code>{invoice.paymentPage}</code></> : null}
          {invoice.original ? <> · <a href={`${base}/${invoice.original.id}`}>corrects {invoice.original.formattedNumber}</a></> : null}
          {invoice.creditNotes.map((c) => (
            <span key={c.id}>
              {" · "}
              <a href={`${base}/${c.id}`}>credit note {c.number} ({c.total})</a>
            </span>
          ))}
        </p>
      </section>
      <section className="woo-card">
        <h2>Payments</h2>
        {payments.length === 0 ? <p className="woo-muted">No payment or payment attempt yet.</p> : null}
        <ul>
          {payments.map((p) => (
            <li key={p.id}>
              {p.when} · {p.provider.toLowerCase()}
              {p.method ? ` (${p.method})` : ""} · {p.amount}
              {p.refunded ? `, refunded ${p.refunded}` : ""}{p.chargedBack ? `, charged back ${p.chargedBack}` : ""} · {p.status === "PAID" ? "paid" : `${p.status.toLowerCase()} — unpaid`}
              {p.failureReason ? ` · ${p.failureReason}` : ""}
            </li>
          ))}
        </ul>
        {invoice.canCollect ? (
          <Form method="post">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="intent" value="collect" />
            <button className="woo-button" type="submit" disabled={busy}>Collect via Twikey</button>
          </Form>
        ) : null}
        {invoice.kind === "INVOICE" && invoice.status === "ISSUED" ? (
          <Form method="post">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="intent" value="mark-paid" />
            <div className="woo-grid">
              <label className="woo-field"><span>Amount received</span><input name="amount" defaultValue={invoice.dueAmount} /></label>
              <label className="woo-field"><span>Received on</span><input name="paidOn" type="date" defaultValue={today} /></label>
              <label className="woo-field"><span>Method</span><input name="method" defaultValue="Bank transfer" /></label>
            </div>
            <button className="woo-button" type="submit" disabled={busy}>Mark paid</button>
          </Form>
        ) : null}
        {invoice.kind === "INVOICE" && (invoice.status === "ISSUED" || invoice.status === "PAID") ? (
          <Form method="post" onSubmit={(e) => (confirm(`Credit the whole of ${invoice.number}?`) ? undefined : e.preventDefault())}>
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="intent" value="credit" />
            <label className="woo-field"><span>Credit the whole invoice — reason (printed on the credit note)</span><input name="reason" /></label>
            <button className="woo-button" data-tone="critical" type="submit" disabled={busy}>Issue credit note</button>
          </Form>
        ) : null}
      </section>
      {invoice.previewUrl ? (
        <section className="woo-card">
          <h2>Preview</h2>
          <iframe title={`${invoice.number} PDF`} src={invoice.previewUrl} style={{ width: "100%", height: 720, border: "1px solid #ddd", borderRadius: 8 }} />
        </section>
      ) : null}
      <section className="woo-card">
        <h2>PEPPOL</h2>
        {peppol.state ? (
          <p>
            {peppol.label} · to {peppol.recipient}
            {peppol.when ? ` · ${peppol.when}` : ""}
            {peppol.attempts > 1 ? ` · ${peppol.attempts} attempts` : ""}
          </p>
        ) : (
          <p className="woo-muted">{peppol.recipient ? `Not sent over PEPPOL (customer id ${peppol.recipient}).` : "The customer has no PEPPOL id (a consumer, or no VAT number)."}</p>
        )}
        {peppol.reason ? <p className="woo-muted">{peppol.reason}</p> : null}
        {peppol.canSend ? (
          <Form method="post">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="intent" value="peppol-send" />
            <button className="woo-button" type="submit" disabled={busy}>Send over PEPPOL</button>
          </Form>
        ) : null}
      </section>
      <section className="woo-card">
        <h2>E-mails</h2>
        {emails.length === 0 ? <p className="woo-muted">No e-mail sent by Facto.</p> : null}
        <ul>
          {emails.map((e) => (
            <li key={e.id}>
              {e.when} · {e.kind.toLowerCase().replace("_", " ")}
              {e.step ? ` ${e.step}` : ""} to {e.to} · {e.status.toLowerCase()}
              {e.error ? ` · ${e.error}` : ""}
            </li>
          ))}
        </ul>
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="resend" />
          <label className="woo-field"><span>Send the document again to</span><input name="to" type="email" defaultValue={invoice.buyerEmail} /></label>
          <button className="woo-button" type="submit" disabled={busy || !invoice.hasPdf}>Send again</button>
        </Form>
      </section>
      <section className="woo-card">
        <h2>History</h2>
        {events.length === 0 ? <p className="woo-muted">Nothing happened to this invoice since it was issued.</p> : null}
        <ul>
          {events.map((e) => (
            <li key={e.id}>
              <span className="woo-muted">{e.when}</span> {e.message}
            </li>
          ))}
        </ul>
      </section>
    </WooLayout>
  );
}
