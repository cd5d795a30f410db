import { readFileSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { isValidCreditorIdentifier } from "~/domain/sepa/creditor-identifier";
import { mapShopifyOrder } from "~/integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "~/integrations/shopify/order-payload";
import { accountantExport } from "~/services/accountant-export.server";
import { creditInvoiceFully, exportPain008, recordManualPayment } from "~/services/invoice-actions.server";
import { issueInvoice } from "~/services/issue-invoice.server";
import { ensureInvoiceDocuments } from "~/services/render-invoice-documents.server";
import type { AfterIssueDeps } from "~/services/after-invoice-issued.server";
import { assertValidUbl, validatePain008 } from "../support/official-validation";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT } from "../support/stack";

/** What a merchant does with invoices: record a payment, credit a sale, export for the accountant and the bank. */
const stack = inject("stack");
let db: Db;
let shopId: string;
const effects = { paid: [] as string[], thanked: [] as string[] };
const paymentEffects = {
  enqueueOrderPaid: async (id: string) => void effects.paid.push(id),
  enqueueThankYou: async (id: string) => void effects.thanked.push(id),
  notifyMerchant: async () => {},
  enqueueStoreStatus: async () => {},
};
/** The after-issue pipeline's collaborators: the real documents, no PEPPOL provider, jobs recorded. */
const queued: { name: string; payload: unknown }[] = [];
const afterIssue: AfterIssueDeps = { enqueue: async (name, payload) => void queued.push({ name, payload }), peppolProvider: null, renderDocuments: ensureInvoiceDocuments };
const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));

async function newInvoice(orderId: number, customerId = 6940095545623) {
  const raw = { ...fixture, id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}`, financial_status: "pending", customer: { ...fixture.customer, id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` } };
  const { invoiceId } = await issueInvoice(db, { shopId, order: mapShopifyOrder(ShopifyOrderPayload.parse(raw)), now: new Date() });
  await ensureInvoiceDocuments(db, invoiceId);
  return db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
}

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 3);
  ({ shopId } = await seedShopifyShop(db, { domain: "merchant-actions.myshopify.com" }));
  await db.shop.update({ where: { id: shopId }, data: { invoiceSender: "NONE" } });
});
afterAll(async () => db.$disconnect());

