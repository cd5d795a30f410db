import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createPrisma, type Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { storeWebhookEvent } from "~/models/webhook-event.server";
import { claimEvent } from "~/services/process-webhook-event.server";
import { seedShopifyShop } from "../support/seed-shop";
import { adoptStackEnv } from "../support/stack";

/**
 * The inbox job claims its row and reads its shop in one statement (decision 032): the shop it gets
 * must be exactly the row Prisma reads — every type (bytes, decimals, arrays, enums, dates, nulls).
 */
const stack = inject("stack");
let db: Db;
beforeAll(() => {
  adoptStackEnv(stack);
  db = createPrisma(stack.databaseUrl, 2);
});
afterAll(() => db?.$disconnect());

it("claims a row once, counting the attempt, with its shop's whole row as Prisma reads it", async () => {
  const { shopId } = await seedShopifyShop(db, { domain: "claim-event.myshopify.com" });
  await db.shop.update({
    where: { id: shopId },
    data: { logo: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]), logoContentType: "image/png", payOnlineMaxAmount: new Prisma.Decimal("1234.50"), reminderDays: [7, 14, 30], invoicingPausedAt: null, peppolRegistrationCheckedAt: new Date("2026-11-20T08:30:00.123Z"), twikeyAutoCollect: true },
  });
  const stored = await storeWebhookEvent(db, { platform: "SHOPIFY", shopDomain: "claim-event.myshopify.com", provider: "SHOPIFY", deliveryId: "claim-event-1", topic: "orders/create", rawJson: '{"id":12345678901234567890,"name":"#1001"}', triggeredAt: new Date("2026-11-29T09:00:00Z") });
  const claimed = await claimEvent(db, stored!.id);
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  expect(claimed).not.toBeNull();
  expect(claimed!.shop).toStrictEqual(shop);
  expect(claimed).toMatchObject({ id: stored!.id, shopId, provider: "SHOPIFY", topic: "orders/create", triggeredAt: new Date("2026-11-29T09:00:00Z"), issueAsComputedAt: null });
  // Large ids keep every digit.
  expect(claimed!.payload).toEqual({ id: "12345678901234567890", name: "#1001" });
  expect((await db.webhookEvent.findUniqueOrThrow({ where: { id: stored!.id } })).attempts).toBe(1);
  // Processed rows are not claimed again.
  await db.webhookEvent.update({ where: { id: stored!.id }, data: { status: "PROCESSED" } });
  expect(await claimEvent(db, stored!.id)).toBeNull();
});
