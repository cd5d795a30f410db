import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { MIN_PASSWORD_LENGTH } from "~/domain/account/password-policy";
import { resetPassword } from "~/services/account-security.server";
import styles from "~/styles/woo.css?url";
import { clientInfo } from "~/utils/client-info.server";
import { csrfFor, verifyCsrf } from "~/routes-support/woo-auth.server";

// /woo/reset?token=… — the e-mailed single-use link: choose a new password (every session ends).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Choose a new password — Facto" }];
export const headers = () => ({ "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { token, setCookie } = csrfFor(request);
  return Response.json({ csrf: token, token: new URL(request.url).searchParams.get("token") ?? "" }, { headers: { "Referrer-Policy": "no-referrer", ...(setCookie ? { "Set-Cookie": setCookie } : {}) } });
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const form = await request.formData();
  verifyCsrf(request, form);
  const result = await resetPassword(prisma, { token: String(form.get("token") ?? ""), password: String(form.get("password") ?? ""), confirm: String(form.get("confirm") ?? "") }, clientInfo(request, context));
  if (!result.ok) return Response.json({ errors: result.errors }, { status: 400 });
  return new Response(null, { status: 303, headers: { Location: "/woo/login?reset=1" } });
};

export default function Reset() {
  const { csrf, token } = useLoaderData<{ csrf: string; token: string }>();
  const errors = useActionData<{ errors?: Partial<Record<"password" | "confirm" | "form", string>> }>()?.errors ?? {};
  return (
    <WooLayout>
      <section className="woo-card" style={{ maxWidth: 420, margin: "40px auto" }}>
        <h1>Choose a new password</h1>
        {errors.form ? (
          <div className="woo-banner" data-tone="critical" role="alert">
            {errors.form} — <a href="/woo/forgot">send a new link</a>
          </div>
        ) : null}
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="token" value={token} />
          <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} error={errors.password} help={`At least ${MIN_PASSWORD_LENGTH} characters, not a common password`} />
          <Field label="New password again" name="confirm" type="password" autoComplete="new-password" required error={errors.confirm} />
          <button className="woo-button" type="submit">
            Save the new password
          </button>
        </Form>
        <p className="woo-muted">Every browser signed in to your account is signed out.</p>
      </section>
    </WooLayout>
  );
}
