import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { parseIncomingDocument, responseOutcome } from "~/domain/peppol/parse-incoming";
import type { AccessPointProvider } from "~/integrations/peppol/access-point-provider";

export interface ImportDeps {
  provider: AccessPointProvider;
  notifyMerchant: (shopId: string, subject: string, text: string) => Promise<void>;
  onSettled?: (invoiceId: string) => Promise<void>;
}

/**
 * One document received over PEPPOL: fetched from the provider (the webhook only named it), kept with
 * its UBL and its essentials, acknowledged at the provider. An Invoice Response answering one of the
 * shop's documents moves that delivery to ACKNOWLEDGED or REJECTED (with the customer's reason; the
 * merchant is told of a rejection). Idempotent: the document is stored once per provider id.
 */
export async function importPeppolDocument(db: Db, shopId: string, providerDocumentId: string, deps: ImportDeps): Promise<string> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { peppolProviderCompanyId: true } });
  const doc = await deps.provider.fetchDocument(providerDocumentId);
  if (doc.companyId !== shop.peppolProviderCompanyId) return `document ${providerDocumentId} is for another company: ignored`;
  const essentials = (() => {
    try {
      return parseIncomingDocument(doc.xml);
    } catch {
      return null;
    }
  })();
  const ubl = Buffer.from(doc.xml, "utf8");
  const data = {
    shopId,
    provider: deps.provider.name,
    providerDocumentId,
    senderId: doc.senderId,
    documentTypeId: doc.documentTypeId,
    kind: essentials?.kind ?? "OTHER",
    ubl,
    sha256: createHash("sha256").update(ubl).digest("hex"),
    number: essentials?.number ?? null,
    issueDate: essentials?.issueDate ?? null,
    dueDate: essentials?.dueDate ?? null,
    currency: essentials?.currency ?? null,
    supplierName: essentials?.supplierName ?? null,
    supplierVatNumber: essentials?.supplierVatNumber ?? null,
    taxExclusiveAmount: essentials?.taxExclusiveAmount ?? null,
    vatAmount: essentials?.vatAmount ?? null,
    taxInclusiveAmount: essentials?.taxInclusiveAmount ?? null,
    payableAmount: essentials?.payableAmount ?? null,
    paymentReference: essentials?.paymentReference ?? null,
    responseCode: essentials?.response?.code ?? null,
    responseReason: essentials?.response?.reason ?? null,
    referencedNumber: essentials?.response?.referencedNumber ?? null,
    hasEmbeddedPdf: Boolean(essentials?.embeddedPdf),
    receivedAt: new Date(doc.receivedAt),
  } as const;
  await db.incomingDocument.createMany({ data: [data], skipDuplicates: true });

  let note = `${data.kind.toLowerCase()} ${data.number ?? "(no number)"} from ${doc.senderId} stored`;
  const outcome = responseOutcome(data.responseCode);
  if (data.kind === "INVOICE_RESPONSE" && outcome && data.referencedNumber) {
    const delivery = await db.peppolDelivery.findFirst({
      where: { shopId, invoice: { formattedNumber: data.referencedNumber }, recipientId: { equals: doc.senderId, mode: "insensitive" } },
      include: { invoice: { select: { id: true, formattedNumber: true } } },
    });
    if (delivery && delivery.state !== "REJECTED") {
      const reason = outcome === "REJECTED" ? `Rejected by the customer (${data.responseCode}): ${data.responseReason ?? "no reason given"}` : `Customer's answer: ${data.responseCode}${data.responseReason ? ` — ${data.responseReason}` : ""}`;
      await db.peppolDelivery.update({ where: { id: delivery.id }, data: { state: outcome, reason, respondedAt: new Date() } });
      if (outcome === "REJECTED") {
        await deps.notifyMerchant(shopId, `${delivery.invoice.formattedNumber} was rejected by your customer`, `${reason}\nIssue a credit note and a corrected invoice if the rejection is right.`);
      }
      await deps.onSettled?.(delivery.invoice.id);
      note += `; delivery of ${delivery.invoice.formattedNumber} ${outcome.toLowerCase()}`;
    }
  }
  await deps.provider.markRead(providerDocumentId);
  return note;
}
