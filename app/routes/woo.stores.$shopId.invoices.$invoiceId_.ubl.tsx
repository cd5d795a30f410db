import type { LoaderFunctionArgs } from "@remix-run/node";
import { wooInvoiceDocument } from "~/routes-support/woo-auth.server";

// GET /woo/stores/:shopId/invoices/:invoiceId/ubl — the PEPPOL BIS 3 UBL, for the store's owner.
export const loader = ({ request, params }: LoaderFunctionArgs) => wooInvoiceDocument(request, params.shopId ?? "", params.invoiceId ?? "", "UBL");
