import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "~/generated/prisma/client";
import { env } from "~/env.server";

export type Db = PrismaClient;

const PG_POOL = Symbol.for("facto.pgPool");

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
  Object.defineProperty(client, PG_POOL, { value: pool });
  return client;
}

/**
 * The `pg` pool under a client made by createPrisma (null for any other client, e.g. a transaction's),
 * for the few statements on the measured hot path that Prisma makes expensive — large bytea
 * parameters (decision 028). Everything else goes through Prisma.
 */
export function pgPoolOf(db: Db): pg.Pool | null {
  const pool = (db as unknown as Record<symbol, unknown>)[PG_POOL] as (pg.Pool & { ending?: boolean }) | undefined;
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
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});
