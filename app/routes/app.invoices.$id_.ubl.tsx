import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminInvoiceDocument } from "~/routes-support/admin-shop.server";

// GET /app/invoices/:id/ubl — the PEPPOL BIS 3 UBL of one of the signed-in shop's invoices.
export const loader = ({ request, params }: LoaderFunctionArgs) => adminInvoiceDocument(request, params.id ?? "", "UBL");
