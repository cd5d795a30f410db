/**
 * The extension's logic, free of Shopify's runtime so it can be unit-tested: ask Facto whether to
 * offer direct debit for this order, and get the signing page when the shopper accepts. Facto answers
 * 409 while the order's webhook is still being processed; that is retried a few times.
 */
export type OfferState = { kind: "loading" } | { kind: "hidden" } | { kind: "offer" } | { kind: "active"; mandateId: string } | { kind: "error"; message: string };

export interface OfferDeps {
  apiUrl: string;
  getToken: () => Promise<string>;
  fetchImpl: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

interface Answer {
  offer: boolean;
  url?: string;
  reason?: string;
  mandateId?: string;
  error?: string;
}

async function ask(deps: OfferDeps, intent: "status" | "start", orderId: string | null): Promise<Answer> {
  const sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    const response = await deps.fetchImpl(`${deps.apiUrl.replace(/\/$/, "")}/api/checkout/direct-debit`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await deps.getToken()}`, "Content-Type": "application/json" },
      body: JSON.stringify({ intent, orderId }),
    });
    const body = (await response.json().catch(() => ({}))) as Answer;
    if (response.status === 409 && attempt < 4) {
      await sleep(1500 * (attempt + 1));
      continue;
    }
    if (!response.ok) throw new Error(body.error ?? `Facto answered ${response.status}`);
    return body;
  }
}

/** What to show when the block loads. */
export async function loadOffer(deps: OfferDeps, orderId: string | null): Promise<OfferState> {
  try {
    const answer = await ask(deps, "status", orderId);
    if (answer.offer) return { kind: "offer" };
    if (answer.reason === "active" && answer.mandateId) return { kind: "active", mandateId: answer.mandateId };
    return { kind: "hidden" };
  } catch {
    // An offer that cannot load is simply not shown: the thank-you page must never look broken.
    return { kind: "hidden" };
  }
}

/** The shopper accepted: the URL of Twikey's signing page, or a message to show. */
export async function startSigning(deps: OfferDeps, orderId: string | null): Promise<{ url: string } | { error: string } | { active: string }> {
  try {
    const answer = await ask(deps, "start", orderId);
    if (answer.url) return { url: answer.url };
    if (answer.mandateId) return { active: answer.mandateId };
    return { error: "Direct debit is not available for this order." };
  } catch (error) {
    return { error: error instanceof Error ? error.message : "Direct debit is not available right now." };
  }
}

const TEXT = {
  nl: { title: "Betaal volgende bestellingen via domiciliëring", body: "Onderteken eenmalig een SEPA-mandaat: uw volgende facturen worden automatisch van uw rekening geïnd.", button: "Mandaat ondertekenen", active: (m: string) => `U betaalt via domiciliëring (mandaat ${m}).` },
  fr: { title: "Payez vos prochaines commandes par domiciliation", body: "Signez une fois un mandat SEPA : vos prochaines factures seront prélevées automatiquement sur votre compte.", button: "Signer le mandat", active: (m: string) => `Vous payez par domiciliation (mandat ${m}).` },
  de: { title: "Zahlen Sie künftige Bestellungen per Lastschrift", body: "Unterzeichnen Sie einmalig ein SEPA-Mandat: Ihre nächsten Rechnungen werden automatisch eingezogen.", button: "Mandat unterzeichnen", active: (m: string) => `Sie zahlen per Lastschrift (Mandat ${m}).` },
  en: { title: "Pay future orders by direct debit", body: "Sign a SEPA mandate once: your next invoices are collected from your account automatically.", button: "Sign the mandate", active: (m: string) => `You pay by direct debit (mandate ${m}).` },
} as const;

/** The texts in the shopper's language (ISO code like "nl-BE"), English otherwise. */
export function texts(isoCode: string | null | undefined) {
  const language = (isoCode ?? "en").slice(0, 2).toLowerCase();
  return TEXT[(language in TEXT ? language : "en") as keyof typeof TEXT];
}
