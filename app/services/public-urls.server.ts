import { env } from "~/env.server";

/** The public payment page of an invoice, on this app's public URL. */
export function paymentPageUrl(token: string): string {
  return `${env().SHOPIFY_APP_URL.replace(/\/$/, "")}/pay/${token}`;
}
