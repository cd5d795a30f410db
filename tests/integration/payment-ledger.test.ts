import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { PaymentSettingsInput } from "~/domain/shop/payment-settings";
import { mapShopifyOrder } from "~/integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "~/integrations/shopify/order-payload";
import type { Mailer, OutgoingEmail } from "~/integrations/mail/mailer.server";
import { queueCustomerEmail, queueDocumentEmail, queueDueReminders, sendCustomerEmail } from "~/services/customer-emails.server";
import { issueInvoice } from "~/services/issue-invoice.server";
import { loadPaymentPage } from "~/services/payment-page.server";
import { ensureInvoiceDocuments } from "~/services/render-invoice-documents.server";
import { settleInvoicePayments } from "~/services/settle-invoice-payments.server";
import { updatePaymentSettings } from "~/services/update-payment-settings.server";
import { decryptSecret } from "~/utils/encryption.server";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT } from "../support/stack";

/** The payment ledger and the e-mail outbox as services, against the real database. */
const stack = inject("stack");
let db: Db;
let shopId: string;
const noEffects = { enqueueOrderPaid: async () => {}, enqueueThankYou: async () => {} };
const sent: OutgoingEmail[] = [];
const mailer: Mailer = { send: async (e) => (sent.push(e), { messageId: e.messageId, response: "250 OK" }) };

async function newInvoice(orderId: number) {
  const raw = { ...JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8")), id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}`, financial_status: "pending" };
  const { invoiceId } = await issueInvoice(db, { shopId, order: mapShopifyOrder(ShopifyOrderPayload.parse(raw)), now: new Date() });
  await ensureInvoiceDocuments(db, invoiceId);
  return db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
}

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 6);
  ({ shopId } = await seedShopifyShop(db, { domain: "ledger.myshopify.com" }));
});
afterAll(async () => db.$disconnect());

describe("the payment ledger", () => {
  it("keeps a partially paid invoice open for the rest, and pays it when the rest arrives", async () => {
    const invoice = await newInvoice(8801001);
    const total = invoice.taxInclusiveTotal.toFixed(2);
    await db.payment.create({ data: { shopId, invoiceId: invoice.id, provider: "BANK_TRANSFER", status: "PAID", amount: "100.00", currency: "EUR", method: "Bank transfer", paidAt: new Date("2026-11-24T09:00:00Z") } });
    const partial = await settleInvoicePayments(db, invoice.id);
    expect(partial).toMatchObject({ status: "ISSUED", paidAmount: "100.00", becamePaid: false });
    expect(partial.outstanding).toBe((Number(total) - 100).toFixed(2));
    const view = await loadPaymentPage(db, invoice.publicToken!, { language: "en", effects: noEffects });
    expect(view?.invoice.status).toBe("partiallyPaid");
    expect(view?.invoice.outstanding).toBe(`EUR ${(Number(total) - 100).toFixed(2)}`);

    await db.payment.create({ data: { shopId, invoiceId: invoice.id, provider: "BANK_TRANSFER", status: "PAID", amount: partial.outstanding, currency: "EUR", method: "Bank transfer", paidAt: new Date("2026-11-25T09:00:00Z") } });
    const full = await settleInvoicePayments(db, invoice.id);
    expect(full).toMatchObject({ status: "PAID", outstanding: "0.00", becamePaid: true });
    const row = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
    expect(row.paidAt?.toISOString()).toBe("2026-11-25T09:00:00.000Z");
    expect(row.paymentMethod).toBe("Bank transfer");
  });

  it("lets exactly one of many concurrent settlements see the invoice become paid", async () => {
    const invoice = await newInvoice(8801002);
    await db.payment.create({ data: { shopId, invoiceId: invoice.id, provider: "MOLLIE", externalId: "tr_concurrent1", status: "PAID", amount: invoice.amountDue, currency: "EUR", paidAt: new Date() } });
    const results = await Promise.all(Array.from({ length: 6 }, () => settleInvoicePayments(db, invoice.id)));
    expect(results.filter((r) => r.becamePaid)).toHaveLength(1);
    expect(results.every((r) => r.status === "PAID")).toBe(true);
  });
});

