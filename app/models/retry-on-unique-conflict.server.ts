import type { Db } from "~/db.server";

/**
 * Runs a write again when it lost a race on a unique key (Prisma P2002). Prisma 7's `upsert` here is
 * a read then a create or an update, not one `INSERT … ON CONFLICT` statement: two requests that
 * upsert the same new row at once — the embedded admin's parallel loaders on a shop's first open —
 * make one of them fail with P2002. On the retry the row exists, and the upsert updates it.
 */
export async function retryOnUniqueConflict<T>(write: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isUniqueViolation(error)) throw error;
    }
  }
}

/** The Shopify shop's row, made if it is not there yet — safe when several requests make it at once. */
export function ensureShopifyShop(db: Db, domain: string) {
  return retryOnUniqueConflict(() => db.shop.upsert({ where: { platform_domain: { platform: "SHOPIFY", domain } }, create: { platform: "SHOPIFY", domain }, update: {} }));
}

/**
 * A write refused by a unique key: Prisma's P2002, PostgreSQL's 23505 from a raw `pg` statement
 * (decision 032), or the same through Prisma's raw API (P2010 with the database's code).
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; meta?: { code?: unknown } } | null;
  return e?.code === "P2002" || e?.code === "23505" || (e?.code === "P2010" && e.meta?.code === "23505");
}
