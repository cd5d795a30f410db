import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "~/generated/prisma/client";
import { env } from "~/env.server";

export type Db = PrismaClient;

/** The pool under each client made by createPrisma, by that very object (a transaction's client is another object). */
const PG_POOLS = new WeakMap<object, pg.Pool>();
/** What the process-wide `prisma` proxy answers with the client behind it. */
const PROCESS_CLIENT = Symbol("facto.processClient");

/** A Prisma client on the pure-JS `pg` driver (no native engine). */
export function createPrisma(databaseUrl: string, max = 10): PrismaClient {
  // A connection that cannot be had within 30 s is an error (retried by the job or answered 503), not
  // a wait without end.
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 30_000 });
  // An idle connection that dies (a restarted or failed-over database) is dropped from the pool and
  // replaced on the next query, as the adapter's own pool does; never an unhandled 'error' event.
  pool.on("error", () => {});
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const client = new PrismaClient({ adapter });
  PG_POOLS.set(client, pool);
  return client;
}

/**
 * The `pg` pool under a client made by createPrisma (null for any other client, e.g. a transaction's),
 * for the few statements on the measured hot path that Prisma makes expensive — large bytea
 * parameters (decision 028). Everything else goes through Prisma.
 */
export function pgPoolOf(db: Db): pg.Pool | null {
  // Never a transaction's client: it sees the client's properties (a symbol on the client was found on
  // it too), and a statement on the pool would run outside that transaction.
  const pool = (PG_POOLS.get(db) ?? PG_POOLS.get((db as unknown as Record<symbol, object>)[PROCESS_CLIENT] ?? {})) as (pg.Pool & { ending?: boolean }) | undefined;
  // After $disconnect the adapter has ended it (a later Prisma query opens a new pool of its own).
  return pool && !pool.ending ? pool : null;
}

declare global {
  // eslint-disable-next-line no-var
  var __factoPrisma: PrismaClient | undefined;
}

function processClient(): PrismaClient {
  return (globalThis.__factoPrisma ??= createPrisma(env().DATABASE_URL));
}

/**
 * The process-wide client, created on first use (so importing this module reads no environment),
 * and kept across Vite dev reloads.
 */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = processClient();
    if (property === PROCESS_CLIENT) return client;
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});
