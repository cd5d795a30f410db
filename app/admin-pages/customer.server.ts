import { prisma } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import type { Shop } from "~/generated/prisma/client";
import { ensureJob } from "~/queues.server";
import { cancelMandateInTwikey, startMandate } from "~/services/direct-debit.server";
import { deriveParticipantId } from "~/domain/peppol/participant-id";
import { env } from "~/env.server";
import { accessPointProvider, peppolDiscovery } from "~/integrations/peppol/access-point-provider.server";
import { lookupParticipant } from "~/services/peppol-lookup.server";

// A customer (Shopify admin /app/customers/:id, WooCommerce admin /woo/stores/:id/customers/:customerId):
// details, payment method, invoices, SEPA mandates (invite, signing link, cancel, signed PDF).
async function load(shop: Shop, id: string) {
  const customer = /^[0-9a-f-]{36}$/i.test(id) ? await prisma.customer.findFirst({ where: { id, shopId: shop.id } }) : null;
  if (!customer) throw new Response("Customer not found", { status: 404 });
  return { shop, customer };
}

export async function customerLoader(shop: Shop, id: string, base: string) {
  const { customer } = await load(shop, id);
  const [invoices, mandates] = await Promise.all([
    prisma.invoice.findMany({ where: { shopId: shop.id, customerId: customer.id }, orderBy: { createdAt: "desc" }, take: 100, select: { id: true, formattedNumber: true, kind: true, issueDate: true, currency: true, taxInclusiveTotal: true, status: true } }),
    prisma.mandate.findMany({ where: { shopId: shop.id, customerId: customer.id }, orderBy: { createdAt: "desc" }, select: { id: true, mndtId: true, status: true, scheme: true, iban: true, signedAt: true, cancelledAt: true, cancelReason: true, inviteUrl: true, pdf: false, createdAt: true } }),
  ]);
  const peppol = await peppolOfCustomer(shop, customer);
  const withPdf = new Set((await prisma.mandate.findMany({ where: { customerId: customer.id, pdf: { not: null } }, select: { id: true } })).map((m) => m.id));
  return {
    twikey: Boolean(shop.twikeyApiKey && shop.twikeyTemplateCore),
    customer: { id: customer.id, name: customer.name, companyName: customer.companyName, email: customer.email, vatNumber: customer.vatNumber, vatValid: customer.vatValid, language: customer.language, country: customer.countryCode, directDebit: customer.paymentMethod === "DIRECT_DEBIT" },
    invoices: invoices.map((i) => ({ id: i.id, number: i.formattedNumber, kind: i.kind, date: i.issueDate.toISOString().slice(0, 10), total: `${i.currency} ${i.taxInclusiveTotal.toFixed(2)}`, status: i.status.toLowerCase() })),
    peppol,
    mandates: mandates.map((m) => ({ id: m.id, mndtId: m.mndtId, status: m.status, scheme: m.scheme, iban: m.iban, signedAt: m.signedAt?.toISOString().slice(0, 10) ?? null, cancelled: m.cancelledAt ? `${m.cancelledAt.toISOString().slice(0, 10)}${m.cancelReason ? ` (${m.cancelReason})` : ""}` : null, inviteUrl: m.status === "PREPARED" || m.status === "INVITED" ? m.inviteUrl : null, hasPdf: withPdf.has(m.id) })),
    base,
  };
}

export async function customerAction(shop: Shop, id: string, form: FormData) {
  const { customer } = await load(shop, id);
  try {
    if (form.get("intent") === "invite" || form.get("intent") === "prepare") {
      const started = await startMandate(prisma, shop.id, customer.id, { sendInvite: form.get("intent") === "invite" });
      return { ok: true, message: started.alreadyActive ? `Already signed: mandate ${started.mandateId}.` : form.get("intent") === "invite" ? `Twikey e-mails ${customer.email ?? "the customer"} an invitation to sign mandate ${started.mandateId}.` : `Mandate ${started.mandateId} prepared: share its signing link with the customer.` };
    }
    if (form.get("intent") === "peppol-lookup") {
      const id = deriveParticipantId({ country: customer.countryCode, vatNumber: customer.vatNumber });
      if (!id.ok) return { ok: false, message: id.reason };
      const result = await lookupParticipant(prisma, shop.id, id.id, { provider: accessPointProvider(), discovery: peppolDiscovery(), now: () => new Date(), ttlHours: env().PEPPOL_LOOKUP_TTL_HOURS }, { fresh: true });
      return { ok: true, message: result.registered ? `${id.id.full} is on PEPPOL` : `${id.id.full} is not on PEPPOL` };
    }
    if (form.get("intent") === "cancel") {
      const mndtId = await cancelMandateInTwikey(prisma, shop.id, String(form.get("mndtId") ?? ""), customer.id);
      await ensureJob("twikey-feeds", { shopId: shop.id });
      return { ok: true, message: `Mandate ${mndtId} cancelled in Twikey.` };
    }
    return { ok: false, message: "Unknown action" };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message };
    throw error;
  }
}


/** "Is this customer on PEPPOL?": their id (or why there is none) and the last lookup, if still cached. */
async function peppolOfCustomer(shop: Shop, customer: { countryCode: string | null; vatNumber: string | null }) {
  if (!customer.vatNumber) return { participantId: null, problem: "No VAT number: a consumer, not reachable over PEPPOL", lookup: null };
  const id = deriveParticipantId({ country: customer.countryCode, vatNumber: customer.vatNumber });
  if (!id.ok) return { participantId: null, problem: id.reason, lookup: null };
  const cached = await prisma.peppolLookup.findUnique({ where: { shopId_participantId: { shopId: shop.id, participantId: id.id.full } } });
  return {
    participantId: id.id.full,
    problem: null,
    lookup: cached
      ? {
          registered: cached.registered,
          invoice: cached.invoice,
          creditNote: cached.creditNote,
          accessPoint: cached.accessPoint,
          reason: cached.reason,
          checkedAt: cached.checkedAt.toISOString().slice(0, 16).replace("T", " ") + " UTC",
          expired: cached.expiresAt < new Date(),
        }
      : null,
  };
}

/** The signed mandate PDF Twikey returned, for a customer of the shop. */
export async function mandatePdfResponse(shop: Shop | null, customerId: string | undefined, mandateId: string | undefined): Promise<Response> {
  const ok = (v: string | undefined) => Boolean(v && /^[0-9a-f-]{36}$/i.test(v));
  const mandate = shop && ok(customerId) && ok(mandateId) ? await prisma.mandate.findFirst({ where: { id: mandateId, shopId: shop.id, customerId }, select: { mndtId: true, pdf: true } }) : null;
  if (!mandate?.pdf) return new Response("Mandate not found", { status: 404 });
  return new Response(Buffer.from(mandate.pdf), { headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${mandate.mndtId}.pdf"`, "Cache-Control": "private, no-store" } });
}
