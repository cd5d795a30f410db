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
import type { MollieChargeback, MollieGateway, MolliePayment, MollieRefund } from "~/integrations/mollie/mollie-client.server";
import { syncMolliePayment, type PaymentEffects } from "~/services/online-payment.server";
import { settleInvoicePayments } from "~/services/settle-invoice-payments.server";
import { updatePaymentSettings } from "~/services/update-payment-settings.server";
import { decryptSecret } from "~/utils/encryption.server";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT } from "../support/stack";

/** The payment ledger and the e-mail outbox as services, against the real database. */
const stack = inject("stack");
let db: Db;
let shopId: string;
const noEffects: PaymentEffects = { enqueueOrderPaid: async () => {}, enqueueThankYou: async () => {}, notifyMerchant: async () => {}, enqueueStoreStatus: async () => {} };
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

/**
 * Mollie as Facto sees it through its gateway: a payment stays `paid` after a refund or chargeback; its
 * totals and lists change (the fake Mollie and the official client are tested together in
 * app/integrations/mollie/mollie-client.server.test.ts, and end to end in payment-page.test.ts).
 */
function mollieStub(id: string, amount: string) {
  const state = { payment: { id, status: "paid", amount: { currency: "EUR", value: amount }, amountRefunded: "0.00", amountChargedBack: "0.00", method: "creditcard", paidAt: new Date("2026-11-26T10:00:00Z"), checkoutUrl: null, metadata: {}, failureReason: null } as MolliePayment, refunds: [] as MollieRefund[], chargebacks: [] as MollieChargeback[], calls: { refunds: 0, chargebacks: 0 } };
  const total = (items: { amount: string }[]) => items.reduce((n, i) => n + Number(i.amount), 0).toFixed(2);
  const gateway: MollieGateway = {
    createPayment: async () => { throw new Error("not used"); },
    getPayment: async () => ({ ...state.payment, amountRefunded: total(state.refunds.filter((r) => r.status !== "failed" && r.status !== "canceled")), amountChargedBack: total(state.chargebacks.filter((c) => !c.reversedAt)) }),
    listRefunds: async () => (state.calls.refunds++, state.refunds.map((r) => ({ ...r }))),
    listChargebacks: async () => (state.calls.chargebacks++, state.chargebacks.map((c) => ({ ...c }))),
  };
  return { state, gateway };
}

function recordingEffects() {
  const told: { shopId: string; subject: string; text: string }[] = [];
  const storeStatus: string[] = [];
  const paid: string[] = [];
  const effects: PaymentEffects = {
    enqueueOrderPaid: async (id) => void paid.push(id),
    enqueueThankYou: async () => {},
    notifyMerchant: async (shopId, subject, text) => void told.push({ shopId, subject, text }),
    enqueueStoreStatus: async (id) => void storeStatus.push(id),
  };
  return { told, storeStatus, paid, effects };
}

async function paidOnline(orderId: number, molliePaymentId: string) {
  const invoice = await newInvoice(orderId);
  const amount = invoice.amountDue.toFixed(2);
  const stub = mollieStub(molliePaymentId, amount);
  await db.payment.create({ data: { shopId, invoiceId: invoice.id, provider: "MOLLIE", externalId: molliePaymentId, status: "OPEN", amount, currency: "EUR" } });
  const fx = recordingEffects();
  const first = await syncMolliePayment(db, shopId, molliePaymentId, fx.effects, async () => stub.gateway);
  expect(first.settlement).toMatchObject({ status: "PAID", becamePaid: true });
  return { invoice, amount, stub, fx };
}

const historyOf = async (invoiceId: string) => (await db.invoiceEvent.findMany({ where: { invoiceId }, orderBy: { createdAt: "asc" } })).map((e) => e.type);

