import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { env } from "~/env.server";

export type Db = PrismaClient;

/** A Prisma client on the pure-JS `pg` driver (no native engine). */
export function createPrisma(databaseUrl: string, max = 10): PrismaClient {
  // A connection that cannot be had within 30 s is an error (retried by the job or answered 503), not
  // a wait without end.
  const adapter = new PrismaPg({ connectionString: databaseUrl, max, connectionTimeoutMillis: 30_000 });
  return new PrismaClient({ adapter });
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
