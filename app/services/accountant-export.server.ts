import { recordAudit } from "./audit-log.server";
import { isAppError } from "~/errors/app-error";
import { strToU8, zipSync } from "fflate";
import type { Db } from "~/db.server";
import { AppError } from "~/errors/app-error";

/**
 * A period's invoices and credit notes for the accountant: one ZIP with every PDF and PEPPOL UBL
 * and a CSV summary (number, dates, customer, VAT number, net, VAT, total, status, paid). At most
 * 5,000 documents per ZIP, so a request never holds an unbounded archive in memory.
 */
export const MAX_EXPORT_DOCUMENTS = 5000;

const csvCell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[";\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export async function accountantExport(db: Db, shopId: string, from: string, to: string): Promise<{ zip: Uint8Array; count: number; filename: string }> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || from > to) throw new AppError("BAD_REQUEST", "Choose a period: a start date on or before the end date");
  const invoices = await db.invoice.findMany({
    where: { shopId, issueDate: { gte: new Date(from), lte: new Date(to) } },
    orderBy: [{ kind: "asc" }, { numberYear: "asc" }, { number: "asc" }],
    take: MAX_EXPORT_DOCUMENTS + 1,
    select: { id: true, formattedNumber: true, kind: true, issueDate: true, dueDate: true, currency: true, taxExclusiveTotal: true, vatTotal: true, taxInclusiveTotal: true, paidAmount: true, status: true, vatRegime: true, buyer: true, channelOrderName: true, original: { select: { formattedNumber: true } } },
  });
  if (invoices.length > MAX_EXPORT_DOCUMENTS) throw new AppError("BAD_REQUEST", `More than ${MAX_EXPORT_DOCUMENTS} documents in this period: export a shorter period`);
  const files: Record<string, Uint8Array> = {};
  const header = ["number", "type", "issue_date", "due_date", "order", "customer", "customer_vat_number", "currency", "net", "vat", "total", "paid", "status", "vat_regime", "corrects"];
  const lines = [header.join(";")];
  for (const inv of invoices) {
    const buyer = inv.buyer as { name?: string; companyName?: string | null; vatNumber?: string | null };
    lines.push(
      [
        inv.formattedNumber,
        inv.kind === "CREDIT_NOTE" ? "credit note" : "invoice",
        inv.issueDate.toISOString().slice(0, 10),
        inv.dueDate?.toISOString().slice(0, 10) ?? "",
        inv.channelOrderName,
        buyer.companyName || buyer.name || "",
        buyer.vatNumber ?? "",
        inv.currency,
        inv.taxExclusiveTotal.toFixed(2),
        inv.vatTotal.toFixed(2),
        inv.taxInclusiveTotal.toFixed(2),
        inv.paidAmount.toFixed(2),
        inv.status.toLowerCase(),
        inv.vatRegime,
        inv.original?.formattedNumber ?? "",
      ]
        .map(csvCell)
        .join(";"),
    );
    const docs = await db.document.findMany({ where: { invoiceId: inv.id }, select: { format: true, content: true } });
    for (const doc of docs) files[`${inv.kind === "CREDIT_NOTE" ? "credit-notes" : "invoices"}/${inv.formattedNumber}.${doc.format === "PDF" ? "pdf" : "xml"}`] = new Uint8Array(doc.content);
  }
  // A BOM so spreadsheet programs read the UTF-8 names correctly.
  files["summary.csv"] = strToU8(`\uFEFF${lines.join("\r\n")}\r\n`);
  // PDFs are compressed already: store them; compress the XML and CSV.
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [data, { level: name.endsWith(".pdf") ? 0 : 6 }]])), { mtime: new Date(`${to}T00:00:00Z`) });
  return { zip, count: invoices.length, filename: `facto-${from}-to-${to}.zip` };
}

/** The export as a download (`?from=YYYY-MM-DD&to=YYYY-MM-DD`), or the reason it cannot be made as text. */
export async function accountantExportResponse(db: Db, shopId: string, url: URL): Promise<Response> {
  try {
    const { zip, filename, count } = await accountantExport(db, shopId, url.searchParams.get("from") ?? "", url.searchParams.get("to") ?? "");
    await recordAudit(db, { shopId, action: "accountant export", detail: `${filename}: ${count} document(s)` });
    return new Response(Buffer.from(zip), { headers: { "Content-Type": "application/zip", "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "private, no-store" } });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: error.httpStatus, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
}
