import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { prisma } from "~/db.server";
import { endSession } from "~/services/accounts.server";
import { clearSessionCookie, sessionToken, verifyCsrf } from "~/routes-support/woo-auth.server";

// POST /woo/logout — ends this browser's session.
export const action = async ({ request }: ActionFunctionArgs) => {
  verifyCsrf(request, await request.formData());
  await endSession(prisma, sessionToken(request));
  return redirect("/woo/login", { headers: { "Set-Cookie": clearSessionCookie() } });
};

export const loader = () => redirect("/woo");
