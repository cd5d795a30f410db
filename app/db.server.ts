import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { env } from "~/env.server";

export type Db = PrismaClient;

/** A Prisma client on the pure-JS `pg` driver (no native engine). */
export function createPrisma(databaseUrl: string = env().DATABASE_URL, max = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max });
  return new PrismaClient({ adapter });
}

declare global {
  // eslint-disable-next-line no-var
  var __factoPrisma: PrismaClient | undefined;
}

/** The process-wide client (kept across Vite dev reloads). */
export const prisma: PrismaClient = (globalThis.__factoPrisma ??= createPrisma());