describe("the e-mail outbox", () => {
  it("skips a reminder whose invoice got paid after it was queued", async () => {
    const invoice = await newInvoice(8801003);
    const { emailId } = await queueCustomerEmail(db, invoice.id, "REMINDER", 1);
    expect(emailId).not.toBeNull();
    await db.payment.create({ data: { shopId, invoiceId: invoice.id, provider: "MANUAL", status: "PAID", amount: invoice.amountDue, currency: "EUR", paidAt: new Date() } });
    await settleInvoicePayments(db, invoice.id);
    const before = sent.length;
    expect(await sendCustomerEmail(db, emailId!, mailer)).toEqual({ status: "skipped", reason: "the invoice is paid" });
    expect(sent.length).toBe(before);
    // Asking again for the same reminder does not queue it a second time.
    expect((await queueCustomerEmail(db, invoice.id, "REMINDER", 1)).emailId).toBeNull();
  });

  it("never reminds an invoice being collected by direct debit, and sends each step once", async () => {
    const collected = await newInvoice(8801004);
    const open = await newInvoice(8801005);
    const due = new Date(Date.now() - 15 * 86_400_000);
    await db.invoice.updateMany({ where: { id: { in: [collected.id, open.id] } }, data: { dueDate: due } });
    await db.payment.create({ data: { shopId, invoiceId: collected.id, provider: "DIRECT_DEBIT", status: "PENDING", amount: collected.amountDue, currency: "EUR" } });
    // (The test stack's worker runs the same scheduler every second; whoever runs first, the outcome is the same.)
    await queueDueReminders(db, new Date(), async () => {});
    await queueDueReminders(db, new Date(), async () => {});
    const rows = await db.emailMessage.findMany({ where: { invoiceId: { in: [collected.id, open.id] }, kind: "REMINDER" }, select: { invoiceId: true, step: true } });
    // 15 days overdue with reminders at 7, 14, 30: step 2, once, and nothing for the direct-debit invoice.
    expect(rows).toEqual([{ invoiceId: open.id, step: 2 }]);
  });

  it("sends nothing when the shop platform sends the invoices, and attaches the UBL for businesses only", async () => {
    await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "PLATFORM" } });
    const viaShop = await newInvoice(8801006);
    expect(await queueDocumentEmail(db, viaShop.id, "INVOICE")).toEqual({ emailId: null, reason: "the shop platform sends the invoices" });
    await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "FACTO" } });

    const b2b = await newInvoice(8801007);
    await db.invoice.update({ where: { id: b2b.id }, data: { buyer: { ...(b2b.buyer as object), companyName: "Brouwerij De Klok NV", vatNumber: "BE0456810810" } } });
    const { emailId } = await queueDocumentEmail(db, b2b.id, "INVOICE");
    expect(await sendCustomerEmail(db, emailId!, mailer)).toEqual({ status: "sent" });
    const mail = sent.at(-1)!;
    expect(mail.attachments.map((a) => a.filename)).toEqual([`${b2b.formattedNumber}.pdf`, `${b2b.formattedNumber}.xml`]);
    expect(mail.text).toContain("Beste Brouwerij De Klok NV");
    expect(mail.replyTo).toBe("facturen@atelier-lumiere.example");
    // Sending the same row again (a retried job) sends nothing.
    expect(await sendCustomerEmail(db, emailId!, mailer)).toEqual({ status: "sent" });
    expect(sent.filter((m) => m.messageId === mail.messageId)).toHaveLength(1);
  });

  it("uses the merchant's own wording when there is one", async () => {
    await db.emailTemplate.create({ data: { shopId, kind: "INVOICE", language: "nl", subject: "Uw factuur {{invoiceNumber}} is er!", body: "Dag {{customerName}}, betaal {{amount}} via {{paymentLink}}." } });
    const invoice = await newInvoice(8801008);
    const { emailId } = await queueDocumentEmail(db, invoice.id, "INVOICE");
    await sendCustomerEmail(db, emailId!, mailer);
    expect(sent.at(-1)!.subject).toBe(`Uw factuur ${invoice.formattedNumber} is er!`);
    expect(sent.at(-1)!.text).toContain(`/pay/${invoice.publicToken}`);
    await db.emailTemplate.deleteMany({ where: { shopId } });
  });
});

describe("payment settings", () => {
  it("stores the Mollie key encrypted and keeps it when the field is left empty", async () => {
    const key = `test_${"Zz9".repeat(10)}`;
    const form = { mollieApiKey: key, removeMollieKey: "", payOnlineMaxAmount: "750", afterPaymentMessage: "Merci !", afterPaymentUrl: "", invoiceSender: "FACTO", thankYouEmail: "", remindersEnabled: "on", reminderDays: "10, 20" };
    await updatePaymentSettings(db, shopId, PaymentSettingsInput.parse(form));
    let shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(shop.mollieApiKey).not.toContain(key);
    expect(decryptSecret(shop.mollieApiKey!)).toBe(key);
    expect(shop).toMatchObject({ afterPaymentMessage: "Merci !", thankYouEmail: false, reminderDays: [10, 20] });
    expect(shop.payOnlineMaxAmount?.toFixed(2)).toBe("750.00");

    await updatePaymentSettings(db, shopId, PaymentSettingsInput.parse({ ...form, mollieApiKey: "" }));
    shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(decryptSecret(shop.mollieApiKey!)).toBe(key);
    await updatePaymentSettings(db, shopId, PaymentSettingsInput.parse({ ...form, mollieApiKey: "", removeMollieKey: "on" }));
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).mollieApiKey).toBeNull();
  });
});
