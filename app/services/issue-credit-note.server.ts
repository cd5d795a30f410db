import type { Db } from "~/db.server";
import { buildCreditNoteDraft } from "~/domain/invoice/build-credit-note-draft";
import { InvoiceInputError } from "~/domain/invoice/build-invoice-draft";
import { missingMandatoryContent } from "~/domain/invoice/check-mandatory-content";
import type { Channel, ChannelRefund } from "~/domain/invoice/types";
import { dec, sum } from "~/domain/money/money";
import { AppError } from "~/errors/app-error";
import { Prisma } from "~/generated/prisma/client";
import { logger } from "~/logger.server";
import { insertIssuedDocument, NUMBERING_TRANSACTION } from "~/models/insert-issued-document.server";
import { loadIssuedInvoice } from "~/models/issued-invoice.server";
import { dateInBrussels } from "./issue-invoice.server";

export type IssueCreditNoteResult =
  | { status: "issued" | "already-issued"; creditNoteId: string; formattedNumber: string }
  | { status: "nothing-to-credit"; reason: string };

/**
 * Issues the credit note of a refund (or a cancellation) of an invoiced order, exactly once per
 * refund id. A cancellation credits what is still uncredited: the whole invoice when nothing was
 * credited before, otherwise the rest spread over the invoice's rates — so a refund followed by a
 * cancellation never credits more than the invoice. The invoice is marked CREDITED once fully credited.
 */
export async function issueCreditNote(
  db: Db,
  input: { shopId: string; channel: Channel; refund: ChannelRefund; now: Date },
): Promise<IssueCreditNoteResult> {
  const { shopId, channel, refund } = input;
  const log = logger.child({ shopId, orderId: refund.orderId, refundId: refund.refundId });
  const existing = await findCreditNote(db, shopId, channel, refund.refundId);
  if (existing) return { status: "already-issued", creditNoteId: existing.id, formattedNumber: existing.formattedNumber };

  const invoiceRow = await db.invoice.findUnique({
    where: { shopId_channel_kind_sourceId: { shopId, channel, kind: "INVOICE", sourceId: refund.orderId } },
    select: { id: true, taxInclusiveTotal: true, creditNotes: { select: { taxInclusiveTotal: true } } },
  });
  if (!invoiceRow) return { status: "nothing-to-credit", reason: `order ${refund.orderId} has no invoice` };
  const credited = sum(invoiceRow.creditNotes.map((c) => c.taxInclusiveTotal.toFixed(2)));
  const remaining = dec(invoiceRow.taxInclusiveTotal.toFixed(2)).minus(credited);
  if (!remaining.greaterThan(0)) return { status: "nothing-to-credit", reason: "the invoice is already fully credited" };

  const original = await loadIssuedInvoice(db, invoiceRow.id);
  if (!original) throw new Error(`invoice ${invoiceRow.id} vanished`);
  // A cancellation after partial refunds credits the rest, spread over the invoice's rates (on the
  // order's VAT basis: incl. VAT when its prices were, else net).
  let effective = refund;
  if (refund.full && !credited.isZero()) {
    const rest = original.pricesIncludeVat ? remaining : dec(original.totals.taxExclusiveTotal).minus(sum(await creditedNets(db, invoiceRow.id)));
    effective = { ...refund, full: false, lines: [], shipping: "0", otherAmount: rest.toFixed(2), reason: refund.reason ?? "Cancellation" };
  }
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { creditNoteSeries: true } });
  const draft = buildCreditNoteDraft(original, effective, { issueDate: dateInBrussels(input.now), pricesIncludeVat: original.pricesIncludeVat });
  const missingContent = missingMandatoryContent(draft);
  if (missingContent.length > 0) throw new InvoiceInputError(`The credit note would lack: ${missingContent.join(", ")}`);
  if (dec(draft.totals.taxInclusiveTotal).greaterThan(remaining)) {
    throw new AppError("INVALID_PAYLOAD", `Refund ${refund.refundId} (${draft.totals.taxInclusiveTotal}) exceeds what remains to credit on ${original.formattedNumber} (${remaining.toFixed(2)})`);
  }

  try {
    const created = await db.$transaction(async (tx) => {
      const note = await insertIssuedDocument(tx as unknown as Db, {
        shopId,
        draft,
        series: shop.creditNoteSeries ? "CREDIT_NOTE" : "INVOICE",
        customerId: original.customerId,
        originalInvoiceId: original.id,
        viesConsultationNumber: null,
        pricesIncludeVat: original.pricesIncludeVat,
        channelTotals: null,
      });
      if (dec(draft.totals.taxInclusiveTotal).equals(remaining)) {
        await tx.invoice.update({ where: { id: original.id }, data: { status: "CREDITED" } });
      }
      return note;
    }, NUMBERING_TRANSACTION);
    log.info({ creditNoteId: created.id, number: created.formattedNumber, original: original.formattedNumber }, "credit note issued");
    return { status: "issued", creditNoteId: created.id, formattedNumber: created.formattedNumber };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const raced = await findCreditNote(db, shopId, channel, refund.refundId);
      if (raced) return { status: "already-issued", creditNoteId: raced.id, formattedNumber: raced.formattedNumber };
    }
    throw error;
  }
}

function findCreditNote(db: Db, shopId: string, channel: Channel, refundId: string) {
  return db.invoice.findUnique({
    where: { shopId_channel_kind_sourceId: { shopId, channel, kind: "CREDIT_NOTE", sourceId: refundId } },
    select: { id: true, formattedNumber: true },
  });
}

async function creditedNets(db: Db, invoiceId: string): Promise<string[]> {
  const notes = await db.invoice.findMany({ where: { originalInvoiceId: invoiceId }, select: { taxExclusiveTotal: true } });
  return notes.map((n) => n.taxExclusiveTotal.toFixed(2));
}
