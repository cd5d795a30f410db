import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminInvoiceDocument } from "~/routes-support/admin-shop.server";

// GET /app/invoices/:invoiceId/pdf — the stored PDF of one of the signed-in shop's invoices.
export const loader = ({ request, params }: LoaderFunctionArgs) => adminInvoiceDocument(request, params.invoiceId ?? "", "PDF");
