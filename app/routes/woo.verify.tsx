import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { prisma } from "~/db.server";
import { sendVerificationEmail, verifyEmail } from "~/services/account-security.server";
import { requireAccount, verifyCsrf } from "~/routes-support/woo-auth.server";

// GET /woo/verify?token=… — the link of the verification e-mail; POST — sends a new one.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const verified = await verifyEmail(prisma, new URL(request.url).searchParams.get("token") ?? "");
  return redirect(verified ? "/woo?verified=1" : "/woo?verified=0", { headers: { "Referrer-Policy": "no-referrer" } });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const account = await requireAccount(request);
  verifyCsrf(request, await request.formData());
  if (account.emailVerifiedAt) return redirect("/woo");
  const sent = await sendVerificationEmail(prisma, account.id, account.email);
  return redirect(sent.sent ? "/woo?resent=1" : "/woo?resent=0");
};