describe("merchant actions on invoices", () => {
  it("records a transfer by hand: partial, then the rest; refuses more than is due or a future date", async () => {
    const invoice = await newInvoice(9900001);
    const today = new Date().toISOString().slice(0, 10);
    await expect(recordManualPayment(db, shopId, invoice.id, { amount: "9999.00", paidOn: today, method: "Bank transfer" }, paymentEffects)).rejects.toThrow(/At most/);
    await expect(recordManualPayment(db, shopId, invoice.id, { amount: "10.00", paidOn: "2999-01-01", method: "" }, paymentEffects)).rejects.toThrow(/not in the future/);
    const partial = await recordManualPayment(db, shopId, invoice.id, { amount: "100.00", paidOn: today, method: "Bank transfer" }, paymentEffects);
    expect(partial).toMatchObject({ status: "ISSUED", paidAmount: "100.00", becamePaid: false });
    const rest = await recordManualPayment(db, shopId, invoice.id, { amount: partial.outstanding, paidOn: today, method: "Cash" }, paymentEffects);
    expect(rest).toMatchObject({ status: "PAID", becamePaid: true });
    expect(effects.paid).toContain(invoice.id);
    await expect(recordManualPayment(db, shopId, invoice.id, { amount: "1.00", paidOn: today, method: "" }, paymentEffects)).rejects.toThrow(/invoice is paid/);
  });

  it("credits an invoice in full with a credit note that refers to it, once", async () => {
    const invoice = await newInvoice(9900002);
    const note = await creditInvoiceFully(db, shopId, invoice.id, "Order cancelled by phone", new Date(), afterIssue);
    const stored = await db.invoice.findUniqueOrThrow({ where: { id: note.creditNoteId }, include: { documents: true } });
    expect(stored).toMatchObject({ kind: "CREDIT_NOTE", originalInvoiceId: invoice.id });
    expect(stored.taxInclusiveTotal.toFixed(2)).toBe(invoice.taxInclusiveTotal.toFixed(2));
    expect(stored.documents.map((d) => d.format).sort()).toEqual(["PDF", "UBL"]);
    const original = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
    expect(original.status).toBe("CREDITED");
    // The after-issue pipeline like every credit note (decision 024): the invoice settled (nothing due any
    // more — before, the admin's credit note left its amount due as it was) and the store's order annotated.
    expect(original.amountDue.toFixed(2)).toBe("0.00");
    expect(queued).toContainEqual({ name: "annotate-order", payload: { invoiceId: note.creditNoteId } });
    await expect(creditInvoiceFully(db, shopId, invoice.id, "again", new Date(), afterIssue)).rejects.toThrow(/already fully credited/);
  });

  it("exports a period for the accountant: every PDF and UBL and a CSV that adds up", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { zip, count } = await accountantExport(db, shopId, today, today);
    const files = unzipSync(zip);
    const csv = strFromU8(files["summary.csv"]!).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(csv.length - 1).toBe(count);
    expect(csv[0]).toBe("number;type;issue_date;due_date;order;customer;customer_vat_number;currency;net;vat;total;paid;status;vat_regime;corrects");
    const numbers = (await db.invoice.findMany({ where: { shopId, issueDate: new Date(today) } })).map((i) => i.formattedNumber);
    for (const n of numbers) expect(Object.keys(files).some((f) => f.endsWith(`/${n}.pdf`)) && Object.keys(files).some((f) => f.endsWith(`/${n}.xml`))).toBe(true);
    expect(csv.some((l) => l.includes(";credit note;") && l.endsWith(";INV-0002"))).toBe(true);
    await expect(accountantExport(db, shopId, today, "2000-01-01")).rejects.toThrow(/Choose a period/);
  });

  it("writes a pain.008 for open invoices of customers with a signed mandate: FRST then RCUR, never an invoice twice", async () => {
    const a = await newInvoice(9900003, 7100000000001);
    const b = await newInvoice(9900004, 7100000000001);
    const noMandate = await newInvoice(9900005, 7100000000002);
    await db.mandate.create({ data: { shopId, customerId: a.customerId, mndtId: "PAPER-0001", status: "SIGNED", scheme: "CORE", iban: "BE71096123456769", bic: "GKCCBEBB", debtorName: "Jan Peeters", signedAt: new Date("2026-10-01T00:00:00Z") } });
    const date = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const first = await exportPain008(db, shopId, { invoiceIds: [a.id, noMandate.id], collectionDate: date, now: new Date() });
    expect(first.included).toEqual([a.formattedNumber]);
    expect(first.skipped).toEqual([{ invoice: noMandate.formattedNumber, reason: "no signed mandate" }]);
    // The file is the sending: Twikey's collect never picks these lines up (decision 014).
    expect((await db.payment.findFirstOrThrow({ where: { invoiceId: a.id, provider: "DIRECT_DEBIT" } })).sentToBankAt).not.toBeNull();
    const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(first.xml);
    const pmtInf = doc.Document.CstmrDrctDbtInitn.PmtInf;
    expect(pmtInf.PmtTpInf.SeqTp).toBe("FRST");
    expect(pmtInf.ReqdColltnDt).toBe(date);
    expect(isValidCreditorIdentifier(pmtInf.CdtrSchmeId.Id.PrvtId.Othr.Id)).toBe(true);
    expect(pmtInf.DrctDbtTxInf.DrctDbtTx.MndtRltdInf.MndtId).toBe("PAPER-0001");
    // The structured communication travels as the creditor reference (its 12 digits) or as the text.
    const remittance = JSON.stringify(pmtInf.DrctDbtTxInf.RmtInf);
    expect(remittance.includes(a.paymentReference!.replace(/\D/g, "")) || remittance.includes(a.paymentReference!)).toBe(true);
    // Valid against the official ISO 20022 pain.008.001.08 XSD (xmllint --schema).
    expect(validatePain008(first.xml)).toEqual({ valid: true, errors: [] });

    const second = await exportPain008(db, shopId, { invoiceIds: [a.id, b.id], collectionDate: date, now: new Date() });
    expect(second.included).toEqual([b.formattedNumber]);
    expect(second.skipped).toEqual([{ invoice: a.formattedNumber, reason: "already being collected" }]);
    expect(new XMLParser().parse(second.xml).Document.CstmrDrctDbtInitn.PmtInf.PmtTpInf.SeqTp).toBe("RCUR");
    expect(validatePain008(second.xml)).toEqual({ valid: true, errors: [] });
  });

  it("every UBL document these actions stored passes the official PEPPOL BIS 3.0.21 + EN 16931 + UBL 2.1 validation", async () => {
    const documents = await db.document.findMany({ where: { shopId, format: "UBL" }, select: { content: true, invoice: { select: { formattedNumber: true, kind: true } } } });
    expect(documents.length).toBeGreaterThan(0);
    for (const d of documents) await assertValidUbl(Buffer.from(d.content).toString("utf8"), `${d.invoice.formattedNumber} (${d.invoice.kind})`);
  }, 120_000);
});
