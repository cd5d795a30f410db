import type { Db } from "~/db.server";
import type { Platform, WebhookProvider } from "~/generated/prisma/enums";

export interface NewWebhookEvent {
  platform: Platform;
  shopDomain: string;
  provider: WebhookProvider;
  deliveryId: string;
  topic: string;
  /** The verified raw JSON body; Postgres parses it into jsonb. */
  rawJson: string;
  triggeredAt: Date | null;
}

export interface StoredWebhookEvent {
  id: string;
  status: string;
  /** false when this delivery id was already in the inbox (a redelivery). */
  inserted: boolean;
}

/**
 * Writes a verified webhook to the inbox in one statement: the shop row is created on first
 * contact, the event is inserted unless its (provider, delivery id) is already there. Returns the
 * event, or null in the one race where a concurrent first delivery of the same id is still being
 * committed (that delivery is the one that enqueues).
 */
export async function storeWebhookEvent(db: Db, e: NewWebhookEvent): Promise<StoredWebhookEvent | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const rows = await db.$queryRaw<{ id: string; status: string; inserted: boolean; shop_found: boolean }[]>`
      WITH new_shop AS (
        INSERT INTO "Shop" ("id", "platform", "domain", "updatedAt")
        VALUES (gen_random_uuid(), ${e.platform}::"Platform", ${e.shopDomain}, now())
        ON CONFLICT ("platform", "domain") DO NOTHING
        RETURNING "id"
      ), shop AS (
        SELECT "id" FROM new_shop
        UNION ALL
        SELECT "id" FROM "Shop" WHERE "platform" = ${e.platform}::"Platform" AND "domain" = ${e.shopDomain}
        LIMIT 1
      ), ins AS (
        INSERT INTO "WebhookEvent" ("id", "shopId", "provider", "deliveryId", "topic", "payload", "triggeredAt")
        SELECT gen_random_uuid(), shop."id", ${e.provider}::"WebhookProvider", ${e.deliveryId}::text, ${e.topic}::text, ${e.rawJson}::jsonb, ${e.triggeredAt}::timestamp(3)
        FROM shop
        ON CONFLICT ("provider", "deliveryId") DO NOTHING
        RETURNING "id", "status"::text AS "status"
      )
      SELECT "id", "status", true AS "inserted", true AS "shop_found" FROM ins
      UNION ALL
      SELECT w."id", w."status"::text, false, true FROM "WebhookEvent" w
        WHERE w."provider" = ${e.provider}::"WebhookProvider" AND w."deliveryId" = ${e.deliveryId}
          AND NOT EXISTS (SELECT 1 FROM ins)
      UNION ALL
      SELECT NULL, NULL, false, false WHERE NOT EXISTS (SELECT 1 FROM shop)`;
    const row = rows[0];
    if (row?.shop_found === false) continue; // the shop row is being created concurrently: look again
    return row ? { id: row.id, status: row.status, inserted: row.inserted } : null;
  }
  return null;
}
