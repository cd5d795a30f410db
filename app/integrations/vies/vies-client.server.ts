import { z } from "zod";
import { validateVatNumberFormat } from "~/domain/vat/vat-number";
import { AppError } from "~/errors/app-error";

/**
 * The EU's VIES REST service (POST /check-vat-number). A number that fails our own format/check
 * is answered "invalid" without a call. VIES errors that mean "try later" (a member state's service
 * down, too many requests, a timeout) become a retryable AppError — never "invalid". With a
 * requester (the seller's own VAT number) VIES returns a consultation number, kept as proof.
 */
export type ViesResult =
  | { status: "valid"; countryCode: string; vatNumber: string; name: string | null; address: string | null; requestIdentifier: string | null; requestDate: string }
  | { status: "invalid"; countryCode: string; vatNumber: string; requestIdentifier: string | null; requestDate: string | null; reason: string };

export interface ViesClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** The seller's own VAT number, e.g. "BE0123456749". */
  requester?: string | null;
}

const CheckResponse = z.object({
  countryCode: z.string(),
  vatNumber: z.string(),
  requestDate: z.string(),
  valid: z.boolean(),
  requestIdentifier: z.string().nullish(),
  name: z.string().nullish(),
  address: z.string().nullish(),
});
const ErrorResponse = z.object({
  actionSucceed: z.literal(false),
  errorWrappers: z.array(z.object({ error: z.string(), message: z.string().nullish() })).min(1),
});

const RETRY_LATER = new Set([
  "MS_UNAVAILABLE",
  "SERVICE_UNAVAILABLE",
  "TIMEOUT",
  "MS_MAX_CONCURRENT_REQ",
  "MS_MAX_CONCURRENT_REQ_TIME",
  "GLOBAL_MAX_CONCURRENT_REQ",
  "GLOBAL_MAX_CONCURRENT_REQ_TIME",
  "SERVER_BUSY",
]);

const unknownToNull = (v: string | null | undefined) => (v && v.trim() !== "---" && v.trim() !== "" ? v.trim() : null);

export function createViesClient(options: ViesClientOptions) {
  const fetchImpl = options.fetchImpl ?? fetch;
  const requester = options.requester ? validateVatNumberFormat(options.requester) : null;

  async function checkVatNumber(input: string): Promise<ViesResult> {
    const local = validateVatNumberFormat(input);
    if (!local.valid) return { status: "invalid", countryCode: input.slice(0, 2).toUpperCase(), vatNumber: input, requestIdentifier: null, requestDate: null, reason: local.reason };

    let response: Response;
    try {
      response = await fetchImpl(`${options.baseUrl.replace(/\/$/, "")}/check-vat-number`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          countryCode: local.countryCode,
          vatNumber: local.number,
          ...(requester?.valid ? { requesterMemberStateCode: requester.countryCode, requesterNumber: requester.number } : {}),
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new AppError("UPSTREAM_UNAVAILABLE", `VIES unreachable while checking ${local.full}`, { cause: error });
    }
    const body: unknown = await response.json().catch(() => null);
    const failure = ErrorResponse.safeParse(body);
    if (failure.success) {
      const code = failure.data.errorWrappers[0]!.error;
      if (RETRY_LATER.has(code)) throw new AppError("UPSTREAM_UNAVAILABLE", `VIES cannot check ${local.full} right now (${code}): retry later`, { details: { code } });
      throw new AppError("UPSTREAM_REJECTED", `VIES refused the check of ${local.full} (${code})`, { details: { code } });
    }
    if (response.status >= 500 || response.status === 429) throw new AppError("UPSTREAM_UNAVAILABLE", `VIES answered HTTP ${response.status}`);
    const parsed = CheckResponse.safeParse(body);
    if (!response.ok || !parsed.success) throw new AppError("UPSTREAM_REJECTED", `VIES answered HTTP ${response.status} with an unexpected body`);
    const r = parsed.data;
    return r.valid
      ? { status: "valid", countryCode: r.countryCode, vatNumber: r.vatNumber, name: unknownToNull(r.name), address: unknownToNull(r.address), requestIdentifier: unknownToNull(r.requestIdentifier), requestDate: r.requestDate }
      : { status: "invalid", countryCode: r.countryCode, vatNumber: r.vatNumber, requestIdentifier: unknownToNull(r.requestIdentifier), requestDate: r.requestDate, reason: "not registered in VIES" };
  }

  return { checkVatNumber };
}

export type ViesClient = ReturnType<typeof createViesClient>;
