import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createPrisma } from "~/db.server";
import { encryptSecret } from "~/utils/encryption.server";
import { sendShopifyWebhook } from "../tests/fakes/send-webhook";
import { seedShopifyShop } from "../tests/support/seed-shop";
import { adoptStackEnv, databaseUrlFor, ROOT, startStack, waitFor } from "../tests/support/stack";
import { startFakeWooCommerce } from "../tests/fakes/fake-woocommerce";
import { startFakeTwikey } from "../tests/fakes/fake-twikey";
import { SAMPLE_SELLER } from "~/domain/pdf/sample-invoice";
import { hashPassword } from "~/services/accounts.server";
import { connectWooStore } from "~/services/connect-woo-store.server";

/**
 * `npm start`: Facto running offline. Web on :3000, a worker, the fake Shopify, a database of its
 * own (facto_demo, kept between runs), and one sample order turned into an invoice.
 */
const out = (line = "") => process.stdout.write(`${line}\n`);
const shop = "facto-demo.myshopify.com";

const stack = await startStack({
  label: "demo",
  port: Number(process.env.PORT ?? 3000),
  fakeShopifyPort: Number(process.env.FAKE_SHOPIFY_PORT ?? 3001),
  fakePorts: { mollieApi: 3002, mollieCheckout: 3003, smtp: 2525, smtpInbox: 3004 },
  databaseUrl: process.env.DATABASE_URL ?? databaseUrlFor("facto_demo"),
  keepDatabase: true,
});
adoptStackEnv(stack.info);
const db = createPrisma(stack.info.databaseUrl, 2);
const { shopId } = await seedShopifyShop(db, { domain: shop });
// Direct debit through the (fake) Twikey on :3006: its webhooks and exit URL point at this shop.
const twikey = await startFakeTwikey({ port: Number(process.env.FAKE_TWIKEY_PORT ?? 3006), apiKey: "demo-twikey-api-key", websiteKey: "demo-twikey-website-key" });
// Mandates of an earlier demo run lived in that run's fake Twikey: they end with it.
await db.mandate.updateMany({ where: { shopId, status: { not: "CANCELLED" } }, data: { status: "CANCELLED", cancelReason: "demo restarted", cancelledAt: new Date() } });
await db.customer.updateMany({ where: { shopId }, data: { paymentMethod: null } });
twikey.configure({ webhookUrl: `${stack.info.appUrl}/webhooks/twikey/${shopId}`, exitUrl: `${stack.info.appUrl}/mandates/return/${shopId}` });
// Online payment through the (fake) Mollie, invoices and reminders e-mailed by Facto (fake SMTP).
await db.shop.update({
  where: { id: shopId },
  data: {
    mollieApiKey: encryptSecret(`test_${"demo".repeat(8)}`),
    invoiceSender: "FACTO",
    afterPaymentMessage: "Bedankt voor uw aankoop bij Atelier Lumière!",
    twikeyApiKey: encryptSecret(twikey.config.apiKey),
    twikeyWebsiteKey: encryptSecret(twikey.config.websiteKey),
    twikeyBaseUrl: twikey.baseUrl,
    twikeyTemplateCore: "CORE-DEMO",
    // The fake Twikey's feeds start empty on every run.
    twikeyMandateFeedPosition: null,
    twikeyTransactionFeedPosition: null,
  },
});

