import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { signInWithLimits } from "~/services/account-security.server";
import styles from "~/styles/woo.css?url";
import { clientInfo } from "~/utils/client-info.server";
import { csrfFor, safeNext, sessionCookie, verifyCsrf } from "~/routes-support/woo-auth.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Sign in — Facto" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { token, setCookie } = csrfFor(request);
  const params = new URL(request.url).searchParams;
  return Response.json({ csrf: token, next: params.get("next"), reset: params.get("reset") === "1" }, setCookie ? { headers: { "Set-Cookie": setCookie } } : {});
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const form = await request.formData();
  verifyCsrf(request, form);
  const email = String(form.get("email") ?? "");
  const result = await signInWithLimits(prisma, { email, password: String(form.get("password") ?? "") }, clientInfo(request, context));
  if (!result.ok) return Response.json({ error: result.error, email }, { status: result.status });
  const { token } = result;
  return new Response(null, { status: 303, headers: { Location: safeNext(String(form.get("next") ?? "")), "Set-Cookie": sessionCookie(token) } });
};

export default function Login() {
  const { csrf, next, reset } = useLoaderData<{ csrf: string; next: string | null; reset: boolean }>();
  const result = useActionData<{ error?: string; email?: string }>();
  return (
    <WooLayout>
      <section className="woo-card" style={{ maxWidth: 420, margin: "40px auto" }}>
        <h1>Sign in</h1>
        {reset && !result?.error ? (
          <div className="woo-banner" role="status">
            Your password is changed and every browser was signed out: sign in with the new one.
          </div>
        ) : null}
        {result?.error ? (
          <div className="woo-banner" data-tone="critical" role="alert">
            {result.error}
          </div>
        ) : null}
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="next" value={next ?? ""} />
          <Field label="E-mail" name="email" type="email" autoComplete="email" required defaultValue={result?.email} />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required />
          <button className="woo-button" type="submit">
            Sign in
          </button>
        </Form>
        <p className="woo-muted">
          <a href="/woo/forgot">Forgot your password?</a>
        </p>
        <p className="woo-muted">
          No account yet? <a href="/woo/signup">Create one</a> to connect your WooCommerce store.
        </p>
      </section>
    </WooLayout>
  );
}
