import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { prisma } from "~/db.server";
import { payPageLabels } from "~/domain/pay-page/pay-page-labels";
import { AppError, isAppError } from "~/errors/app-error";
import { assertUrlAllowed, outboundPolicy } from "~/integrations/outbound/outbound-guard.server";
import { logger } from "~/logger.server";
import { enqueue } from "~/queues.server";
import { startOnlinePayment } from "~/services/online-payment.server";
import { requestMandateFromPaymentPage } from "~/services/direct-debit.server";
import { paymentEffects } from "~/services/payment-effects.server";
import { isLanguage, loadPaymentPage } from "~/services/payment-page.server";
import { payTokenGate } from "~/services/pay-token.server";
import styles from "~/styles/pay.css?url";
import { clientInfo } from "~/utils/client-info.server";

// GET /pay/:token — the shopper's payment page (public; the token is the only key).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const headers: HeadersFunction = () => ({
  // The token is in the URL: never send it onwards as a Referer, never cache or index the page.
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  "X-Robots-Tag": "noindex, nofollow",
});

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data?.view) return [{ title: "Facto" }];
  const L = payPageLabels(data.view.language);
  return [{ title: `${data.view.invoice.kind === "CREDIT_NOTE" ? L.creditNoteTitle(data.view.invoice.number) : L.title(data.view.invoice.number)} — ${data.view.shop.name}` }];
};

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  // An address that keeps trying unknown tokens is refused for a while (payment-page tokens are guessed, not found).
  const gate = await payTokenGate(prisma, clientInfo(request, context).ip, params.token ?? "");
  if (gate.refused) throw gate.refused;
  const url = new URL(request.url);
  const token = params.token ?? "";
  const lang = url.searchParams.get("lang");
  const view = await loadPaymentPage(prisma, token, { attemptId: url.searchParams.get("attempt"), language: lang, effects: paymentEffects(prisma, enqueue) });
  if (!view) {
    await gate.miss();
    const language = isLanguage(lang) ? lang : "nl";
    return Response.json({ view: null, token, notFound: payPageLabels(language) && { language } }, { status: 404, headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
  }
  return Response.json({ view, token, notFound: null });
};

/** The shopper is sent on only to an https address (loopback only under the test/demo setting). */
function providerRedirect(url: string): string {
  try {
    return assertUrlAllowed(url, outboundPolicy()).toString();
  } catch {
    throw new AppError("UPSTREAM_REJECTED", "The payment provider answered with an address Facto does not send you to. Please pay by bank transfer.");
  }
}

export const action = async ({ request, params, context }: ActionFunctionArgs) => {
  const token = params.token ?? "";
  const gate = await payTokenGate(prisma, clientInfo(request, context).ip, params.token ?? "");
  if (gate.refused) throw gate.refused;
  const form = await request.formData();
  if (form.get("intent") === "sign-mandate") {
    try {
      const { url } = await requestMandateFromPaymentPage(prisma, token);
      return new Response(null, { status: 303, headers: { Location: providerRedirect(url), "Referrer-Policy": "no-referrer" } });
    } catch (error) {
      if (isAppError(error) && error.code === "NOT_FOUND") await gate.miss();
      if (isAppError(error)) return Response.json({ error: error.message }, { status: error.httpStatus });
      logger.error({ err: error }, "mandate signing could not be started");
      return Response.json({ error: "Direct debit is unavailable right now. Please try again later or pay by bank transfer." }, { status: 500 });
    }
  }
  if (form.get("intent") !== "pay-online") return Response.json({ error: "Unknown action" }, { status: 400 });
  try {
    const { checkoutUrl } = await startOnlinePayment(prisma, token);
    return new Response(null, { status: 303, headers: { Location: providerRedirect(checkoutUrl), "Referrer-Policy": "no-referrer" } });
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") await gate.miss();
    if (isAppError(error)) return Response.json({ error: error.message }, { status: error.httpStatus });
    logger.error({ err: error }, "online payment could not be started");
    return Response.json({ error: "Online payment is unavailable right now. Please try again in a moment or pay by bank transfer." }, { status: 500 });
  }
};

type LoaderData = Awaited<ReturnType<typeof loadPaymentPage>>;

export default function PaymentPage() {
  const { view, token, notFound } = useLoaderData<{ view: LoaderData; token: string; notFound: { language: "nl" | "fr" | "en" | "de" } | null }>();
  const actionData = useActionData<{ error?: string }>();
  const navigation = useNavigation();
  if (!view) {
    const L = payPageLabels(notFound?.language ?? "nl");
    return (
      <main className="pay">
        <div className="pay-wrap">
          <section className="pay-card">
            <h1>{L.notFoundTitle}</h1>
            <p>{L.notFoundText}</p>
          </section>
        </div>
      </main>
    );
  }
  const L = payPageLabels(view.language);
  const inv = view.invoice;
  const base = `/pay/${token}`;
  const attemptTone = view.attempt === "paid" ? "success" : view.attempt === "failed" || view.attempt === "expired" ? "critical" : "warning";
  return (
    <main className="pay" lang={view.language} style={{ ["--accent" as string]: view.shop.accentColor }}>
      <div className="pay-wrap">
        <header className="pay-head">
          <div className="pay-brand">
            {view.shop.hasLogo ? <img src={`${base}/logo`} alt={view.shop.name} /> : null}
            <span>{view.shop.name}</span>
          </div>
          <nav className="pay-lang" aria-label={L.language}>
            {(["nl", "fr", "en", "de"] as const).map((l) => (
              <a key={l} href={`${base}?lang=${l}`} aria-current={l === view.language ? "true" : undefined} hrefLang={l}>
                {l.toUpperCase()}
              </a>
            ))}
          </nav>
        </header>

        {view.attempt && view.attempt !== "open" ? (
          <div className="pay-banner" data-tone={attemptTone} role="status" data-testid="attempt">
            {L.attempt[view.attempt]}
          </div>
        ) : null}
        {actionData?.error ? (
          <div className="pay-banner" data-tone="critical" role="alert">
            {actionData.error}
          </div>
        ) : null}

        <section className="pay-card" aria-labelledby="invoice-title">
          <h1 id="invoice-title">{inv.kind === "CREDIT_NOTE" ? L.creditNoteTitle(inv.number) : L.title(inv.number)}</h1>
          <span className="pay-badge" data-status={inv.status} data-testid="status">
            {L.status[inv.status]}
          </span>
          {inv.paidOn ? <p className="pay-muted">{L.paidOn(inv.paidOn.date, inv.paidOn.method)}</p> : null}
          <dl className="pay-rows">
            <dt>{L.from}</dt>
            <dd>{view.shop.name}</dd>
            <dt>{L.issued}</dt>
            <dd>{inv.issued}</dd>
            {inv.due ? (
              <>
                <dt>{L.due}</dt>
                <dd>{inv.due}</dd>
              </>
            ) : null}
            <dt>{L.total}</dt>
            <dd>{inv.total}</dd>
            {inv.paid ? (
              <>
                <dt>{L.paidSoFar}</dt>
                <dd>{inv.paid}</dd>
              </>
            ) : null}
            {inv.kind === "INVOICE" && inv.status !== "paid" && inv.status !== "credited" ? (
              <>
                <dt>{L.outstanding}</dt>
                <dd className="pay-due" data-testid="outstanding">
                  {inv.outstanding}
                </dd>
              </>
            ) : null}
          </dl>
        </section>

        {view.afterPayment ? (
          <section className="pay-card" data-testid="after-payment">
            {view.afterPayment.message ? <p>{view.afterPayment.message}</p> : null}
            {view.afterPayment.url ? (
              <a className="pay-button" href={view.afterPayment.url} rel="noreferrer">
                {L.continue}
              </a>
            ) : null}
          </section>
        ) : null}

        {view.payOnline.available ? (
          <section className="pay-card">
            <Form method="post">
              <input type="hidden" name="intent" value="pay-online" />
              <button className="pay-button" type="submit" disabled={navigation.state !== "idle"}>
                {L.payOnline} · {inv.outstanding}
              </button>
            </Form>
          </section>
        ) : view.payOnline.aboveMaximum && view.transfer ? (
          <p className="pay-muted">{L.payOnlineAboveMaximum}</p>
        ) : null}

        {view.directDebit.collectingWith ? (
          <div className="pay-banner" data-tone="success" data-testid="collecting">
            {L.collecting(view.directDebit.collectingWith)}
          </div>
        ) : null}

        {view.directDebit.offer ? (
          <section className="pay-card">
            <p className="pay-muted">{L.directDebitText}</p>
            <Form method="post">
              <input type="hidden" name="intent" value="sign-mandate" />
              <button className="pay-button" type="submit" disabled={navigation.state !== "idle"} style={{ background: "#fff", color: "var(--accent)", border: "2px solid var(--accent)" }}>
                {L.payByDirectDebit}
              </button>
            </Form>
          </section>
        ) : null}

        {view.transfer ? (
          <section className="pay-card" aria-labelledby="transfer-title">
            <h2 id="transfer-title">{L.bankTransfer}</h2>
            <div className="pay-transfer">
              {view.transfer.qrSvg ? (
                <figure className="pay-qr" style={{ margin: 0 }}>
                  <div className="pay-qr-code" role="img" aria-label={L.scanWithBankingApp} dangerouslySetInnerHTML={{ __html: view.transfer.qrSvg }} />
                  <figcaption className="pay-muted" style={{ textAlign: "center" }}>
                    {L.scanWithBankingApp}
                  </figcaption>
                </figure>
              ) : null}
              <dl className="pay-rows" style={{ marginTop: 0 }}>
                <dt>{L.beneficiary}</dt>
                <dd>{view.transfer.beneficiary}</dd>
                <dt>{L.iban}</dt>
                <dd className="pay-mono">{view.transfer.iban}</dd>
                {view.transfer.bic ? (
                  <>
                    <dt>{L.bic}</dt>
                    <dd className="pay-mono">{view.transfer.bic}</dd>
                  </>
                ) : null}
                {view.transfer.reference ? (
                  <>
                    <dt>{L.reference}</dt>
                    <dd className="pay-mono" data-testid="reference">
                      {view.transfer.reference}
                    </dd>
                  </>
                ) : null}
                <dt>{L.amount}</dt>
                <dd>{view.transfer.amount}</dd>
              </dl>
            </div>
          </section>
        ) : null}

        {view.payments.length ? (
          <section className="pay-card" aria-labelledby="payments-title">
            <h2 id="payments-title">{L.payments}</h2>
            <ul className="pay-list" data-testid="payments">
              {view.payments.map((p, i) => (
                <li key={i}>
                  <span>
                    {p.date} · {p.method}
                  </span>
                  <span>
                    {p.amount} · {L.paymentLine[p.status as keyof typeof L.paymentLine] ?? p.status}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <section className="pay-card">
          {view.documents.pdf ? (
            <a className="pay-secondary" href={`${base}/pdf`} download>
              {L.downloadPdf}
            </a>
          ) : null}
          {view.documents.ubl ? (
            <a className="pay-secondary" href={`${base}/ubl`} download>
              {L.downloadUbl}
            </a>
          ) : null}
        </section>
      </div>
    </main>
  );
}
