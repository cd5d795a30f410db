import { z } from "zod";
import { AppError } from "~/errors/app-error";
import { logger } from "~/logger.server";

/**
 * The one client for Shopify's GraphQL Admin API. It is cost-aware: it tracks each shop's leaky
 * bucket from `extensions.cost.throttleStatus` and waits before sending a query the bucket cannot
 * afford; a THROTTLED answer waits for the points to come back and retries; 5xx and network errors
 * retry with exponential backoff; 401/403 mean the token is gone and are not retried.
 */

const ThrottleStatus = z.object({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number(),
});
const Cost = z.object({
  requestedQueryCost: z.number(),
  actualQueryCost: z.number().nullish(),
  throttleStatus: ThrottleStatus,
});
const GraphqlResponse = z.object({
  data: z.unknown().optional(),
  errors: z
    .union([z.array(z.object({ message: z.string(), extensions: z.object({ code: z.string().optional() }).passthrough().optional() }).passthrough()), z.string()])
    .optional(),
  extensions: z.object({ cost: Cost.optional() }).passthrough().optional(),
});

export type CostInfo = z.infer<typeof Cost>;

interface Bucket {
  available: number;
  maximum: number;
  restoreRate: number;
  at: number;
}

/** Per-process knowledge of each shop's bucket (key: shop domain). */
const buckets = new Map<string, Bucket>();

export interface AdminClientOptions {
  shop: string;
  accessToken: string;
  apiVersion: string;
  /** Overrides https://{shop} (the fake Shopify in tests and the demo). */
  baseUrl?: string | undefined;
  maxRetries?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface RequestOptions {
  /** Expected cost in points; the client waits until the bucket holds this many. */
  estimatedCost?: number;
}

export interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export class ShopifyAdminClient {
  private readonly o: Required<Omit<AdminClientOptions, "baseUrl">> & { baseUrl: string | undefined };
  /** Counters for this client: THROTTLED answers received and points spent. */
  readonly stats = { requests: 0, throttled: 0, pointsSpent: 0, waitedMs: 0 };

  constructor(options: AdminClientOptions) {
    this.o = {
      maxRetries: 4,
      timeoutMs: 15_000,
      fetchImpl: fetch,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: () => Date.now(),
      ...options,
      baseUrl: options.baseUrl,
    };
  }

  get endpoint(): string {
    const path = `/admin/api/${this.o.apiVersion}/graphql.json`;
    return this.o.baseUrl ? `${this.o.baseUrl.replace(/\/$/, "")}/${this.o.shop}${path}` : `https://${this.o.shop}${path}`;
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<{ data: T; cost: CostInfo | undefined }> {
    let estimated = options.estimatedCost ?? 10;
    let failures = 0;
    for (;;) {
      await this.waitForBudget(estimated);
      this.stats.requests++;
      let response: Response;
      try {
        response = await this.o.fetchImpl(this.endpoint, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": this.o.accessToken },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
      } catch (error) {
        if (++failures > this.o.maxRetries) {
          throw new AppError("UPSTREAM_UNAVAILABLE", `Shopify unreachable for ${this.o.shop}`, { cause: error });
        }
        await this.backoff(failures);
        continue;
      }

      if (response.status === 401 || response.status === 403) {
        throw new AppError("UPSTREAM_REJECTED", `Shopify refused the access token of ${this.o.shop} (HTTP ${response.status})`);
      }
      if (response.status === 429 || response.status >= 500) {
        if (++failures > this.o.maxRetries) {
          throw new AppError("UPSTREAM_UNAVAILABLE", `Shopify answered HTTP ${response.status} for ${this.o.shop}`);
        }
        const retryAfter = Number(response.headers.get("retry-after"));
        await this.backoff(failures, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
        continue;
      }
      const parsed = GraphqlResponse.safeParse(await response.json().catch(() => null));
      if (!parsed.success || response.status >= 400) {
        throw new AppError("UPSTREAM_REJECTED", `Shopify answered HTTP ${response.status} with an unexpected body`);
      }
      const body = parsed.data;
      const cost = body.extensions?.cost;
      if (cost) this.remember(cost);

      const errors = typeof body.errors === "string" ? [{ message: body.errors, extensions: {} }] : body.errors ?? [];
      if (errors.some((e) => e.extensions?.code === "THROTTLED")) {
        this.stats.throttled++;
        estimated = Math.max(estimated, cost?.requestedQueryCost ?? estimated);
        continue; // waitForBudget now knows the bucket is low and waits for it to refill
      }
      if (errors.length > 0) {
        throw new AppError("UPSTREAM_REJECTED", `Shopify GraphQL error: ${errors.map((e) => e.message).join("; ")}`, {
          details: { errors },
        });
      }
      this.stats.pointsSpent += cost?.actualQueryCost ?? cost?.requestedQueryCost ?? 0;
      return { data: body.data as T, cost };
    }
  }

  /** Throws when a mutation answered userErrors (a business refusal: retrying will not help). */
  static assertNoUserErrors(operation: string, userErrors: UserError[] | null | undefined): void {
    if (userErrors && userErrors.length > 0) {
      throw new AppError("UPSTREAM_REJECTED", `${operation}: ${userErrors.map((e) => e.message).join("; ")}`, { details: { userErrors } });
    }
  }

  private remember(cost: CostInfo) {
    const t = cost.throttleStatus;
    buckets.set(this.o.shop, { available: t.currentlyAvailable, maximum: t.maximumAvailable, restoreRate: t.restoreRate, at: this.o.now() });
  }

  private async waitForBudget(cost: number) {
    const bucket = buckets.get(this.o.shop);
    if (!bucket) return;
    const elapsed = (this.o.now() - bucket.at) / 1000;
    const available = Math.min(bucket.maximum, bucket.available + elapsed * bucket.restoreRate);
    const needed = Math.min(cost, bucket.maximum);
    if (available >= needed) return;
    const waitMs = Math.ceil(((needed - available) / bucket.restoreRate) * 1000);
    this.stats.waitedMs += waitMs;
    logger.debug({ shop: this.o.shop, waitMs, available, needed }, "waiting for Shopify API budget");
    await this.o.sleep(waitMs);
  }

  private async backoff(failures: number, minimumMs?: number) {
    const ms = Math.max(minimumMs ?? 0, Math.min(30_000, 250 * 2 ** (failures - 1)));
    await this.o.sleep(ms);
  }
}

/** Forgets what is known about the shops' buckets (tests). */
export function resetShopifyBuckets(): void {
  buckets.clear();
}
