import { Form } from "@remix-run/react";
import { useId, type ReactNode } from "react";

/** The frame of Facto's own admin pages (WooCommerce merchants). */
export function WooLayout({ email, csrf, children }: { email?: string | null; csrf?: string; children: ReactNode }) {
  return (
    <div className="woo">
      <header className="woo-top">
        <a href="/woo" style={{ fontWeight: 700, textDecoration: "none" }}>
          Facto for WooCommerce
        </a>
        {email ? (
          <span>
            {email} ·{" "}
            <Form method="post" action="/woo/logout">
              <input type="hidden" name="csrf" value={csrf} />
              <button type="submit">Sign out</button>
            </Form>
          </span>
        ) : null}
      </header>
      <main className="woo-main">{children}</main>
    </div>
  );
}

export function Field({ label, name, error, help, ...input }: { label: string; name: string; error?: string | undefined; help?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="woo-field">
      <label htmlFor={id}>
        <span>{label}</span>
      </label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={help || error ? `${id}-note` : undefined} {...input} />
      <span id={`${id}-note`}>
        {help ? <small>{help}</small> : null}
        {error ? <em className="woo-error">{error}</em> : null}
      </span>
    </div>
  );
}
