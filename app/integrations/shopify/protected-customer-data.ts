import { isAppError } from "~/errors/app-error";

/**
 * Shopify's answer when an App Store app reads protected customer data (Customer, or the name, address,
 * e-mail and phone fields of orders and customers) without Shopify's approval:
 * https://shopify.dev/docs/apps/launch/protected-customer-data, "Using protected customer data":
 * "GraphQL requests to unapproved types will return an HTTP `200 Ok` response with an error message in
 * the `errors` hash" — e.g. `"This app is not approved to access the Customer object. See
 * https://partners.shopify.com/123/apps/456/customer_data for more details."` / `"This app is not approved
 * to use the phoneNumber field."`; the errors carry `extensions.code: "ACCESS_DENIED"` (the code Shopify
 * also uses for missing scopes, which is why the message decides).
 * Returns Shopify's message when `error` is such a refusal, otherwise null.
 */
export function protectedCustomerDataDenial(error: unknown): string | null {
  if (!isAppError(error)) return null;
  const errors = (error.details as { errors?: { message?: string; extensions?: { code?: string } }[] } | undefined)?.errors ?? [];
  const denied = errors.find((e) => /not approved to (access|use)/i.test(e.message ?? "") || (e.extensions?.code === "ACCESS_DENIED" && /customer/i.test(e.message ?? "")));
  return denied?.message ?? null;
}

type AddressFields = { name?: string | null; first_name?: string | null; last_name?: string | null; address1?: string | null; city?: string | null; zip?: string | null; country_code?: string | null } | null | undefined;

/**
 * Whether an order webhook arrived with the buyer redacted: Shopify sends an app without approved
 * protected customer data fields the payload with "unapproved fields ... redacted"
 * (shopify.dev/docs/apps/launch/protected-customer-data, "Using protected customer data"), which leaves a
 * billing address with its country but no name and no street, city or zip, and no e-mail anywhere. A
 * checkout never produces that (it always takes a contact e-mail, and a billing address has a name), so
 * an order whose billing address is only a country but that carries an e-mail is taken as it is.
 */
export function buyerRedacted(order: { billing_address?: AddressFields; email?: string | null; contact_email?: string | null; customer?: { email?: string | null } | null }): boolean {
  const a = order.billing_address;
  if (!a) return false;
  const has = (v: string | null | undefined) => !!v?.trim();
  const addressRedacted = has(a.country_code) && !has(a.name) && !has(a.first_name) && !has(a.last_name) && !has(a.address1) && !has(a.city) && !has(a.zip);
  return addressRedacted && !has(order.email) && !has(order.contact_email) && !has(order.customer?.email);
}
