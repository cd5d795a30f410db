import type { LoaderFunctionArgs } from "@remix-run/node";
import { wooInvoiceDocument } from "~/routes-support/woo-auth.server";

// GET /woo/stores/:shopId/invoices/:invoiceId/pdf — the stored PDF, for the store's owner.
export const loader = ({ request, params }: LoaderFunctionArgs) => wooInvoiceDocument(request, params.shopId ?? "", params.invoiceId ?? "", "PDF");
