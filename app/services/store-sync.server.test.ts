import { describe, expect, it, vi } from "vitest";
import type { Db } from "~/db.server";

const store = { annotateOrder: vi.fn(async (_invoiceId: string) => "written") };
vi.mock("~/integrations/store/store-for-shop.server", () => ({ storeForInvoice: async () => store, storeForShop: async () => store, reachableShops: async () => [] }));
const { annotateOrder } = await import("./store-sync.server");

/** A database whose invoice shows `states` one after the other, one per read. */
function dbShowing(...states: string[]) {
  let read = 0;
  const findUniqueOrThrow = vi.fn(async () => {
    const peppol = states[Math.min(read++, states.length - 1)]!;
    return { status: "ISSUED", paidAmount: { toString: () => "0" }, amountDue: { toString: () => "121.00" }, peppolDelivery: { state: peppol }, _count: { creditNotes: 0 } };
  });
  return { invoice: { findUniqueOrThrow } } as unknown as Db;
}

describe("annotateOrder", () => {
  it("writes once when nothing changed meanwhile", async () => {
    store.annotateOrder.mockClear();
    await annotateOrder(dbShowing("SENDING", "SENDING"), "inv-1");
    expect(store.annotateOrder).toHaveBeenCalledTimes(1);
  });

  it("writes again when the PEPPOL outcome arrived while it wrote (a concurrent annotation may have landed first with the newer state)", async () => {
    store.annotateOrder.mockClear();
    await annotateOrder(dbShowing("SENDING", "DELIVERED", "DELIVERED"), "inv-1");
    expect(store.annotateOrder).toHaveBeenCalledTimes(2);
  });

  it("gives up after three writes when the invoice keeps changing", async () => {
    store.annotateOrder.mockClear();
    await annotateOrder(dbShowing("A", "B", "C", "D"), "inv-1");
    expect(store.annotateOrder).toHaveBeenCalledTimes(3);
  });
});
