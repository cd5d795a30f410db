import { z } from "zod";
import { normalizeVatNumber, validateVatNumberFormat } from "~/domain/vat/vat-number";
import { AppError } from "~/errors/app-error";

/**
 * The EU's VIES REST service (POST /check-vat-number). A number that fails our own format/check
 * is answered "invalid" without a call. VIES errors that mean "try later" (a member state's service
 * down, too many requests, a timeout) become a retryable AppError — never "invalid". With a
 * requester (the seller's own VAT number) VIES returns a consultation number, kept as proof.
 */
export type ViesResult =
  | { status: "valid"; countryCode: string; vatNumber: string; name: string | null; address: string | null; requestIdentifier: string | null; requestDate: string }
  | { status: "invalid"; countryCode: string; vatNumber: string; requestIdentifier: string | null; requestDate: string; reason?: string };

export interface ViesClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** The seller's own VAT number, e.g. "BE0123456749" or { countryCode: "BE", vatNumber: "0123456749" }. */
  requester?: string | { countryCode: string; vatNumber: string } | null;
}

const CheckResponse = z.object({
  countryCode: z.string(),
  vatNumber: z.string(),
  requestDate: z.string(),
  valid: z.boolean(),
  requestIdentifier: z.string().nullish(),
  name: z.string().nullish(),
  address: z.string().nullish(),
  /** Set by some VIES endpoints next to valid:false (e.g. MS_UNAVAILABLE): then "invalid" is not the answer. */
  userError: z.string().nullish(),
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
  const requesterInput = options.requester;
  const requester = requesterInput
    ? validateVatNumberFormat(typeof requesterInput === "string" ? requesterInput : `${requesterInput.countryCode}${requesterInput.vatNumber}`)
    : null;

  async function checkVatNumber(input: string): Promise<ViesResult> {
    const local = validateVatNumberFormat(input);
    if (!local.valid) {
      const parts = normalizeVatNumber(input);
      return {
        status: "invalid",
        countryCode: parts?.countryCode ?? input.trim().slice(0, 2).toUpperCase(),
        vatNumber: parts?.number ?? input,
        requestIdentifier: null,
        requestDate: new Date().toISOString(),
        reason: local.reason,
      };
    }

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
      // INVALID_INPUT: VIES could not read the request (our format check passed, so not "invalid").
      if (code === "INVALID_INPUT") throw new AppError("BAD_REQUEST", `VIES could not read the check of ${local.full} (${code})`, { details: { code } });
      throw new AppError("UPSTREAM_REJECTED", `VIES refused the check of ${local.full} (${code})`, { details: { code } });
    }
    if (response.status >= 500 || response.status === 429) throw new AppError("UPSTREAM_UNAVAILABLE", `VIES answered HTTP ${response.status}`);
    const parsed = CheckResponse.safeParse(body);
    if (!response.ok || !parsed.success) throw new AppError("UPSTREAM_REJECTED", `VIES answered HTTP ${response.status} with an unexpected body`);
    const r = parsed.data;
    if (r.userError && RETRY_LATER.has(r.userError)) {
      throw new AppError("UPSTREAM_UNAVAILABLE", `VIES cannot check ${local.full} right now (${r.userError}): retry later`, { details: { code: r.userError } });
    }
    return r.valid
      ? { status: "valid", countryCode: r.countryCode, vatNumber: r.vatNumber, name: unknownToNull(r.name), address: unknownToNull(r.address), requestIdentifier: unknownToNull(r.requestIdentifier), requestDate: r.requestDate }
      : { status: "invalid", countryCode: r.countryCode, vatNumber: r.vatNumber, requestIdentifier: unknownToNull(r.requestIdentifier), requestDate: r.requestDate, reason: "not registered in VIES" };
  }

  return { checkVatNumber };
}

export type ViesClient = ReturnType<typeof createViesClient>;
