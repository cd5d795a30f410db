import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeMollie, type FakeMollie } from "../../../tests/fakes/fake-mollie";
import { mollieGateway } from "./mollie-client.server";

/**
 * The official client (@mollie/api-client) against the fake Mollie: the refunds and chargebacks of a
 * payment as Facto reads them on every webhook. The client pins Mollie's CA bundle, so this test
 * process accepts the fake's self-signed certificate the way the test stack does (docs/decisions/006).
 */
let fake: FakeMollie;
const KEY = `test_${"c".repeat(30)}`;
let previousTls: string | undefined;

beforeAll(async () => {
  previousTls = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  fake = await startFakeMollie();
});
afterAll(async () => {
  await fake.close();
  if (previousTls === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previousTls;
});

async function paidPayment(value = "100.00") {
  const gateway = mollieGateway(KEY, fake.apiUrl);
  const created = await gateway.createPayment({ amount: { currency: "EUR", value }, description: "F2026-1", redirectUrl: "https://shop.example/return", webhookUrl: "http://127.0.0.1:9/none", locale: "nl_BE", metadata: {}, idempotencyKey: `k-${Math.random()}` });
  await fake.setStatus(created.id, "paid");
  return { gateway, id: created.id };
}

describe("Mollie refunds and chargebacks through the official client", () => {
  it("a paid payment without either has no charged-back amount and empty lists", async () => {
    const { gateway, id } = await paidPayment();
    const payment = await gateway.getPayment(id);
    expect(payment).toMatchObject({ status: "paid", amountRefunded: "0.00", amountChargedBack: "0.00" });
    expect(await gateway.listRefunds(id)).toEqual([]);
    expect(await gateway.listChargebacks(id)).toEqual([]);
  });

  it("a chargeback leaves the payment paid, sets amountChargedBack and is listed with its bank reason", async () => {
    const { gateway, id } = await paidPayment();
    const chb = await fake.chargeback(id, { value: "40.00", reason: { code: "MD06", description: "Refund request by end customer" } });
    const payment = await gateway.getPayment(id);
    expect(payment).toMatchObject({ status: "paid", amountChargedBack: "40.00" });
    const [listed, ...rest] = await gateway.listChargebacks(id);
    expect(rest).toEqual([]);
    expect(listed).toMatchObject({ id: chb, amount: "40.00", currency: "EUR", reason: "MD06: Refund request by end customer", reversedAt: null });
    expect(listed!.createdAt).toBeInstanceOf(Date);

    await fake.reverseChargeback(id, chb);
    expect((await gateway.listChargebacks(id))[0]!.reversedAt).toBeInstanceOf(Date);
  });

  it("a refund made in Mollie's dashboard is listed with its status and counted in amountRefunded", async () => {
    const { gateway, id } = await paidPayment();
    await fake.refund(id, "25.00");
    expect((await gateway.getPayment(id)).amountRefunded).toBe("25.00");
    const refunds = await gateway.listRefunds(id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ id: expect.stringMatching(/^re_/), amount: "25.00", currency: "EUR", status: "pending" });
  });

  it("another account's payment is not found in either list", async () => {
    const { id } = await paidPayment();
    const stranger = mollieGateway(`test_${"d".repeat(30)}`, fake.apiUrl);
    await expect(stranger.listChargebacks(id)).rejects.toMatchObject({ code: "UPSTREAM_REJECTED" });
  });
});
