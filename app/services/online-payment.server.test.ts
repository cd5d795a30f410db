import { describe, expect, it } from "vitest";
import { onlinePaymentBlock } from "./online-payment.server";

const open = { kind: "INVOICE", status: "ISSUED", amountDue: "228.91", currency: "EUR" };
const shop = { mollieApiKey: "v1.encrypted", payOnlineMaxAmount: null };

describe("when Pay online is offered", () => {
  it("is offered for an open invoice of a shop with a Mollie key", () => {
    expect(onlinePaymentBlock(open, shop)).toBeNull();
    expect(onlinePaymentBlock(open, { ...shop, payOnlineMaxAmount: "228.91" })).toBeNull();
  });

  it("is hidden above the shop's maximum, once paid or credited, without a key, and for credit notes", () => {
    expect(onlinePaymentBlock(open, { ...shop, payOnlineMaxAmount: "228.90" })).toBe("above-maximum");
    expect(onlinePaymentBlock({ ...open, status: "PAID" }, shop)).toBe("paid");
    expect(onlinePaymentBlock({ ...open, status: "CREDITED" }, shop)).toBe("credited");
    expect(onlinePaymentBlock({ ...open, amountDue: "0.00" }, shop)).toBe("nothing-due");
    expect(onlinePaymentBlock(open, { ...shop, mollieApiKey: null })).toBe("no-provider");
    expect(onlinePaymentBlock({ ...open, kind: "CREDIT_NOTE" }, shop)).toBe("not-an-invoice");
  });
});
