import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Db } from "~/db.server";
import type { Session as SessionRow } from "~/generated/prisma/client";
import { retryOnUniqueConflict } from "~/models/retry-on-unique-conflict.server";
import { decryptSecret, encryptSecret } from "~/utils/encryption.server";

/**
 * Shopify sessions in the Prisma `Session` table (the template's columns), with the access and
 * refresh tokens encrypted at rest (AES-256-GCM). See docs/decisions/004-session-storage.md for why
 * this replaces @shopify/shopify-app-session-storage-prisma.
 */
export class EncryptedSessionStorage implements SessionStorage {
  constructor(private readonly db: Db) {}

  async storeSession(session: Session): Promise<boolean> {
    const row = toRow(session);
    // Two loaders of the embedded admin may store the same new session at once (token exchange).
    await retryOnUniqueConflict(() => this.db.session.upsert({ where: { id: session.id }, create: row, update: row }));
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const row = await this.db.session.findUnique({ where: { id } });
    return row ? toSession(row) : undefined;
  }

  async deleteSession(id: string): Promise<boolean> {
    await this.db.session.deleteMany({ where: { id } });
    return true;
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    await this.db.session.deleteMany({ where: { id: { in: ids } } });
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const rows = await this.db.session.findMany({ where: { shop }, orderBy: { expires: "desc" }, take: 25 });
    return rows.map(toSession);
  }
}

function toRow(session: Session) {
  const user = session.onlineAccessInfo?.associated_user;
  return {
    id: session.id,
    shop: session.shop,
    state: session.state,
    isOnline: session.isOnline,
    scope: session.scope ?? null,
    expires: session.expires ?? null,
    accessToken: session.accessToken ? encryptSecret(session.accessToken) : "",
    refreshToken: session.refreshToken ? encryptSecret(session.refreshToken) : null,
    refreshTokenExpires: session.refreshTokenExpires ?? null,
    userId: user?.id != null ? BigInt(user.id) : null,
    firstName: user?.first_name ?? null,
    lastName: user?.last_name ?? null,
    email: user?.email ?? null,
    accountOwner: user?.account_owner ?? false,
    locale: user?.locale ?? null,
    collaborator: user?.collaborator ?? false,
    emailVerified: user?.email_verified ?? false,
  };
}

function toSession(row: SessionRow): Session {
  return new Session({
    id: row.id,
    shop: row.shop,
    state: row.state,
    isOnline: row.isOnline,
    ...(row.scope ? { scope: row.scope } : {}),
    ...(row.expires ? { expires: row.expires } : {}),
    ...(row.accessToken ? { accessToken: decryptSecret(row.accessToken) } : {}),
    ...(row.refreshToken ? { refreshToken: decryptSecret(row.refreshToken) } : {}),
    ...(row.refreshTokenExpires ? { refreshTokenExpires: row.refreshTokenExpires } : {}),
    ...(row.userId != null
      ? {
          onlineAccessInfo: {
            expires_in: row.expires ? Math.max(0, Math.round((row.expires.getTime() - Date.now()) / 1000)) : 0,
            associated_user_scope: row.scope ?? "",
            associated_user: {
              id: Number(row.userId),
              ...(row.firstName ? { first_name: row.firstName } : {}),
              ...(row.lastName ? { last_name: row.lastName } : {}),
              ...(row.email ? { email: row.email } : {}),
              ...(row.locale ? { locale: row.locale } : {}),
              account_owner: row.accountOwner,
              collaborator: row.collaborator ?? false,
              email_verified: row.emailVerified ?? false,
            },
          },
        }
      : {}),
  });
}
