import { prisma } from "~/db.server";

// GET /healthz — the web process is up and reaches its database.
export const loader = async () => {
  await prisma.$queryRaw`SELECT 1`;
  return Response.json({ ok: true });
};
