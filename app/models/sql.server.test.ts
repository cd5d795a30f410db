import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createPrisma } from "~/db.server";
import { inTransaction } from "./sql.server";

const url = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const db = createPrisma(url, 2);
afterAll(() => db.$disconnect());

it("a transaction whose connection the server ends between two statements fails (rolled back), and the process lives on", async () => {
  const admin = new pg.Client(url);
  await admin.connect();
  try {
    const attempt = inTransaction(db, { maxWait: 1000, timeout: 5000 }, async (sql) => {
      const [row] = await sql.query<{ pid: number }>("SELECT pg_backend_pid() AS pid", []);
      await admin.query("SELECT pg_terminate_backend($1)", [row!.pid]);
      // The server's FATAL arrives while no statement is running (an 'error' event on the client).
      await new Promise((resolve) => setTimeout(resolve, 200));
      await sql.query("SELECT 1", []);
    });
    await expect(attempt).rejects.toThrow();
    // The pool gives a working connection afterwards.
    await inTransaction(db, { maxWait: 1000, timeout: 5000 }, async (sql) => {
      expect(await sql.query<{ one: number }>("SELECT 1 AS one", [])).toEqual([{ one: 1 }]);
    });
  } finally {
    await admin.end();
  }
});
