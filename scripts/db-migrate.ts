import { createDatabaseIfMissing, migrateDatabase } from "~/utils/migrate.server";

// npm run db:migrate — applies prisma/migrations to DATABASE_URL (docs/decisions/001-sql-migrations.md).
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stderr.write("DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/facto)\n");
  process.exit(2);
}
try {
  if (await createDatabaseIfMissing(databaseUrl)) process.stdout.write("created the database\n");
  const { applied, skipped } = await migrateDatabase(databaseUrl, { log: (m) => process.stdout.write(`${m}\n`) });
  process.stdout.write(`${applied.length} migration(s) applied, ${skipped.length} already there\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
