import { z } from "zod";
import { prisma, type Db } from "~/db.server";
import { AppError } from "~/errors/app-error";
import { createPontoClient, pontoConfig, type PontoClient, type PontoConfig } from "~/integrations/ponto/ponto-client.server";
import { keyFromJwk, PontoSignatureError, verifyPontoSignature, type SigningKey } from "~/integrations/ponto/ponto-webhook-signature";
import { logger } from "~/logger.server";
import { enqueue } from "~/queues.server";
import { jsonObjectText, readWebhookBody, storeAndEnqueue, type IntakeResult } from "./webhook-intake.server";

/**
 * POST /webhooks/ponto — Ponto Connect's webhooks (docs/decisions/027-ponto.md). The `Signature` header (a JWT signed
 * with a key of Ibanity's JWKS, carrying the body's SHA-512 digest) is verified first; a forged, altered or expired
 * delivery is refused (401) and stored nowhere. A verified event about an account a shop follows goes to the inbox
 * (unique on provider + delivery id: Ponto's event id per shop), and its processing reads the new transactions.
 * The JWKS is cached; a key id not in the cache makes it re-read, at most every 30 s (forged key ids cannot make
 * Facto hammer Ponto).
 */
const KEYS_TTL_MS = 60 * 60_000;
const KEYS_REFETCH_MIN_MS = 30_000;
let keyCache: { keys: Map<string, SigningKey>; fetchedAt: number } | null = null;

export function resetPontoKeyCache(): void {
  keyCache = null;
}

async function keyFor(client: PontoClient, kid: string): Promise<SigningKey | null> {
  const age = keyCache ? Date.now() - keyCache.fetchedAt : Infinity;
  if (keyCache && age < KEYS_TTL_MS && keyCache.keys.has(kid)) return keyCache.keys.get(kid)!;
  if (!keyCache || age > KEYS_REFETCH_MIN_MS) {
    const jwks = await client.webhookKeys();
    const keys = new Map<string, SigningKey>();
    // ibanity-dotnet Jwt/JwksService.cs: only keys with use "sig" and status "ACTIVE".
    for (const k of jwks) if ((k.use === undefined || k.use === "sig") && (k.status === undefined || k.status === "ACTIVE")) keys.set(k.kid, keyFromJwk(k));
    keyCache = { keys, fetchedAt: Date.now() };
  }
  return keyCache.keys.get(kid) ?? null;
}

const PontoEvent = z.object({
  data: z.object({
    id: z.string().min(1).max(100),
    type: z.string().min(1).max(100),
    attributes: z.object({ createdAt: z.string().optional() }).loose().optional(),
    relationships: z.object({ account: z.object({ data: z.object({ id: z.string().min(1).max(100) }) }).optional() }).loose().optional(),
  }),
});

export async function receivePontoWebhook(
  request: Request,
  deps: { db: Db; enqueueProcessing: (eventId: string) => Promise<void>; config?: PontoConfig | null; client?: PontoClient; now?: () => Date } = { db: prisma, enqueueProcessing: (eventId) => enqueue("process-webhook", { eventId }) },
): Promise<IntakeResult[]> {
  const config = deps.config === undefined ? pontoConfig() : deps.config;
  if (!config) throw new AppError("NOT_FOUND", "Ponto is not configured");
  const client = deps.client ?? createPontoClient(config);
  const body = await readWebhookBody(request);
  try {
    await verifyPontoSignature(body, request.headers.get("signature"), { keyFor: (kid) => keyFor(client, kid), now: deps.now?.() ?? new Date(), issuer: config.apiBaseUrl, audience: config.applicationId });
  } catch (error) {
    if (error instanceof PontoSignatureError) throw new AppError("UNAUTHORIZED", `Invalid Ponto signature: ${error.message}`);
    throw error;
  }
  const text = jsonObjectText(body);
  const parsed = PontoEvent.safeParse(JSON.parse(text));
  if (!parsed.success) throw new AppError("BAD_REQUEST", "Not a Ponto event");
  const { data } = parsed.data;
  const accountId = data.relationships?.account?.data.id;
  if (!accountId) {
    logger.info({ type: data.type, id: data.id }, "Ponto webhook without an account: nothing to do");
    return [];
  }
  // The same bank account can be followed by several shops (one merchant, two stores): each gets the event.
  const rows = await deps.db.pontoAccount.findMany({ where: { pontoAccountId: accountId, connection: { status: "ACTIVE" } }, select: { shopId: true, shop: { select: { platform: true, domain: true } } }, distinct: ["shopId"] });
  if (rows.length === 0) logger.info({ type: data.type, accountId }, "Ponto webhook for an account no shop follows");
  const createdAt = data.attributes?.createdAt ? new Date(data.attributes.createdAt) : null;
  const results: IntakeResult[] = [];
  for (const row of rows) {
    results.push(
      await storeAndEnqueue(
        deps.db,
        { platform: row.shop.platform, shopDomain: row.shop.domain, provider: "PONTO", deliveryId: `ponto:${data.id}:${row.shopId}`, topic: data.type, rawJson: text, triggeredAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : null },
        deps.enqueueProcessing,
      ),
    );
  }
  return results;
}