// A Belgian consumer's order (21 % and 6 %, shipping, a discount) and Shopify's own sample order
// #1001 (shipped to the US: an export), each with a fresh id so every run issues new invoices.
const fixtures = ["order-be-consumer.json", "order-450789469.json"];
const dir = path.join(ROOT, "var/demo");
mkdirSync(dir, { recursive: true });
const issued: string[] = [];
for (const [index, fixture] of fixtures.entries()) {
  const order = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify", fixture), "utf8"));
  const orderId = Date.now() * 10 + index;
  // The Belgian consumer pays by transfer or online afterwards (pending); #1001 was paid at checkout.
  Object.assign(order, { id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}`, ...(index === 0 ? { financial_status: "pending" } : {}) });
  const ack = await sendShopifyWebhook({ appUrl: stack.info.appUrl, topic: "orders/create", shop, body: JSON.stringify(order), secret: stack.info.shopifyApiSecret });
  out(`orders/create ${order.name} answered ${ack.status} in ${ack.ms.toFixed(1)} ms`);
  await waitFor(async () => (await db.document.count({ where: { shopId, format: "UBL", invoice: { channelOrderId: String(orderId) } } })) > 0, 60_000, "the invoice documents");
  const doc = await db.document.findFirstOrThrow({
    where: { shopId, format: "PDF", invoice: { channelOrderId: String(orderId) } },
    include: { invoice: { select: { formattedNumber: true, taxInclusiveTotal: true, currency: true, vatRegime: true, publicToken: true } } },
  });
  const file = path.join(dir, `${doc.invoice.formattedNumber}.pdf`);
  writeFileSync(file, doc.content);
  const ubl = await db.document.findFirstOrThrow({ where: { shopId, format: "UBL", invoice: { channelOrderId: String(orderId) } } });
  const ublFile = path.join(dir, `${doc.invoice.formattedNumber}.xml`);
  writeFileSync(ublFile, ubl.content);
  issued.push(
    `Invoice ${doc.invoice.formattedNumber} for ${order.name} (${doc.invoice.vatRegime}, ${doc.invoice.currency} ${doc.invoice.taxInclusiveTotal.toFixed(2)})\n  PDF:           ${file}\n  UBL (PEPPOL):  ${ublFile}\n  Payment page:  ${stack.info.appUrl}/pay/${doc.invoice.publicToken}`,
  );
}

// WooCommerce: a (fake) store on :3005 connected to the demo account through Facto's own admin flow,
// and one order placed in it.
const woo = await startFakeWooCommerce({ port: Number(process.env.FAKE_WOO_PORT ?? 3005) });
const demoEmail = "demo@facto.example";
const demoPassword = "facto-demo-2026";
const account = await db.account.upsert({ where: { email: demoEmail }, create: { email: demoEmail, passwordHash: await hashPassword(demoPassword), emailVerifiedAt: new Date() }, update: {} });
const stale = await db.wooConnection.findMany({ where: { storeUrl: woo.url, disconnectedAt: null }, select: { id: true } });
await db.wooConnection.updateMany({ where: { id: { in: stale.map((c) => c.id) } }, data: { disconnectedAt: new Date() } });
const connected = await connectWooStore(db, account.id, { storeUrl: woo.url, consumerKey: woo.key.consumerKey, consumerSecret: woo.key.consumerSecret });
if ("errors" in connected) throw new Error(`the demo WooCommerce store could not be connected: ${JSON.stringify(connected.errors)}`);
await db.shop.update({ where: { id: connected.shopId }, data: { name: "Atelier Lumière (WooCommerce)", ...SAMPLE_SELLER, invoiceSender: "FACTO", mollieApiKey: encryptSecret(`test_${"demo".repeat(8)}`) } });
const wooOrder = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/woocommerce/order-be-incl.json"), "utf8"));
const wooOrderId = Math.floor(Date.now() / 1000) % 1_000_000;
await woo.placeOrder({ ...wooOrder, id: wooOrderId, number: String(wooOrderId), status: "on-hold", date_paid: null, date_paid_gmt: null, payment_method_title: "Direct bank transfer" });
await waitFor(async () => (await db.document.count({ where: { shopId: connected.shopId, format: "PDF", invoice: { channelOrderId: String(wooOrderId) } } })) > 0, 60_000, "the WooCommerce order's invoice");
const wooInvoice = await db.invoice.findFirstOrThrow({ where: { shopId: connected.shopId, channelOrderId: String(wooOrderId) } });
issued.push(`Invoice ${wooInvoice.formattedNumber} for WooCommerce order #${wooOrderId} (${wooInvoice.vatRegime}, EUR ${wooInvoice.taxInclusiveTotal.toFixed(2)})\n  Payment page:  ${stack.info.appUrl}/pay/${wooInvoice.publicToken}`);

out();
for (const line of issued) out(line);
out(`  App (web):     ${stack.info.appUrl}  (health: ${stack.info.appUrl}/healthz)`);
out(`  Admin URL:     https://admin.shopify.com/store/${shop.replace(".myshopify.com", "")}/apps/${stack.info.shopifyApiKey}  (needs a real dev store, see README)`);
out(`  Fake Shopify:  ${stack.info.fakeShopifyUrl}  (state: ${stack.info.fakeShopifyUrl}/_state/${shop})`);
out(`  Fake Mollie:   checkout ${stack.info.fakeMollieCheckoutUrl} (pick Paid / Failed / ...), API ${stack.info.fakeMollieApiUrl}`);
out(`  E-mails:       ${stack.info.fakeSmtpInboxUrl}  (the fake SMTP server's inbox)`);
out(`  Fake Twikey:   ${twikey.url}  (state: ${twikey.url}/_control/state; "Betalen via domiciliëring" on the first payment page signs a mandate there)`);
out(`  WooCommerce:   ${stack.info.appUrl}/woo  (sign in as ${demoEmail} / ${demoPassword}); fake store ${woo.url} (state: ${woo.url}/_control/state)`);
out(`                its REST key, to connect it again: ${woo.key.consumerKey} / ${woo.key.consumerSecret}`);
out(`  Database:      ${stack.info.databaseUrl}`);
out();
out(`Send another order:  SHOPIFY_API_SECRET=${stack.info.shopifyApiSecret} npx tsx tests/fakes/send-webhook.ts --topic orders/create --file tests/fixtures/shopify/order-450789469.json --shop ${shop} --url ${stack.info.appUrl}`);
out("Ctrl-C stops everything.");

await db.$disconnect();
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  await woo.close();
  await twikey.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
// Demo mode for CI smoke checks: exit once the invoice exists.
if (process.env.FACTO_DEMO_EXIT === "1") await stop();
