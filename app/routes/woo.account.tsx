import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { WooLayout } from "~/components/woo-layout";
import { prisma } from "~/db.server";
import { listSessions, revokeOtherSessions, revokeSession } from "~/services/accounts.server";
import { recordAudit } from "~/services/audit-log.server";
import styles from "~/styles/woo.css?url";
import { clientInfo } from "~/utils/client-info.server";
import { csrfFor, requireAccount, verifyCsrf } from "~/routes-support/woo-auth.server";

// /woo/account — the browsers signed in to this account; any of them can be signed out from here.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Account security — Facto" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const account = await requireAccount(request);
  const { token, setCookie } = csrfFor(request);
  const sessions = (await listSessions(prisma, account.id)).map((s) => ({ ...s, current: s.id === account.sessionId }));
  return Response.json({ email: account.email, csrf: token, sessions }, setCookie ? { headers: { "Set-Cookie": setCookie } } : {});
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const account = await requireAccount(request);
  const form = await request.formData();
  verifyCsrf(request, form);
  const { ip } = clientInfo(request, context);
  if (form.get("intent") === "revoke-others") {
    const ended = await revokeOtherSessions(prisma, account.id, account.sessionId);
    await recordAudit(prisma, { accountId: account.id, action: "sessions revoked", detail: `${ended} other browser(s) signed out`, ip });
  } else {
    const sessionId = String(form.get("sessionId") ?? "");
    if (await revokeSession(prisma, account.id, sessionId)) await recordAudit(prisma, { accountId: account.id, action: "session revoked", ip });
  }
  return new Response(null, { status: 303, headers: { Location: "/woo/account" } });
};

type SessionRow = { id: string; createdAt: string; lastSeenAt: string | null; ip: string | null; userAgent: string | null; current: boolean };

export default function AccountSecurity() {
  const { email, csrf, sessions } = useLoaderData<{ email: string; csrf: string; sessions: SessionRow[] }>();
  return (
    <WooLayout email={email} csrf={csrf}>
      <section className="woo-card">
        <h1>Signed-in browsers</h1>
        <table className="woo-table" aria-label="Sessions">
          <thead>
            <tr>
              <th>Browser</th>
              <th>Address</th>
              <th>Signed in</th>
              <th>Last active</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} data-session={s.id}>
                <td>{s.userAgent ?? "unknown"}{s.current ? " (this browser)" : ""}</td>
                <td>{s.ip ?? ""}</td>
                <td>{s.createdAt.slice(0, 16).replace("T", " ")}</td>
                <td>{s.lastSeenAt ? s.lastSeenAt.slice(0, 16).replace("T", " ") : ""}</td>
                <td>
                  {s.current ? null : (
                    <Form method="post">
                      <input type="hidden" name="csrf" value={csrf} />
                      <input type="hidden" name="sessionId" value={s.id} />
                      <button type="submit">Sign out</button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Form method="post">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="revoke-others" />
          <button className="woo-button" type="submit">
            Sign out every other browser
          </button>
        </Form>
        <p className="woo-muted">
          Forgot your password, or think someone knows it? <a href="/woo/forgot">Choose a new one</a>: every browser is signed out.
        </p>
      </section>
    </WooLayout>
  );
}
