import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { pain008Response } from "~/services/invoice-actions.server";
import { requireAdminShop } from "~/routes-support/admin-shop.server";

// POST /app/exports/pain008 (invoiceId…, collectionDate) — a SEPA Direct Debit file (pain.008.001.08)
// for the merchant's own bank: the chosen open invoices of customers with a signed mandate.
export const action = async ({ request }: ActionFunctionArgs) => pain008Response(prisma, (await requireAdminShop(request)).id, await request.formData());
