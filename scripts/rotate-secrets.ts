import { createPrisma } from "~/db.server";
import { decodeKey, env } from "~/env.server";
import { rotateSecrets } from "~/services/rotate-secrets.server";

// npm run secrets:rotate — re-encrypts every stored secret under ENCRYPTION_KEY, opening the old ones
// with ENCRYPTION_KEY_PREVIOUS (README "Security": rotate without downtime). Exit code 1 when a
// secret could not be opened with either key (it is left as it was and named).
const config = env();
const current = decodeKey(config.ENCRYPTION_KEY)!;
const previous = config.ENCRYPTION_KEY_PREVIOUS ? [decodeKey(config.ENCRYPTION_KEY_PREVIOUS)!] : [];
if (previous.length === 0) process.stderr.write("ENCRYPTION_KEY_PREVIOUS is not set: only secrets already under ENCRYPTION_KEY can be read\n");
const db = createPrisma(config.DATABASE_URL, 2);
try {
  const report = await rotateSecrets(db, { current, previous });
  process.stdout.write(`${report.rotated} secret(s) re-encrypted under the new key, ${report.alreadyCurrent} already under it, ${report.failed.length} failed\n`);
  for (const line of report.failed) process.stdout.write(`  ${line}\n`);
  process.exitCode = report.failed.length ? 1 : 0;
} finally {
  await db.$disconnect();
}
