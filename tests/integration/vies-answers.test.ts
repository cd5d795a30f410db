import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import { mapShopifyOrder } from "~/integrations/shopify/map-shopify-order";
import { ShopifyOrderPayload } from "~/integrations/shopify/order-payload";
import { checkBuyerVatInVies } from "~/services/check-buyer-vat.server";
import { issueInvoice } from "~/services/issue-invoice.server";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv, ROOT } from "../support/stack";

/**
 * What VIES answers decides the VAT on an invoice to a business elsewhere in the EU, through the
 * worker's own check (the VIES client over HTTP, against the fake VIES of the test stack, whose
 * RO100 … RO601 are the EU test service's numbers): only a definitive answer decides; everything
 * VIES cannot confirm now makes the invoice wait (a retryable error, no number used), and a refused
 * requester — our own VAT number — never makes the buyer "invalid".
 */
const stack = inject("stack");
let db: Db;
let shopId: string;
let orderId = 9901000;

function romanianBusinessOrder(vatNumber: string) {
  const raw = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/shopify/order-be-consumer.json"), "utf8"));
  const id = ++orderId;
  const address = { ...raw.billing_address, company: "SC Lumina Test SRL", address1: "Strada Lipscani 10", city: "Bucuresti", zip: "030031", country: "Romania", country_code: "RO", phone: null };
  const order = { ...raw, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${id}`, billing_address: address, shipping_address: address, note_attributes: [{ name: "VAT number", value: vatNumber }] };
  return mapShopifyOrder(ShopifyOrderPayload.parse(order));
}

const issue = (vatNumber: string) => issueInvoice(db, { shopId, order: romanianBusinessOrder(vatNumber), now: new Date(), checkVat: checkBuyerVatInVies(stack.fakeViesUrl) });

beforeAll(async () => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
  ({ shopId } = await seedShopifyShop(db, { domain: "vies-answers.myshopify.com" }));
});
afterAll(async () => db?.$disconnect());

describe("VIES answers on an invoice to an EU business", () => {
  it("VALID: intra-Community supply without VAT, with VIES's consultation number", async () => {
    const { invoiceId } = await issue("RO100");
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect(invoice.vatRegime).toBe("INTRA_COMMUNITY");
    expect(invoice.vatTotal.toFixed(2)).toBe("0.00");
    expect(invoice.viesConsultationNumber).toMatch(/^WAPIAAAAZ\d{6}$/);
  });

  it("INVALID and INVALID_INPUT: the buyer's number is not valid, VAT is charged", async () => {
    for (const number of ["RO200", "RO201"]) {
      const { invoiceId } = await issue(number);
      const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
      expect(invoice.vatRegime, number).not.toBe("INTRA_COMMUNITY");
      expect(invoice.vatTotal.greaterThan(0), number).toBe(true);
      expect(invoice.vatReason, number).toContain(number);
    }
  });

  it("INVALID_REQUESTER_INFO: our own VAT number is the problem — the buyer is still confirmed, and the invoice history tells the merchant", async () => {
    const { invoiceId } = await issue("RO202");
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, include: { events: true } });
    expect(invoice.vatRegime).toBe("INTRA_COMMUNITY");
    expect(invoice.vatTotal.toFixed(2)).toBe("0.00");
    expect(invoice.viesConsultationNumber).toBeNull();
    const event = invoice.events.find((e) => e.type === "vies.requester_refused")!;
    expect(event.message).toContain("INVALID_REQUESTER_INFO");
    expect(event.message).toContain("Check your own VAT number in Facto's settings");
  });

  it("every answer VIES cannot give now makes the invoice wait: a retryable error, no invoice, no number used", async () => {
    const codes = { RO300: "SERVICE_UNAVAILABLE", RO301: "MS_UNAVAILABLE", RO302: "TIMEOUT", RO400: "VAT_BLOCKED", RO401: "IP_BLOCKED", RO500: "GLOBAL_MAX_CONCURRENT_REQ", RO501: "GLOBAL_MAX_CONCURRENT_REQ_TIME", RO600: "MS_MAX_CONCURRENT_REQ", RO601: "MS_MAX_CONCURRENT_REQ_TIME" };
    const before = await db.invoice.count({ where: { shopId } });
    const series = await db.invoiceSeries.findMany({ where: { shopId }, select: { code: true, nextNumber: true }, orderBy: { code: "asc" } });
    for (const [number, code] of Object.entries(codes)) {
      const error = await issue(number).catch((e: unknown) => e);
      expect(error, number).toBeInstanceOf(AppError);
      expect(error, number).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true, details: { code } });
    }
    expect(await db.invoice.count({ where: { shopId } })).toBe(before);
    expect(await db.invoiceSeries.findMany({ where: { shopId }, select: { code: true, nextNumber: true }, orderBy: { code: "asc" } })).toEqual(series);
  });
});
