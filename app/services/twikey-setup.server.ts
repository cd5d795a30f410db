import type { Db } from "~/db.server";
import { isAppError } from "~/errors/app-error";
import { fillTwikeyExitUrl, TWIKEY_EXIT_TEST_PREFIX, twikeyClient, TwikeyAuthError, twikeyExitUrlTemplate } from "~/integrations/twikey/twikey-client.server";
import { decryptSecret } from "~/utils/encryption.server";

/**
 * What the merchant pastes into Twikey, exactly as Twikey's settings expect it, and the checks behind
 * the settings page's buttons (Shopify admin and WooCommerce store page alike).
 */
export function twikeySetupUrls(appUrl: string, shopId: string): { callbackUrl: string; exitUrl: string } {
  const base = appUrl.replace(/\/+$/, "");
  return {
    // Twikey → Settings → API → the API key's webhook URL: GET + query string, signed with X-Signature.
    callbackUrl: `${base}/webhooks/twikey/${shopId}`,
    // Twikey → Settings → Profiles (contract templates) → Thank-you page: placeholders Twikey fills in.
    exitUrl: twikeyExitUrlTemplate(`${base}/mandates/return/${shopId}`),
  };
}

/**
 * "Test this URL": Facto fills the exit URL's placeholders as Twikey does after a signature (a test
 * mandate number, status ok, the signature made with the stored website key) and opens it over
 * HTTP — proving the public address reaches Facto and the return page reads what Twikey sends.
 * It cannot prove the website key matches Twikey's: the message says so.
 */
export async function testTwikeyExitUrl(db: Db, shopId: string, appUrl: string, fetchImpl: typeof fetch = fetch): Promise<{ ok: boolean; message: string; url: string | null }> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { twikeyWebsiteKey: true } });
  if (!shop.twikeyWebsiteKey) return { ok: false, message: "Enter your website key first (Twikey → Settings → Website): it signs the exit URL.", url: null };
  const { exitUrl } = twikeySetupUrls(appUrl, shopId);
  const url = fillTwikeyExitUrl(exitUrl, { mandateNumber: `${TWIKEY_EXIT_TEST_PREFIX}${Date.now()}`, status: "ok", websiteKey: decryptSecret(shop.twikeyWebsiteKey) });
  try {
    const response = await fetchImpl(url, { headers: { Accept: "text/html" }, redirect: "manual", signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    if (response.status === 200 && body.includes("Test OK")) {
      // Twikey's thank-you page article: "Always use https:// for your URL."
      const https = url.startsWith("https://") ? "" : " Twikey asks for an https:// address: this one is not.";
      return { ok: true, message: `The exit URL works: Facto opened it as Twikey will after a signature and read the mandate number, status and signature. Twikey signs with the website key of your Twikey account: make sure it is the one stored here.${https}`, url };
    }
    return { ok: false, message: `The exit URL answered HTTP ${response.status} instead of Facto's return page: check that ${appUrl} is this app's public address.`, url };
  } catch (error) {
    return { ok: false, message: `The exit URL could not be opened (${error instanceof Error ? error.message : String(error)}): check that ${appUrl} is this app's public address.`, url };
  }
}

/** A new API key is tried at once: Twikey's refusal ("Twikey refused the API key: …") is shown on the field. */
export async function checkTwikeyApiKey(baseUrl: string, apiKey: string, fetchImpl?: typeof fetch): Promise<{ error: string | null; warning: string | null }> {
  try {
    await twikeyClient({ baseUrl, apiKey, ...(fetchImpl ? { fetchImpl } : {}) }).checkLogin();
    return { error: null, warning: null };
  } catch (error) {
    if (error instanceof TwikeyAuthError) return { error: error.message, warning: null };
    if (isAppError(error)) return { error: null, warning: `The API key could not be checked now (${error.message}); it is saved.` };
    throw error;
  }
}
