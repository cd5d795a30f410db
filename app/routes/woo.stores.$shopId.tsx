import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { missingInvoiceSettings } from "~/domain/shop/missing-invoice-settings";
import { fieldErrors, ShopSettingsInput } from "~/domain/shop/shop-settings";
import { ensureJob } from "~/queues.server";
import { dashboard, retryFailedEvents } from "~/models/dashboard.server";
import { disconnectWooStore } from "~/services/connect-woo-store.server";
import { paymentPageUrl } from "~/services/public-urls.server";
import { checkSellerVatInVies, updateShopSettings } from "~/services/update-shop-settings.server";
import { updateDirectDebitSettings } from "~/services/update-payment-settings.server";
import { parseDirectDebitForm, TWIKEY_ENVIRONMENTS } from "~/domain/shop/direct-debit-settings";
import { checkTwikeyApiKey, testTwikeyExitUrl, twikeySetupUrls } from "~/services/twikey-setup.server";
import { env } from "~/env.server";
import styles from "~/styles/woo.css?url";
import { csrfFor, requireStoreOfAccount, verifyCsrf } from "~/routes-support/woo-auth.server";
import { isAppError } from "~/errors/app-error";
import { countIncompleteHolds, issueHeldOrderAsComputed, listVatHolds, type HeldOrder } from "~/services/held-orders.server";
import { PEPPOL_STATE_LABEL } from "~/services/send-peppol-document.server";

// /woo/stores/:shopId — one store: connection and webhooks, company details, its invoices.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Store — Facto" }];

/** What an order paid through Facto becomes in WooCommerce (both are "paid" statuses: wc_get_is_paid_statuses()). */
const WOO_PAID_STATUSES = ["processing", "completed"] as const;

