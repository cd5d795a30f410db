import type { Db } from "~/db.server";
import { decryptWithAny, encryptSecret, isEncryptedSecret } from "~/utils/encryption.server";

/**
 * Re-encrypts every secret stored in the database under the current key (`npm run secrets:rotate`).
 * Each value is opened with the current or a previous key; one already under the current key is left
 * alone (so the command can run again, or be resumed). Every row is updated on the condition that
 * the value is still the one read, so a secret written meanwhile by a running process (always under
 * the new key) is never overwritten. The application keeps working throughout: it reads both keys.
 */
export const ENCRYPTED_COLUMNS = [
  { table: "Shop", key: "id", columns: ["mollieApiKey", "twikeyApiKey", "twikeyWebsiteKey"] },
  { table: "WooConnection", key: "id", columns: ["consumerKey", "consumerSecret", "webhookSecret"] },
  { table: "Session", key: "id", columns: ["accessToken", "refreshToken"] },
  { table: "PontoConnection", key: "id", columns: ["accessToken", "refreshToken", "pkceVerifier"] },
] as const;

export interface RotationReport {
  rotated: number;
  alreadyCurrent: number;
  /** Values no key opens (or not in the encrypted form): left untouched and named here. */
  failed: string[];
}

export async function rotateSecrets(db: Db, keys: { current: Buffer; previous: Buffer[] }, options: { batchSize?: number } = {}): Promise<RotationReport> {
  const report: RotationReport = { rotated: 0, alreadyCurrent: 0, failed: [] };
  const batchSize = options.batchSize ?? 500;
  const all = [keys.current, ...keys.previous];
  for (const { table, key, columns } of ENCRYPTED_COLUMNS) {
    for (const column of columns) {
      let after = "";
      for (;;) {
        // Identifiers come from the constant list above, never from input.
        const rows = await db.$queryRawUnsafe<{ id: string; value: string }[]>(
          `SELECT "${key}"::text AS id, "${column}" AS value FROM "${table}" WHERE "${column}" IS NOT NULL AND "${column}" <> '' AND "${key}"::text > $1 ORDER BY "${key}"::text LIMIT ${batchSize}`,
          after,
        );
        if (rows.length === 0) break;
        for (const row of rows) {
          after = row.id;
          if (!isEncryptedSecret(row.value)) {
            report.failed.push(`${table}.${column} ${row.id}: not an encrypted secret`);
            continue;
          }
          let opened: { plaintext: string; keyIndex: number };
          try {
            opened = decryptWithAny(row.value, all);
          } catch {
            report.failed.push(`${table}.${column} ${row.id}: no key opens it`);
            continue;
          }
          if (opened.keyIndex === 0) {
            report.alreadyCurrent++;
            continue;
          }
          const updated = await db.$executeRawUnsafe(`UPDATE "${table}" SET "${column}" = $1 WHERE "${key}"::text = $2 AND "${column}" = $3`, encryptSecret(opened.plaintext, keys.current), row.id, row.value);
          if (updated === 1) report.rotated++;
          else report.alreadyCurrent++; // rewritten meanwhile by the application, under the new key
        }
      }
    }
  }
  return report;
}