describe("Mollie chargebacks and refunds", () => {
  it("a chargeback reverses the payment: the invoice is unpaid, the history says so, the merchant is told once; a repeated webhook changes nothing", async () => {
    const { invoice, amount, stub, fx } = await paidOnline(8802001, "tr_chargeback01");
    stub.state.chargebacks.push({ id: "chb_full0001", amount, currency: "EUR", reason: "MD06: Refund request by end customer", createdAt: new Date("2026-11-28T08:00:00Z"), reversedAt: null });

    const result = await syncMolliePayment(db, shopId, "tr_chargeback01", fx.effects, async () => stub.gateway);
    expect(result.settlement).toMatchObject({ status: "ISSUED", paidAmount: "0.00", outstanding: amount, reversed: true });
    const row = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { payments: { include: { reversals: true } } } });
    expect(row.status).toBe("ISSUED");
    expect(row.amountDue.toFixed(2)).toBe(amount);
    expect(row.paidAt).toBeNull();
    expect(row.payments[0]).toMatchObject({ status: "PAID" });
    expect(row.payments[0]!.amountChargedBack.toFixed(2)).toBe(amount);
    expect(row.payments[0]!.reversals.map((r) => [r.kind, r.externalId, r.amount.toFixed(2), r.reason])).toEqual([["CHARGEBACK", "chb_full0001", amount, "MD06: Refund request by end customer"]]);
    expect(row.payments[0]!.reversals[0]!.merchantNotifiedAt).toBeInstanceOf(Date);
    const events = await db.invoiceEvent.findMany({ where: { invoiceId: invoice.id, type: { in: ["payment.charged_back", "payment.reversed"] } }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["payment.charged_back", "payment.reversed"]);
    expect(events[0]!.message).toContain("chb_full0001");
    expect(events[1]!.message).toBe(`The payment was charged back: EUR ${amount} is open again`);
    expect(fx.told).toHaveLength(1);
    expect(fx.told[0]).toMatchObject({ shopId, subject: `Chargeback on invoice ${invoice.formattedNumber}` });
    expect(fx.told[0]!.text).toContain(`charged back EUR ${amount}`);
    expect(fx.told[0]!.text).toContain(`The invoice is unpaid again: EUR ${amount} is open.`);
    expect(fx.storeStatus).toEqual([invoice.id]);

    // Mollie calls again (its retries, or the next change): nothing new.
    const before = await historyOf(invoice.id);
    await syncMolliePayment(db, shopId, "tr_chargeback01", fx.effects, async () => stub.gateway);
    await syncMolliePayment(db, shopId, "tr_chargeback01", fx.effects, async () => stub.gateway);
    expect(await historyOf(invoice.id)).toEqual(before);
    expect(await db.paymentReversal.count({ where: { payment: { invoiceId: invoice.id } } })).toBe(1);
    expect(fx.told).toHaveLength(1);
    expect(fx.storeStatus).toHaveLength(1);
  });

  it("a partial chargeback leaves the invoice partially paid", async () => {
    const { invoice, amount, stub, fx } = await paidOnline(8802002, "tr_chargeback02");
    stub.state.chargebacks.push({ id: "chb_part0001", amount: "30.00", currency: "EUR", reason: null, createdAt: new Date(), reversedAt: null });
    const result = await syncMolliePayment(db, shopId, "tr_chargeback02", fx.effects, async () => stub.gateway);
    const paid = (Number(amount) - 30).toFixed(2);
    expect(result.settlement).toMatchObject({ status: "ISSUED", paidAmount: paid, outstanding: "30.00", reversed: true });
    const view = await loadPaymentPage(db, invoice.publicToken!, { language: "en", effects: noEffects });
    expect(view?.invoice.status).toBe("partiallyPaid");
    expect(view?.invoice.outstanding).toBe("EUR 30.00");
    expect(view?.payments.map((p) => p.amount)).toEqual([`EUR ${paid}`]);
    expect(fx.told[0]!.text).toContain("The invoice is partially paid again: EUR 30.00 is open.");
  });

  it("a reversed chargeback makes the invoice paid again, once, without a second e-mail to the merchant", async () => {
    const { invoice, amount, stub, fx } = await paidOnline(8802003, "tr_chargeback03");
    stub.state.chargebacks.push({ id: "chb_rev00001", amount, currency: "EUR", reason: null, createdAt: new Date(), reversedAt: null });
    await syncMolliePayment(db, shopId, "tr_chargeback03", fx.effects, async () => stub.gateway);
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("ISSUED");

    stub.state.chargebacks[0]!.reversedAt = new Date();
    const back = await syncMolliePayment(db, shopId, "tr_chargeback03", fx.effects, async () => stub.gateway);
    expect(back.settlement).toMatchObject({ status: "PAID", becamePaid: true });
    await syncMolliePayment(db, shopId, "tr_chargeback03", fx.effects, async () => stub.gateway);
    const types = await historyOf(invoice.id);
    expect(types.filter((t) => t === "payment.chargeback_reversed")).toHaveLength(1);
    expect(types.filter((t) => t === "payment.charged_back")).toHaveLength(1);
    expect((await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } })).amountChargedBack.toFixed(2)).toBe("0.00");
    expect(fx.told).toHaveLength(1);
    expect(fx.storeStatus).toEqual([invoice.id, invoice.id]);
  });

  it("reads a refund made in Mollie's dashboard from the webhook: recorded once by its id, with its later status", async () => {
    const { invoice, stub, fx } = await paidOnline(8802004, "tr_dashrefund1");
    stub.state.refunds.push({ id: "re_dash00001", amount: "10.00", currency: "EUR", status: "pending", description: "Goodwill", createdAt: new Date() });
    const result = await syncMolliePayment(db, shopId, "tr_dashrefund1", fx.effects, async () => stub.gateway);
    expect(result.settlement).toMatchObject({ status: "ISSUED", outstanding: "10.00", reversed: true });
    await syncMolliePayment(db, shopId, "tr_dashrefund1", fx.effects, async () => stub.gateway);
    const rows = await db.paymentReversal.findMany({ where: { payment: { invoiceId: invoice.id } } });
    expect(rows.map((r) => [r.kind, r.externalId, r.amount.toFixed(2), r.status])).toEqual([["REFUND", "re_dash00001", "10.00", "pending"]]);
    const refundEvents = await db.invoiceEvent.findMany({ where: { invoiceId: invoice.id, type: "payment.refunded" } });
    expect(refundEvents.map((e) => e.message)).toEqual(["Refund re_dash00001 of online payment tr_dashrefund1: EUR 10.00 (pending)"]);
    expect((await db.invoiceEvent.findFirstOrThrow({ where: { invoiceId: invoice.id, type: "payment.reversed" } })).message).toBe("The payment was refunded: EUR 10.00 is open again");
    // A refund is the merchant's own act: no e-mail about it.
    expect(fx.told).toEqual([]);
    expect(fx.storeStatus).toEqual([invoice.id]);

    // The refund fails (the customer's account is closed): the money is back, the invoice paid again.
    stub.state.refunds[0]!.status = "failed";
    const back = await syncMolliePayment(db, shopId, "tr_dashrefund1", fx.effects, async () => stub.gateway);
    expect(back.settlement).toMatchObject({ status: "PAID" });
    expect(await historyOf(invoice.id)).toContain("payment.refund_failed");
    expect(fx.storeStatus).toEqual([invoice.id, invoice.id]);
    expect((await db.paymentReversal.findFirstOrThrow({ where: { externalId: "re_dash00001" } })).status).toBe("failed");
  });

  it("records a chargeback once and tells the merchant once when Mollie's webhook arrives several times at once", async () => {
    const { invoice, amount, stub, fx } = await paidOnline(8802005, "tr_chargeback05");
    stub.state.chargebacks.push({ id: "chb_conc0001", amount, currency: "EUR", reason: null, createdAt: new Date(), reversedAt: null });
    await Promise.all(Array.from({ length: 5 }, () => syncMolliePayment(db, shopId, "tr_chargeback05", fx.effects, async () => stub.gateway)));
    expect(fx.told).toHaveLength(1);
    const types = await historyOf(invoice.id);
    expect(types.filter((t) => t === "payment.charged_back")).toHaveLength(1);
    expect(types.filter((t) => t === "payment.reversed")).toHaveLength(1);
  });

  it("keeps the merchant's notice due when the e-mail fails, and sends it on the retried webhook", async () => {
    const { stub, amount } = await paidOnline(8802006, "tr_chargeback06");
    stub.state.chargebacks.push({ id: "chb_mail0001", amount, currency: "EUR", reason: null, createdAt: new Date(), reversedAt: null });
    const failing: PaymentEffects = { ...recordingEffects().effects, notifyMerchant: async () => { throw new Error("SMTP down"); } };
    await expect(syncMolliePayment(db, shopId, "tr_chargeback06", failing, async () => stub.gateway)).rejects.toThrow("SMTP down");
    expect((await db.paymentReversal.findFirstOrThrow({ where: { externalId: "chb_mail0001" } })).merchantNotifiedAt).toBeNull();
    const fx = recordingEffects();
    await syncMolliePayment(db, shopId, "tr_chargeback06", fx.effects, async () => stub.gateway);
    expect(fx.told).toHaveLength(1);
    expect((await db.paymentReversal.findFirstOrThrow({ where: { externalId: "chb_mail0001" } })).merchantNotifiedAt).toBeInstanceOf(Date);
  });

  it("reads no lists for a payment that has neither refunds nor chargebacks", async () => {
    const { stub } = await paidOnline(8802007, "tr_plainpaid01");
    expect(stub.state.calls).toEqual({ refunds: 0, chargebacks: 0 });
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
