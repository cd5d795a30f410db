import type { Db } from "~/db.server";
import { readTwikeyExit, TWIKEY_EXIT_TEST_PREFIX, verifyTwikeyExit } from "~/integrations/twikey/twikey-client.server";
import { logger } from "~/logger.server";
import { ensureJob } from "~/queues.server";
import { decryptSecret } from "~/utils/encryption.server";

export type MandateReturnOutcome = "ok" | "pending" | "failed" | "unknown" | "unfilled" | "invalid" | "test";

export interface MandateReturn {
  outcome: MandateReturnOutcome;
  shop: { legalName: string | null; name: string | null; defaultLanguage: string; accentColor: string | null } | null;
}

/**
 * Where Twikey sends the shopper after signing: the exit URL of the shop's Twikey template, in which
 * Twikey fills the placeholders {{mandateNumber}}, {{status}} and {{s}} (it appends nothing). The
 * signature (website key, over "mandateNumber/status") is checked before anything is said; the mandate
 * itself is taken from Twikey's feed, read right away (a "twikey-feeds" job). The settings page's "test
 * this URL" opens it with a test mandate number.
 */
export async function readMandateReturn(db: Db, shopId: string, params: URLSearchParams): Promise<MandateReturn> {
  const found = /^[0-9a-f-]{36}$/i.test(shopId)
    ? await db.shop.findUnique({ where: { id: shopId }, select: { id: true, legalName: true, name: true, defaultLanguage: true, accentColor: true, twikeyWebsiteKey: true } })
    : null;
  const shop = found ? { legalName: found.legalName, name: found.name, defaultLanguage: found.defaultLanguage, accentColor: found.accentColor } : null;
  const exit = readTwikeyExit(params);
  if (found && !exit.mndtId && !exit.status && !exit.signature) {
    // The bare URL, as Facto used to show it: Twikey appends nothing, so nothing says what happened.
    // The shopper is not sent to an error page: the feed (the truth) is read and tells Facto.
    logger.warn({ shopId: found.id }, "Twikey's exit URL has no placeholders: the merchant should paste the one the direct-debit settings show");
    await ensureJob("twikey-feeds", { shopId: found.id }).catch(() => false);
    return { outcome: "unknown", shop };
  }
  // Twikey sent the placeholder back as written: the exit URL in Twikey is not the one Facto shows.
  if (exit.unfilled) return { outcome: "unfilled", shop };
  const valid = Boolean(found?.twikeyWebsiteKey && exit.mndtId && verifyTwikeyExit(decryptSecret(found.twikeyWebsiteKey), exit.mndtId, exit.status, exit.signature, exit.token));
  if (!found || !valid) return { outcome: "invalid", shop };
  // The settings page's check: the URL reached Facto with every placeholder filled and a valid signature.
  if (exit.mndtId.startsWith(TWIKEY_EXIT_TEST_PREFIX)) return { outcome: "test", shop };
  const outcome = exit.status === "ok" ? "ok" : exit.status === "pending" || exit.status === "print" ? "pending" : "failed";
  if (outcome !== "failed") await ensureJob("twikey-feeds", { shopId: found.id }).catch(() => false); // the schedule reads them anyway
  return { outcome, shop };
}