const FIELDS = ["legalName", "street", "postalCode", "city", "countryCode", "vatNumber", "enterpriseNumber", "iban", "bic", "email", "phone", "defaultLanguage", "paymentTermDays", "invoiceTrigger"] as const;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { account, shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  const { token, setCookie } = csrfFor(request);
  const board = await dashboard(prisma, shop.id);
  const notDelivered = new URL(request.url).searchParams.get("peppol") === "NOT_DELIVERED";
  const invoices = await prisma.invoice.findMany({
    where: { shopId: shop.id, ...(notDelivered ? { peppolDelivery: { state: { in: ["QUEUED", "SENDING", "FAILED", "REJECTED"] as ("QUEUED" | "SENDING" | "FAILED" | "REJECTED")[] } } } : {}) },
    orderBy: [{ createdAt: "desc" }],
    take: 50,
    select: { id: true, formattedNumber: true, kind: true, channelOrderName: true, issueDate: true, currency: true, taxInclusiveTotal: true, status: true, publicToken: true, peppolDelivery: { select: { state: true } } },
  });
  const waiting = await countIncompleteHolds(prisma, shop.id);
  const held = await listVatHolds(prisma, shop.id);
  return Response.json(
    {
      email: account.email,
      csrf: token,
      figures: board.figures,
      health: board.health,
      perDay: board.perDay,
      connected: new URL(request.url).searchParams.get("connected") === "1",
      store: {
        id: shop.id,
        domain: shop.domain,
        storeUrl: shop.wooConnection?.storeUrl ?? null,
        connected: Boolean(shop.wooConnection && !shop.wooConnection.disconnectedAt),
        pingedAt: shop.wooConnection?.pingedAt?.toISOString().slice(0, 16).replace("T", " ") ?? null,
        authInQuery: shop.wooConnection?.authInQuery ?? false,
        paidStatus: shop.wooConnection?.paidStatus ?? "processing",
        webhooks: (shop.wooConnection?.webhooks ?? []).map((w) => ({ topic: w.topic, status: w.status, checkedAt: w.checkedAt?.toISOString().slice(0, 16).replace("T", " ") ?? null })),
        missing: missingInvoiceSettings(shop),
        waiting,
        twikey: {
          configured: Boolean(shop.twikeyApiKey),
          environment: shop.twikeyBaseUrl === TWIKEY_ENVIRONMENTS.sandbox ? "sandbox" : !shop.twikeyBaseUrl || shop.twikeyBaseUrl === TWIKEY_ENVIRONMENTS.production ? "production" : "tenant",
          tenantUrl: shop.twikeyBaseUrl ?? "",
          templateCore: shop.twikeyTemplateCore ?? "",
          templateB2b: shop.twikeyTemplateB2b ?? "",
          autoCollect: shop.twikeyAutoCollect,
          notify: shop.twikeyNotifyBeforeCollection,
          hasWebsiteKey: Boolean(shop.twikeyWebsiteKey),
          ...twikeySetupUrls(env().SHOPIFY_APP_URL, shop.id),
        },
      },
      held,
      values: { ...Object.fromEntries(FIELDS.map((f) => [f, shop[f] == null ? "" : String(shop[f])])), vatMetaKeys: shop.wooConnection?.vatMetaKeys.join(", ") ?? "", ossDestinationTaxation: shop.ossDestinationTaxation ? "on" : "" },
      invoices: invoices.map((i) => ({
        id: i.id,
        number: i.formattedNumber,
        kind: i.kind,
        order: i.channelOrderName,
        date: i.issueDate.toISOString().slice(0, 10),
        total: `${i.currency} ${i.taxInclusiveTotal.toFixed(2)}`,
        status: i.status.toLowerCase(),
        payUrl: i.publicToken ? paymentPageUrl(i.publicToken) : null,
        peppol: i.peppolDelivery ? (PEPPOL_STATE_LABEL[i.peppolDelivery.state] ?? i.peppolDelivery.state) : "",
      })),
      notDelivered,
    },
    setCookie ? { headers: { "Set-Cookie": setCookie } } : {},
  );
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireStoreOfAccount(request, params.shopId ?? "");
  const form = await request.formData();
  verifyCsrf(request, form);
  if (form.get("intent") === "retry") {
    const retried = await retryFailedEvents(prisma, shop.id, (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined));
    return Response.json({ ok: true, message: `${retried} failed event(s) sent back to be processed.` });
  }
  if (form.get("intent") === "issue-as-computed") {
    // The merchant accepts Facto's VAT for an order held for a VAT mismatch (decision 017).
    try {
      const { orderName } = await issueHeldOrderAsComputed(prisma, shop.id, String(form.get("eventId") ?? ""), new Date(), (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined));
      return Response.json({ ok: true, message: `Order ${orderName} is being invoiced with Facto's VAT; your choice is recorded on the invoice's history.` });
    } catch (error) {
      if (isAppError(error) && !error.retryable) return Response.json({ ok: false, message: error.message }, { status: error.httpStatus });
      throw error;
    }
  }
  if (form.get("intent") === "direct-debit") {
    const parsed = parseDirectDebitForm(form, Boolean(shop.twikeyApiKey));
    if ("errors" in parsed) return Response.json({ ok: false, errors: parsed.errors }, { status: 400 });
    const key = parsed.data.twikeyApiKey && !parsed.data.removeTwikey ? await checkTwikeyApiKey(parsed.data.twikeyBaseUrl, parsed.data.twikeyApiKey) : { error: null, warning: null };
    if (key.error) return Response.json({ ok: false, message: key.error, errors: { twikeyApiKey: key.error } }, { status: 400 });
    await updateDirectDebitSettings(prisma, shop.id, parsed.data);
    return Response.json({ ok: true, message: key.warning ? `Direct-debit settings saved. ${key.warning}` : "Direct-debit settings saved." });
  }
  if (form.get("intent") === "test-exit-url") {
    const tested = await testTwikeyExitUrl(prisma, shop.id, env().SHOPIFY_APP_URL);
    return Response.json({ ok: tested.ok, message: tested.message }, { status: tested.ok ? 200 : 400 });
  }
  if (form.get("intent") === "paid-status") {
    const paidStatus = String(form.get("paidStatus") ?? "");
    if (!WOO_PAID_STATUSES.includes(paidStatus as (typeof WOO_PAID_STATUSES)[number])) return Response.json({ ok: false, errors: { paidStatus: "Choose processing or completed" } }, { status: 400 });
    if (shop.wooConnection) await prisma.wooConnection.update({ where: { id: shop.wooConnection.id }, data: { paidStatus } });
    return Response.json({ ok: true, message: `Orders paid through Facto become ${paidStatus} in WooCommerce.` });
  }
  if (form.get("intent") === "disconnect") {
    const { failed } = await disconnectWooStore(prisma, shop.id);
    return Response.json({ ok: true, message: failed.length ? `Disconnected. Remove these webhooks by hand in WooCommerce: ${failed.join("; ")}` : "Disconnected: Facto's webhooks were removed from your store. Your invoices stay here." });
  }
  const vatMetaKeys = String(form.get("vatMetaKeys") ?? "").split(/[\s,]+/).filter(Boolean);
  if (vatMetaKeys.some((k) => !/^[A-Za-z0-9_\-]{1,64}$/.test(k))) return Response.json({ ok: false, errors: { vatMetaKeys: "Meta keys are letters, digits, _ and -, separated by commas" } }, { status: 400 });
  const posted = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? "")]));
  const parsed = ShopSettingsInput.safeParse(posted);
  if (!parsed.success) return Response.json({ ok: false, errors: fieldErrors(parsed.error) }, { status: 400 });
  let vatWarning = "";
  if (parsed.data.vatNumber && parsed.data.vatNumber !== shop.vatNumber) {
    const vat = await checkSellerVatInVies(parsed.data.vatNumber);
    if (vat.error) return Response.json({ ok: false, errors: { vatNumber: vat.error } }, { status: 400 });
    vatWarning = vat.warning ? ` ${vat.warning}.` : "";
  }
  if (shop.wooConnection) await prisma.wooConnection.update({ where: { id: shop.wooConnection.id }, data: { vatMetaKeys } });
  // The OSS checkbox is on the form since decision 017; a post without it (an older page) keeps the setting.
  const ossDestinationTaxation = form.get("ossField") === "1" ? form.get("ossDestinationTaxation") === "on" : shop.ossDestinationTaxation;
  const { requeued } = await updateShopSettings(prisma, shop.id, { ...parsed.data, ossDestinationTaxation, creditNoteSeries: shop.creditNoteSeries, accentColor: shop.accentColor }, (eventId) => ensureJob("process-webhook", { eventId }).then(() => undefined));
  return Response.json({ ok: true, message: (requeued ? `Saved. ${requeued} waiting order(s) are being invoiced now.` : "Saved.") + vatWarning });
};

