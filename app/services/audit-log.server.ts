import type { Db } from "~/db.server";
import { logger } from "~/logger.server";

/**
 * The per-shop audit log of security-relevant actions (sign-ins, key changes, danger-zone actions,
 * exports), shown to the merchant. Account-wide actions (sign-in, password) carry no shop and are
 * shown with every store of the account. Writing it never fails the action it records.
 */
export interface AuditInput {
  shopId?: string | null;
  accountId?: string | null;
  action: string;
  detail?: string | null;
  ip?: string | null;
}

export async function recordAudit(db: Db, input: AuditInput): Promise<void> {
  try {
    await db.auditEvent.create({ data: { shopId: input.shopId ?? null, accountId: input.accountId ?? null, action: input.action, detail: input.detail?.slice(0, 500) ?? null, ip: input.ip ?? null } });
  } catch (error) {
    logger.error({ err: error, action: input.action }, "audit event not recorded");
  }
}

/** The shop's events and those of the accounts holding it, newest first. */
export async function auditLogOfShop(db: Db, shopId: string, take = 200) {
  const owners = await db.accountShop.findMany({ where: { shopId }, select: { accountId: true } });
  return db.auditEvent.findMany({
    where: { OR: [{ shopId }, ...(owners.length ? [{ shopId: null, accountId: { in: owners.map((o) => o.accountId) } }] : [])] },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, action: true, detail: true, ip: true, createdAt: true },
  });
}
