import type { Db } from "~/db.server";
import type { ParticipantId } from "~/domain/peppol/participant-id";
import { CREDIT_NOTE_DOCUMENT_TYPE_ID, INVOICE_DOCUMENT_TYPE_ID } from "~/domain/peppol/document-types";
import { AppError, isAppError } from "~/errors/app-error";
import type { AccessPointProvider } from "~/integrations/peppol/access-point-provider";
import type { PeppolDiscovery } from "~/integrations/peppol/discovery.server";

export interface PeppolLookupResult {
  participantId: string;
  registered: boolean;
  invoice: boolean;
  creditNote: boolean;
  accessPoint: string | null;
  reason: string | null;
  checkedAt: Date;
  expiresAt: Date;
}

export interface LookupDeps {
  provider: AccessPointProvider | null;
  discovery: PeppolDiscovery | null;
  now: () => Date;
  ttlHours: number;
}

/**
 * "Is this customer on PEPPOL?" — PEPPOL's own discovery (SML/SMP) and the provider's lookup,
 * cached per shop until it expires. Either source saying "registered for this document type" is
 * enough; "not registered" is only concluded when every source that answered says so and none
 * failed: an outage is an error (retryable), never a "no".
 */
export async function lookupParticipant(db: Db, shopId: string, participant: ParticipantId, deps: LookupDeps, options: { fresh?: boolean } = {}): Promise<PeppolLookupResult> {
  const now = deps.now();
  if (!options.fresh) {
    const cached = await db.peppolLookup.findUnique({ where: { shopId_participantId: { shopId, participantId: participant.full } } });
    if (cached && cached.expiresAt > now) return cached;
  }

  const [smp, provider] = await Promise.allSettled([
    deps.discovery ? deps.discovery.discover(participant) : Promise.resolve(null),
    deps.provider ? deps.provider.lookup(participant) : Promise.resolve(null),
  ]);
  const failures = [smp, provider].filter((r): r is PromiseRejectedResult => r.status === "rejected");
  const smpAnswer = smp.status === "fulfilled" ? smp.value : null;
  const providerAnswer = provider.status === "fulfilled" ? provider.value : null;

  let invoice = false;
  let creditNote = false;
  let accessPoint: string | null = null;
  if (smpAnswer?.registered) {
    invoice ||= smpAnswer.invoice.supported;
    creditNote ||= smpAnswer.creditNote.supported;
    accessPoint = smpAnswer.invoice.accessPoint ?? smpAnswer.creditNote.accessPoint;
  }
  if (providerAnswer?.registered) {
    invoice ||= providerAnswer.documentTypeIds.includes(INVOICE_DOCUMENT_TYPE_ID);
    creditNote ||= providerAnswer.documentTypeIds.includes(CREDIT_NOTE_DOCUMENT_TYPE_ID);
  }
  const registered = Boolean(smpAnswer?.registered || providerAnswer?.registered);
  if (!registered && failures.length > 0) {
    const first = failures[0]!.reason as unknown;
    throw isAppError(first) ? first : new AppError("UPSTREAM_UNAVAILABLE", "PEPPOL lookup failed", { cause: first });
  }
  if (!deps.discovery && !deps.provider) throw new AppError("SHOP_SETTINGS_INCOMPLETE", "PEPPOL is not configured");

  const reason = registered
    ? !invoice && !creditNote
      ? "Registered on PEPPOL, but not for PEPPOL BIS 3 invoices or credit notes"
      : null
    : smpAnswer && !smpAnswer.registered
      ? smpAnswer.reason
      : `${participant.full} is not registered on PEPPOL`;
  const data = {
    registered,
    invoice,
    creditNote,
    accessPoint,
    reason,
    checkedAt: now,
    expiresAt: new Date(now.getTime() + deps.ttlHours * 3600_000),
  };
  return db.peppolLookup.upsert({
    where: { shopId_participantId: { shopId, participantId: participant.full } },
    create: { shopId, participantId: participant.full, ...data },
    update: data,
  });
}