type Data = {
  email: string;
  csrf: string;
  figures: Awaited<ReturnType<typeof dashboard>>["figures"];
  health: Awaited<ReturnType<typeof dashboard>>["health"];
  perDay: Awaited<ReturnType<typeof dashboard>>["perDay"];
  connected: boolean;
  store: {
    id: string;
    domain: string;
    storeUrl: string | null;
    connected: boolean;
    pingedAt: string | null;
    authInQuery: boolean;
    paidStatus: string;
    webhooks: { topic: string; status: string; checkedAt: string | null }[];
    missing: string[];
    waiting: number;
    twikey: { configured: boolean; hasWebsiteKey: boolean; environment: string; tenantUrl: string; templateCore: string; templateB2b: string; autoCollect: boolean; notify: boolean; callbackUrl: string; exitUrl: string };
  };
  values: Record<(typeof FIELDS)[number] | "vatMetaKeys" | "ossDestinationTaxation", string>;
  held: HeldOrder[];
  invoices: { id: string; number: string; kind: string; order: string | null; date: string; total: string; status: string; payUrl: string | null; peppol: string }[];
  notDelivered: boolean;
};

export default function StorePage() {
  const { email, csrf, connected, store, values, invoices, notDelivered, figures, health, perDay, held } = useLoaderData<Data>();
  const most = Math.max(1, ...perDay.map((d) => d.count));
  const result = useActionData<{ ok: boolean; message?: string; errors?: Record<string, string> }>();
  const busy = useNavigation().state !== "idle";
  const errors = result?.errors ?? {};
  const v = (name: (typeof FIELDS)[number]) => ({ name, defaultValue: values[name], error: errors[name] });
  return (
    <WooLayout email={email} csrf={csrf}>
      <p>
        <a href="/woo">← Your stores</a>
      </p>
      {connected ? (
        <div className="woo-banner" data-tone="success">
          Store connected: Facto registered its webhooks. New and updated orders are invoiced from now on.
        </div>
      ) : null}
      {result?.message ? (
        <div className="woo-banner" data-tone="success" role="status">
          {result.message}
        </div>
      ) : null}
      {result && !result.ok ? (
        <div className="woo-banner" data-tone="critical" role="alert">
          {result.errors ? "Some fields need your attention." : (result.message ?? "That did not work.")}
        </div>
      ) : null}
      {held.length ? (
        <section className="woo-banner" data-tone="critical" id="held-orders" aria-label="Orders held for their VAT">
          <strong>{`${held.length} order(s) not invoiced: the VAT your store charged differs from Facto's.`}</strong>
          <p>
            An invoice must charge the VAT the customer paid. Fix the setting named below and save it: the order is checked again and invoiced. Or issue the invoice with Facto&apos;s VAT (your choice is recorded on the
            invoice&apos;s history).
          </p>
          {held.map((h) => (
            <div key={h.eventId} data-testid="held-order" style={{ marginTop: 12 }}>
              <p>
                <strong>{`Order ${h.orderName}`}</strong> {`— ${h.causeLabel}`} <span className="woo-muted">{`(held ${h.heldAt} UTC)`}</span>
              </p>
              <p>{h.explanation}</p>
              <div style={{ display: "flex", gap: 16, alignItems: "center" }}>
                {h.cause === "OSS_NOT_ENABLED" || h.cause === "OSS_NOT_CHARGED_BY_SHOP" ? <a href="#seller-settings">Seller on your invoices → One-Stop-Shop</a> : null}
                {h.cause === "PRODUCT_CLASS" || h.cause === "NO_VAT_CHARGED" ? <a href={`/woo/stores/${store.id}/products`}>VAT of products</a> : null}
                <Form method="post">
                  <input type="hidden" name="csrf" value={csrf} />
                  <input type="hidden" name="intent" value="issue-as-computed" />
                  <input type="hidden" name="eventId" value={h.eventId} />
                  <button className="woo-button" type="submit" disabled={busy}>
                    Issue as computed by Facto
                  </button>
                </Form>
              </div>
            </div>
          ))}
        </section>
      ) : null}
      {store.missing.length ? (
        <div className="woo-banner" data-tone="warning">
          Facto issues no invoice until these are filled in: {store.missing.join(", ")}.{store.waiting ? ` ${store.waiting} order(s) are waiting.` : ""}
        </div>
      ) : null}

      <section className="woo-card">
        <h1>{values.legalName || store.domain}</h1>
        <p className="woo-muted">{store.storeUrl}</p>
        <nav aria-label="Store pages" style={{ display: "flex", gap: 16, marginBottom: 12 }}>
          <a href={`/woo/stores/${store.id}/customers`}>Customers</a>
          <a href={`/woo/stores/${store.id}/stock`}>Stock</a>
          <a href={`/woo/stores/${store.id}/payments`}>Payments &amp; e-mails</a>
          <a href={`/woo/stores/${store.id}/products`}>VAT of products</a>
          <a href={`/woo/stores/${store.id}/danger-zone`}>Danger zone</a>
        </nav>
        {store.connected ? (
          <>
            <table className="woo-table" aria-label="Webhooks">
              <thead>
                <tr>
                  <th>Webhook</th>
                  <th>Status</th>
                  <th>Last checked</th>
                </tr>
              </thead>
              <tbody>
                {store.webhooks.map((w) => (
                  <tr key={w.topic}>
                    <td>{w.topic}</td>
                    <td>{w.status}</td>
                    <td>{w.checkedAt ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="woo-muted">
              {store.pingedAt ? `WooCommerce's ping reached Facto on ${store.pingedAt} UTC. ` : "WooCommerce's ping has not reached Facto yet. "}
              Facto checks these webhooks and the store's recent orders regularly: an order is never missed, even when WooCommerce disables a webhook.
            </p>
            {store.authInQuery ? (
              <p className="woo-muted" data-testid="auth-in-query">
                Your host removes the Authorization header before WordPress sees it, so Facto sends your API key in the query string of each request (over https only). Ask your host to pass the Authorization header on to PHP to avoid it.
              </p>
            ) : null}
            <Form method="post" className="woo-grid">
              <input type="hidden" name="csrf" value={csrf} />
              <input type="hidden" name="intent" value="paid-status" />
              <label className="woo-field">
                <span>When an invoice is paid through Facto, set the order to</span>
                <select name="paidStatus" defaultValue={store.paidStatus}>
                  {WOO_PAID_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </label>
              <button className="woo-button" type="submit" disabled={busy}>
                Save order status
              </button>
            </Form>
            <Form method="post" onSubmit={(e) => (confirm("Disconnect this store? Facto removes its webhooks; your invoices stay.") ? undefined : e.preventDefault())}>
              <input type="hidden" name="csrf" value={csrf} />
              <input type="hidden" name="intent" value="disconnect" />
              <button className="woo-button" data-tone="critical" type="submit" disabled={busy}>
                Disconnect store
              </button>
            </Form>
          </>
        ) : (
          <p>This store is disconnected. Connect it again from <a href="/woo">your stores</a>.</p>
        )}
      </section>

      <section className="woo-card" aria-label="This month">
        <h2>This month</h2>
        <div className="woo-grid">
          <p>Issued this month<br /><strong>{figures.issuedThisMonth.count}</strong> · EUR {figures.issuedThisMonth.total}</p>
          <p>Unpaid<br /><strong>{figures.unpaid.count}</strong> · EUR {figures.unpaid.total}</p>
          <p>Overdue<br /><strong>{figures.overdue.count}</strong> · EUR {figures.overdue.total}</p>
          <p>Collected by direct debit<br /><strong>{figures.collectedByDirectDebit.count}</strong> · EUR {figures.collectedByDirectDebit.total}</p>
        </div>
        <div role="img" aria-label={`Invoices per day, last 14 days: ${perDay.map((d) => d.count).join(", ")}`} style={{ display: "flex", alignItems: "flex-end", gap: 4, height: 60, margin: "8px 0" }}>
          {perDay.map((d) => (
            <div key={d.day} title={`${d.day}: ${d.count}`} style={{ width: 14, height: `${Math.max(2, (d.count / most) * 60)}px`, background: d.count ? "#1f4e79" : "#d0d7de", borderRadius: 2 }} />
          ))}
        </div>
        <p className="woo-muted">
          Last webhook: {health.lastWebhookAt ? `${health.lastWebhookAt.slice(0, 16).replace("T", " ")} UTC (${health.lastWebhookTopic})` : "none yet"} · failed events: {health.failedEvents} · failed e-mails: {health.failedEmails}
        </p>
        {health.failedEvents > 0 ? (
          <Form method="post">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="intent" value="retry" />
            <button className="woo-button" type="submit" disabled={busy}>Retry the failed events</button>
          </Form>
        ) : null}
        <form method="get" action={`/woo/stores/${store.id}/exports/zip`} className="woo-grid">
          <label className="woo-field"><span>Export from</span><input type="date" name="from" required /></label>
          <label className="woo-field"><span>to</span><input type="date" name="to" required /></label>
          <button className="woo-button" type="submit">Export for the accountant (ZIP: PDF, UBL, CSV)</button>
        </form>
      </section>
      <section className="woo-card" id="seller-settings">
        <h2>Seller on your invoices</h2>
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="settings" />
          <Field label="Legal name" {...v("legalName")} />
          <Field label="Street and number" {...v("street")} />
          <div className="woo-grid">
            <Field label="Postal code" {...v("postalCode")} />
            <Field label="City" {...v("city")} />
            <Field label="Country (ISO code)" {...v("countryCode")} help="BE for Belgium" />
          </div>
          <div className="woo-grid">
            <Field label="VAT number" {...v("vatNumber")} />
            <Field label="Enterprise number" {...v("enterpriseNumber")} />
          </div>
          <div className="woo-grid">
            <Field label="IBAN" {...v("iban")} />
            <Field label="BIC" {...v("bic")} />
          </div>
          <div className="woo-grid">
            <Field label="E-mail" {...v("email")} />
            <Field label="Phone" {...v("phone")} />
          </div>
          <div className="woo-grid">
            <label className="woo-field">
              <span>Invoice language</span>
              <select name="defaultLanguage" defaultValue={values.defaultLanguage || "nl"}>
                <option value="nl">Nederlands</option>
                <option value="fr">Français</option>
                <option value="en">English</option>
                <option value="de">Deutsch</option>
              </select>
            </label>
            <Field label="Payment term (days)" {...v("paymentTermDays")} />
            <label className="woo-field">
              <span>Issue the invoice when the order is</span>
              <select name="invoiceTrigger" defaultValue={values.invoiceTrigger || "ORDER_CREATED"}>
                <option value="ORDER_CREATED">placed</option>
                <option value="ORDER_PAID">paid</option>
                <option value="ORDER_FULFILLED">completed</option>
              </select>
            </label>
          </div>
          <Field
            label="Order meta keys holding the buyer's VAT number"
            name="vatMetaKeys"
            defaultValue={values.vatMetaKeys}
            error={errors.vatMetaKeys}
            help="Besides the common EU VAT plugins' keys (_billing_vat_number, _vat_number, vat_number …), e.g. _my_checkout_vat"
          />
          <input type="hidden" name="ossField" value="1" />
          <label>
            <input type="checkbox" name="ossDestinationTaxation" defaultChecked={values.ossDestinationTaxation === "on"} /> Tax EU consumers at their own country&apos;s VAT (One-Stop-Shop) — tick when your EU distance
            sales passed €10,000 this or last year, or when you opted in to OSS
          </label>
          <br />
          <button className="woo-button" type="submit" disabled={busy}>
            Save seller details
          </button>
        </Form>
      </section>

      <section className="woo-card">
        <h2>Direct debit (Twikey)</h2>
        <p className="woo-muted">
          {store.twikey.configured ? "Connected: customers can sign a SEPA mandate on their payment page, and their invoices are collected." : "Connect Twikey to offer payment by direct debit on the payment page and in the invoice e-mail."}
        </p>
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="direct-debit" />
          <div className="woo-grid">
            <Field label="Twikey API key" name="twikeyApiKey" type="password" autoComplete="off" error={errors.twikeyApiKey} help={store.twikey.configured ? "Stored (encrypted); enter a new one to replace it" : undefined} />
            <Field label="Website key" name="twikeyWebsiteKey" type="password" autoComplete="off" />
          </div>
          <div className="woo-grid">
            <label className="woo-field">
              <span>Environment</span>
              <select name="environment" defaultValue={store.twikey.environment}>
                <option value="production">Production</option>
                <option value="sandbox">Sandbox</option>
                <option value="tenant">My tenant's URL</option>
              </select>
            </label>
            <Field label="Tenant URL (only for a tenant)" name="tenantUrl" defaultValue={store.twikey.environment === "tenant" ? store.twikey.tenantUrl : ""} error={errors.tenantUrl} />
          </div>
          <div className="woo-grid">
            <Field label="Template for consumers (CORE)" name="twikeyTemplateCore" defaultValue={store.twikey.templateCore} error={errors.twikeyTemplateCore} />
            <Field label="Template for businesses (CORE or B2B)" name="twikeyTemplateB2b" defaultValue={store.twikey.templateB2b} error={errors.twikeyTemplateB2b} />
          </div>
          <label>
            <input type="checkbox" name="twikeyAutoCollect" defaultChecked={store.twikey.autoCollect} /> Collect new invoices of customers with a mandate automatically
          </label>
          <br />
          <label>
            <input type="checkbox" name="twikeyNotifyBeforeCollection" defaultChecked={store.twikey.notify} /> E-mail the customer before each collection
          </label>
          <p className="woo-muted">
            Paste into Twikey — webhook URL (Settings → API → your API key): <code>{store.twikey.callbackUrl}</code>
            <br />
            thank-you page / exit URL (Settings → Profiles → each template → Thank-you page), exactly as shown: <code>{store.twikey.exitUrl}</code>
            <br />
            After a signature Twikey replaces {"{{mandateNumber}}"}, {"{{status}}"} and {"{{s}}"}; it adds nothing by itself. Facto sends each collection to your bank itself (Twikey's "collect").
          </p>
          <button className="woo-button" type="submit" disabled={busy}>
            Save direct debit
          </button>
        </Form>
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="test-exit-url" />
          <button className="woo-button" type="submit" disabled={busy || !store.twikey.hasWebsiteKey}>
            Test this URL
          </button>
        </Form>
      </section>

      <section className="woo-card">
        <h2>Invoices</h2>
        {held.length ? (
          <p className="woo-banner" data-tone="critical" data-testid="held-in-list">
            {`Not invoiced yet, held for their VAT: ${held.map((h) => h.orderName).join(", ")} — `}
            <a href="#held-orders">see why and what to do</a>.
          </p>
        ) : null}
        <p>
          {notDelivered ? <a href={`/woo/stores/${store.id}`}>All invoices</a> : <a href={`/woo/stores/${store.id}?peppol=NOT_DELIVERED`}>Not delivered over PEPPOL</a>}
        </p>
        {invoices.length === 0 ? (
          <p className="woo-muted">{notDelivered ? "Every PEPPOL delivery went through." : "No invoices yet."}</p>
        ) : (
          <table className="woo-table">
            <thead>
              <tr>
                <th>Number</th>
                <th>Order</th>
                <th>Date</th>
                <th>Total</th>
                <th>Status</th>
                <th>PEPPOL</th>
              </tr>
            </thead>
            <tbody>
              {invoices.map((i) => (
                <tr key={i.id}>
                  <td>
                    <a href={`/woo/stores/${store.id}/invoices/${i.id}`}>{i.number}</a>
                    {i.payUrl ? (
                      <>
                        {" · "}
                        <a href={i.payUrl}>payment page</a>
                      </>
                    ) : null}
                  </td>
                  <td>{i.order}</td>
                  <td>{i.date}</td>
                  <td>{i.total}</td>
                  <td>{i.kind === "CREDIT_NOTE" ? "credit note" : i.status}</td>
                  <td>{i.peppol}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </WooLayout>
  );
}
