import { z } from "zod";
import { AppError } from "~/errors/app-error";

const TokenResponse = z.object({
  access_token: z.string().min(1),
  scope: z.string().optional(),
  expires_in: z.number().optional(),
  refresh_token: z.string().optional(),
  refresh_token_expires_in: z.number().optional(),
});

export interface RefreshedToken {
  accessToken: string;
  scope: string | null;
  expires: Date | null;
  refreshToken: string | null;
  refreshTokenExpires: Date | null;
}

/**
 * Exchanges an expiring offline token's refresh token for a new pair (POST /admin/oauth/access_token,
 * grant_type=refresh_token), as Shopify's expiring offline tokens require for background work.
 */
export async function refreshOfflineToken(input: {
  shop: string;
  refreshToken: string;
  apiKey: string;
  apiSecret: string;
  baseUrl?: string | undefined;
  now: Date;
  fetchImpl?: typeof fetch;
}): Promise<RefreshedToken> {
  const url = input.baseUrl ? `${input.baseUrl.replace(/\/$/, "")}/${input.shop}/admin/oauth/access_token` : `https://${input.shop}/admin/oauth/access_token`;
  let response: Response;
  try {
    response = await (input.fetchImpl ?? fetch)(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ client_id: input.apiKey, client_secret: input.apiSecret, refresh_token: input.refreshToken, grant_type: "refresh_token" }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new AppError("UPSTREAM_UNAVAILABLE", `Shopify unreachable while refreshing the token of ${input.shop}`, { cause: error });
  }
  if (response.status >= 500) throw new AppError("UPSTREAM_UNAVAILABLE", `Shopify answered HTTP ${response.status} to a token refresh`);
  const parsed = TokenResponse.safeParse(await response.json().catch(() => null));
  if (!response.ok || !parsed.success) {
    throw new AppError("SHOP_NOT_INSTALLED", `Shopify refused to refresh the access token of ${input.shop} (HTTP ${response.status}): the merchant must open the app again`);
  }
  const t = parsed.data;
  const at = (seconds: number | undefined) => (seconds ? new Date(input.now.getTime() + seconds * 1000) : null);
  return { accessToken: t.access_token, scope: t.scope ?? null, expires: at(t.expires_in), refreshToken: t.refresh_token ?? null, refreshTokenExpires: at(t.refresh_token_expires_in) };
}
