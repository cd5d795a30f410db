import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminInvoiceDocument } from "~/routes-support/admin-shop.server";

// GET /app/invoices/:invoiceId/ubl — the PEPPOL BIS 3 UBL of one of the signed-in shop's invoices.
export const loader = ({ request, params }: LoaderFunctionArgs) => adminInvoiceDocument(request, params.invoiceId ?? "", "UBL");
