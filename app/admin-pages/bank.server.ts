import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import { enqueue } from "~/queues.server";
import { assignBankTransaction, ignoreBankTransaction, importBankStatement, listUnmatched } from "~/services/bank-statements.server";
import { paymentEffects } from "~/services/payment-effects.server";

// Bank statements (Shopify admin /app/bank, WooCommerce admin /woo/stores/:id/bank): upload a CODA or camt.053
// file, see what was booked, and assign in one click what matched nothing (docs/decisions/020-bank-statements.md).
const MAX_BYTES = 20 * 1024 * 1024;

export async function bankLoader(shop: Shop) {
  const { rows, openInvoices } = await listUnmatched(prisma, shop.id);
  const matched = await prisma.bankTransaction.count({ where: { shopId: shop.id, status: "MATCHED" } });
  return { rows, openInvoices, matched, iban: shop.iban };
}

/** CODA files are often Latin-1 (Febelfin allows the bank's code page); camt.053 is UTF-8. */
function decode(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("latin1").decode(bytes);
  }
}

export async function bankAction(shop: Shop, form: FormData) {
  const intent = String(form.get("intent") ?? "");
  const effects = paymentEffects(prisma, enqueue);
  try {
    if (intent === "import") {
      const file = form.get("statement");
      if (!file || typeof file === "string" || file.size === 0) return { ok: false as const, message: "Choose a CODA (.cod) or camt.053 (.xml) file" };
      if (file.size > MAX_BYTES) return { ok: false as const, message: "The file is larger than 20 MB" };
      const s = await importBankStatement(prisma, shop.id, decode(await file.arrayBuffer()), effects);
      const parts = [
        `${s.transactions} transaction(s) in ${s.statements} statement(s)`,
        s.duplicates ? `${s.duplicates} already imported` : null,
        `${s.paid} invoice(s) paid`,
        s.partial ? `${s.partial} partial payment(s)` : null,
        s.overpaid ? `${s.overpaid} over-payment(s)` : null,
        s.proposed ? `${s.proposed} to confirm` : null,
        `${s.unmatched} unmatched`,
      ].filter(Boolean);
      return { ok: true as const, message: `${file.name}: ${parts.join(", ")}` };
    }
    if (intent === "assign") {
      const r = await assignBankTransaction(prisma, shop.id, String(form.get("transactionId") ?? ""), String(form.get("invoiceId") ?? ""), effects);
      return { ok: true as const, message: r.status === "booked" ? "Payment booked on the invoice" : "Debit linked to the invoice" };
    }
    if (intent === "ignore") {
      await ignoreBankTransaction(prisma, shop.id, String(form.get("transactionId") ?? ""));
      return { ok: true as const, message: "Set aside" };
    }
    return { ok: false as const, message: "Unknown action" };
  } catch (error) {
    if (isAppError(error)) return { ok: false as const, message: error.message };
    throw error;
  }
}
