import { pgPoolOf, type Db } from "~/db.server";

/**
 * Raw statements on the measured hot path (decision 032): on the `pg` pool under a client made by
 * createPrisma — no ORM between the statements — or, for any other client (a test's, a transaction's),
 * through Prisma's raw API with the same SQL and parameters. Everything else stays Prisma.
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]>;
}

export function sqlOf(db: Db): Sql {
  const pool = pgPoolOf(db);
  if (pool) return { query: async (text, params) => (await pool.query(text, params)).rows };
  return { query: (text, params) => db.$queryRawUnsafe(text, ...params) };
}

/**
 * A transaction on one connection, with Prisma's limits for it: waiting longer than `timeout` for a
 * lock or a statement fails it (rolled back). On the `pg` pool: BEGIN and the limits in one round trip,
 * the work, COMMIT.
 */
export async function inTransaction(db: Db, limits: { maxWait: number; timeout: number }, work: (sql: Sql) => Promise<void>): Promise<void> {
  const pool = pgPoolOf(db);
  if (!pool) {
    // A transaction's client has no pool of its own (pgPoolOf): sqlOf runs its statements inside it.
    await db.$transaction(async (tx) => work(sqlOf(tx as unknown as Db)), limits);
    return;
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of the pool's: the server ending the connection between two
  // statements (a restart, pg_terminate_backend) would be an unhandled 'error' event — the process
  // would exit. Noted here; the next statement fails with it and the connection is not reused.
  const onError = (error: Error) => (broken = error);
  client.on("error", onError);
  try {
    const limit = `${Math.round(limits.timeout)}ms`;
    await client.query(`BEGIN; SET LOCAL lock_timeout = '${limit}'; SET LOCAL statement_timeout = '${limit}'`);
    await work({ query: async (text, params) => (await client.query(text, params)).rows });
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch((rollback: unknown) => (broken = rollback instanceof Error ? rollback : new Error(String(rollback))));
    throw error;
  } finally {
    client.off("error", onError);
    // A connection that failed or could not even roll back is closed, not given to the next caller.
    client.release(broken);
  }
}
