import { afterAll, expect, it } from "vitest";
import { createPrisma, pgPoolOf } from "~/db.server";

const db = createPrisma(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", 2);
afterAll(() => db.$disconnect());

it("gives the pool of a client made by createPrisma, never to its transactions (their statements must stay inside)", async () => {
  expect(pgPoolOf(db)).not.toBeNull();
  await db.$transaction(async (tx) => {
    expect(pgPoolOf(tx as unknown as typeof db)).toBeNull();
  });
});

it("gives the pool of the process-wide client too (a proxy in front of it)", async () => {
  const { prisma } = await import("~/db.server");
  globalThis.__factoPrisma = createPrisma(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", 2);
  expect(pgPoolOf(prisma)).not.toBeNull();
  await prisma.$transaction(async (tx) => {
    expect(pgPoolOf(tx as unknown as typeof db)).toBeNull();
  });
  await prisma.$disconnect();
  globalThis.__factoPrisma = undefined;
});
