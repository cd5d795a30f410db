import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { MIN_PASSWORD_LENGTH } from "~/domain/account/password-policy";
import { signUpWithLimits, type SignUpErrors } from "~/services/account-security.server";
import styles from "~/styles/woo.css?url";
import { clientInfo } from "~/utils/client-info.server";
import { csrfFor, sessionCookie, verifyCsrf } from "~/routes-support/woo-auth.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Create your account — Facto" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { token, setCookie } = csrfFor(request);
  return Response.json({ csrf: token }, setCookie ? { headers: { "Set-Cookie": setCookie } } : {});
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const form = await request.formData();
  verifyCsrf(request, form);
  const email = String(form.get("email") ?? "");
  const result = await signUpWithLimits(prisma, { email, password: String(form.get("password") ?? ""), confirm: String(form.get("confirm") ?? "") }, clientInfo(request, context));
  if ("errors" in result) return Response.json({ errors: result.errors, email }, { status: result.status });
  const { token } = result;
  return new Response(null, { status: 303, headers: { Location: "/woo", "Set-Cookie": sessionCookie(token) } });
};

export default function SignUp() {
  const { csrf } = useLoaderData<{ csrf: string }>();
  const result = useActionData<{ errors?: SignUpErrors; email?: string }>();
  const errors = result?.errors ?? {};
  return (
    <WooLayout>
      <section className="woo-card" style={{ maxWidth: 420, margin: "40px auto" }}>
        <h1>Create your Facto account</h1>
        <p className="woo-muted">One account holds all your WooCommerce stores.</p>
        {errors.form ? (
          <div className="woo-banner" data-tone="critical" role="alert">
            {errors.form}
          </div>
        ) : null}
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <Field label="E-mail" name="email" type="email" autoComplete="email" required defaultValue={result?.email} error={errors.email} />
          <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} error={errors.password} help={`At least ${MIN_PASSWORD_LENGTH} characters, not a common password`} />
          <Field label="Password again" name="confirm" type="password" autoComplete="new-password" required error={errors.confirm} />
          <button className="woo-button" type="submit">
            Create account
          </button>
        </Form>
        <p className="woo-muted">
          Already have an account? <a href="/woo/login">Sign in</a>
        </p>
      </section>
    </WooLayout>
  );
}
