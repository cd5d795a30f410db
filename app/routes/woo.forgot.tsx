import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { requestPasswordReset, RESET_TOKEN_MINUTES } from "~/services/account-security.server";
import styles from "~/styles/woo.css?url";
import { clientInfo } from "~/utils/client-info.server";
import { csrfFor, verifyCsrf } from "~/routes-support/woo-auth.server";

// /woo/forgot — asks for a password reset link by e-mail (same answer whether the account exists).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Forgot your password — Facto" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { token, setCookie } = csrfFor(request);
  return Response.json({ csrf: token, minutes: RESET_TOKEN_MINUTES }, setCookie ? { headers: { "Set-Cookie": setCookie } } : {});
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const form = await request.formData();
  verifyCsrf(request, form);
  const result = await requestPasswordReset(prisma, String(form.get("email") ?? ""), clientInfo(request, context));
  if (!result.ok) return Response.json({ error: result.error }, { status: 429 });
  return Response.json({ sent: true });
};

export default function Forgot() {
  const { csrf, minutes } = useLoaderData<{ csrf: string; minutes: number }>();
  const result = useActionData<{ error?: string; sent?: boolean }>();
  return (
    <WooLayout>
      <section className="woo-card" style={{ maxWidth: 420, margin: "40px auto" }}>
        <h1>Forgot your password?</h1>
        {result?.error ? (
          <div className="woo-banner" data-tone="critical" role="alert">
            {result.error}
          </div>
        ) : null}
        {result?.sent ? (
          <div className="woo-banner" role="status">
            If an account uses this address, an e-mail with a link to choose a new password is on its way. The link works once, for {minutes} minutes.
          </div>
        ) : (
          <Form method="post">
            <input type="hidden" name="csrf" value={csrf} />
            <Field label="E-mail" name="email" type="email" autoComplete="email" required />
            <button className="woo-button" type="submit">
              Send me a link
            </button>
          </Form>
        )}
        <p className="woo-muted">
          <a href="/woo/login">Back to sign in</a>
        </p>
      </section>
    </WooLayout>
  );
}
