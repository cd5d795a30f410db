import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabaseIfMissing, dropDatabase, migrateDatabase, readMigrations } from "~/utils/migrate.server";
import { diffSchemaAgainstDatabase } from "../support/schema-diff";
import { databaseUrlFor, ROOT } from "../support/stack";

/**
 * The hand-written SQL migrations and schema.prisma must describe the same database
 * (docs/decisions/001-sql-migrations.md). A fresh database is migrated and compared.
 */
const schemaPath = path.join(ROOT, "prisma/schema.prisma");
const databaseUrl = databaseUrlFor(`facto_schema_${process.pid}_${Date.now()}`);
let client: pg.Client;

beforeAll(async () => {
  await createDatabaseIfMissing(databaseUrl);
  await migrateDatabase(databaseUrl);
  client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await dropDatabase(databaseUrl);
});

describe("schema.prisma and prisma/migrations", () => {
  it("agree on every table, column, type, nullability, enum, index and foreign key", async () => {
    expect(await diffSchemaAgainstDatabase(client, schemaPath)).toEqual([]);
  });

  it("the checker names what disagrees", async () => {
    await client.query("BEGIN");
    try {
      await client.query(`ALTER TABLE "Shop" ADD COLUMN "stray" text`);
      await client.query(`ALTER TABLE "Invoice" ALTER COLUMN "channelOrderName" SET NOT NULL`);
      await client.query(`ALTER TABLE "Invoice" ALTER COLUMN "vatTotal" TYPE numeric(18,4)`);
      await client.query(`DROP INDEX "Invoice_shopId_issueDate_idx"`);
      await client.query(`ALTER TYPE "InvoiceStatus" ADD VALUE 'DRAFT'`);
      await client.query(`ALTER TABLE "Document" DROP CONSTRAINT "Document_invoiceId_fkey"`);
      await client.query(`CREATE TABLE "Leftover" ("id" integer)`);
      const problems = await diffSchemaAgainstDatabase(client, schemaPath);
      expect(problems).toEqual(
        expect.arrayContaining([
          `column "Shop"."stray" exists in the database but not in schema.prisma`,
          `column "Invoice"."channelOrderName" is NOT NULL in the database but optional in schema.prisma`,
          `column "Invoice"."vatTotal" is numeric(18,4) in the database but numeric(18,2) in schema.prisma`,
          `index on "Invoice"(shopId, issueDate) is missing in the database`,
          `enum "InvoiceStatus" has [ISSUED, PAID, CREDITED, CANCELLED, DRAFT] in the database but [ISSUED, PAID, CREDITED, CANCELLED] in schema.prisma`,
          `foreign key "Document"(invoiceId) → "Invoice" ON DELETE Cascade is missing in the database`,
          `table "Leftover" exists in the database but not in schema.prisma`,
        ]),
      );
    } finally {
      await client.query("ROLLBACK");
    }
    expect(await diffSchemaAgainstDatabase(client, schemaPath)).toEqual([]);
  });

  it("records migrations like Prisma Migrate and applies nothing twice", async () => {
    const again = await migrateDatabase(databaseUrl);
    expect(again.applied).toEqual([]);
    const files = readMigrations();
    expect(again.skipped).toEqual(files.map((f) => f.name));
    const { rows } = await client.query(`SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      files.map((f) => [f.name, createHash("sha256").update(readFileSync(path.join(ROOT, "prisma/migrations", f.name, "migration.sql"))).digest("hex"), 1]),
    );
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const [first] = readMigrations();
    await client.query(`UPDATE "_prisma_migrations" SET checksum = 'edited' WHERE migration_name = $1`, [first!.name]);
    try {
      await expect(migrateDatabase(databaseUrl)).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await client.query(`UPDATE "_prisma_migrations" SET checksum = $2 WHERE migration_name = $1`, [first!.name, first!.checksum]);
    }
  });
});
