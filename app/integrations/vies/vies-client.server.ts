import { z } from "zod";
import { normalizeVatNumber, validateVatNumberFormat } from "~/domain/vat/vat-number";
import { AppError } from "~/errors/app-error";

/**
 * The EU's VIES REST service (POST /check-vat-number). A number that fails our own format/check
 * is answered "invalid" without a call. Every answer VIES can give is classified by what it means
 * (VIES_ANSWERS below): only VALID and a definitive "no" (INVALID, INVALID_INPUT) decide the VAT
 * regime; a problem on our side (the requester) or a "try later" never makes a buyer "invalid" —
 * those throw a retryable AppError, so the invoice waits for a real answer (docs/decisions/013).
 * With a requester (the seller's own VAT number) VIES returns a consultation number, kept as proof;
 * when VIES refuses the requester, the number is checked again without it and the answer says so.
 */
export type ViesResult =
  | { status: "valid"; countryCode: string; vatNumber: string; name: string | null; address: string | null; requestIdentifier: string | null; requestDate: string; requesterProblem?: string }
  | { status: "invalid"; countryCode: string; vatNumber: string; requestIdentifier: string | null; requestDate: string; reason?: string; requesterProblem?: string };

/** What a VIES answer means for Facto. */
export type ViesAnswerKind = "valid" | "buyer-invalid" | "requester-problem" | "retry-later";

/**
 * Every `userError` (REST) / fault string (SOAP) VIES documents, with what it means. Sources:
 * - the fault list in the documentation of the EU's checkVatService.wsdl
 *   (https://ec.europa.eu/taxation_customs/vies/checkVatService.wsdl): INVALID_INPUT "The provided
 *   CountryCode is invalid or the VAT number is empty"; GLOBAL_MAX_CONCURRENT_REQ / MS_MAX_CONCURRENT_REQ
 *   "the maximum number of concurrent requests [for this Member State] has been reached. Please
 *   re-submit your request later"; SERVICE_UNAVAILABLE "an error was encountered either at the network
 *   level or the Web application level, try again later"; MS_UNAVAILABLE "The application at the Member
 *   State is not replying or not available ... try again later"; TIMEOUT "The application did not
 *   receive a reply within the allocated time period, try again later";
 * - the EU's test service (checkVatTestService.wsdl, and /check-vat-test-service of the REST API), whose
 *   numbers list the complete set: 100 valid, 200 invalid, 201 INVALID_INPUT, 202 INVALID_REQUESTER_INFO,
 *   300 SERVICE_UNAVAILABLE, 301 MS_UNAVAILABLE, 302 TIMEOUT, 400 VAT_BLOCKED, 401 IP_BLOCKED,
 *   500 GLOBAL_MAX_CONCURRENT_REQ, 501 GLOBAL_MAX_CONCURRENT_REQ_TIME, 600 MS_MAX_CONCURRENT_REQ,
 *   601 MS_MAX_CONCURRENT_REQ_TIME;
 * - the REST answers `userError: "VALID"` / `"INVALID"` next to `valid` (seen in live answers; the
 *   OpenAPI text of the REST service is not among /work/shared/contracts).
 * INVALID_REQUESTER_INFO (the requester — our own VAT number — is refused) and IP_BLOCKED (this
 * server's address is blocked) are problems on our side, never the buyer's. VAT_BLOCKED says checks
 * of that number are blocked, not that it is invalid: it waits like "try later". SERVER_BUSY is older
 * VIES wording for the same. An unknown code is never taken for "invalid".
 */
export const VIES_ANSWERS: Record<string, ViesAnswerKind> = {
  VALID: "valid",
  INVALID: "buyer-invalid",
  INVALID_INPUT: "buyer-invalid",
  INVALID_REQUESTER_INFO: "requester-problem",
  IP_BLOCKED: "requester-problem",
  VAT_BLOCKED: "retry-later",
  SERVICE_UNAVAILABLE: "retry-later",
  MS_UNAVAILABLE: "retry-later",
  TIMEOUT: "retry-later",
  GLOBAL_MAX_CONCURRENT_REQ: "retry-later",
  GLOBAL_MAX_CONCURRENT_REQ_TIME: "retry-later",
  MS_MAX_CONCURRENT_REQ: "retry-later",
  MS_MAX_CONCURRENT_REQ_TIME: "retry-later",
  SERVER_BUSY: "retry-later",
};

/** What an answer means: its code when there is one (unknown codes wait), else `valid`. */
export function classifyViesAnswer(valid: boolean, userError: string | null | undefined): ViesAnswerKind {
  if (valid) return "valid";
  if (!userError) return "buyer-invalid";
  return VIES_ANSWERS[userError.trim().toUpperCase()] ?? "retry-later";
}

const REASONS: Record<string, string> = {
  INVALID: "not registered in VIES",
  INVALID_INPUT: "VIES says the country code is invalid or the number is empty (INVALID_INPUT)",
};

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
  /** VALID / INVALID next to `valid`, or an error code with valid:false — then "invalid" may not be the answer. */
  userError: z.string().nullish(),
});
const ErrorResponse = z.object({
  actionSucceed: z.literal(false),
  errorWrappers: z.array(z.object({ error: z.string(), message: z.string().nullish() })).min(1),
});

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
    const withRequester = requester?.valid ? { countryCode: requester.countryCode, number: requester.number } : null;
    try {
      return await ask(local, withRequester);
    } catch (error) {
      // VIES refused our requester (the seller's VAT number): the buyer's number is still checked,
      // without the consultation number, and the answer carries the problem for the merchant.
      if (withRequester && error instanceof AppError && error.details?.code === "INVALID_REQUESTER_INFO") {
        const answer = await ask(local, null);
        return { ...answer, requesterProblem: `VIES refused the requester ${withRequester.countryCode}${withRequester.number} (INVALID_REQUESTER_INFO)` };
      }
      throw error;
    }
  }

  /** One request to VIES; a code that is not a definitive answer about the buyer throws. */
  async function ask(local: { countryCode: string; number: string; full: string }, requesterParts: { countryCode: string; number: string } | null): Promise<ViesResult> {
    let response: Response;
    try {
      response = await fetchImpl(`${options.baseUrl.replace(/\/$/, "")}/check-vat-number`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          countryCode: local.countryCode,
          vatNumber: local.number,
          ...(requesterParts ? { requesterMemberStateCode: requesterParts.countryCode, requesterNumber: requesterParts.number } : {}),
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
      // An HTTP 400 INVALID_INPUT is VIES unable to read our request (our format check passed): our bug, not the buyer.
      if (response.status === 400 && code === "INVALID_INPUT") throw new AppError("BAD_REQUEST", `VIES could not read the check of ${local.full} (${code})`, { details: { code } });
      return answerFor(local, classifyViesAnswer(false, code), code, { countryCode: local.countryCode, vatNumber: local.number, requestDate: new Date().toISOString(), requestIdentifier: null });
    }
    if (response.status >= 500 || response.status === 429) throw new AppError("UPSTREAM_UNAVAILABLE", `VIES answered HTTP ${response.status}`);
    const parsed = CheckResponse.safeParse(body);
    if (!response.ok || !parsed.success) throw new AppError("UPSTREAM_REJECTED", `VIES answered HTTP ${response.status} with an unexpected body`);
    const r = parsed.data;
    const kind = classifyViesAnswer(r.valid, r.userError);
    if (r.valid) {
      return { status: "valid", countryCode: r.countryCode, vatNumber: r.vatNumber, name: unknownToNull(r.name), address: unknownToNull(r.address), requestIdentifier: unknownToNull(r.requestIdentifier), requestDate: r.requestDate };
    }
    return answerFor(local, kind, r.userError?.trim().toUpperCase() || "INVALID", { countryCode: r.countryCode, vatNumber: r.vatNumber, requestDate: r.requestDate, requestIdentifier: unknownToNull(r.requestIdentifier) });
  }

  function answerFor(local: { full: string }, kind: ViesAnswerKind, code: string, r: { countryCode: string; vatNumber: string; requestDate: string; requestIdentifier: string | null }): ViesResult {
    switch (kind) {
      case "valid":
        // valid:false with userError VALID (or an error wrapper saying VALID) contradicts itself: not an answer.
        throw new AppError("UPSTREAM_UNAVAILABLE", `VIES gave a contradictory answer for ${local.full} (${code} without valid:true): retry later`, { details: { code, kind: "retry-later" } });
      case "buyer-invalid":
        return { status: "invalid", countryCode: r.countryCode, vatNumber: r.vatNumber, requestIdentifier: r.requestIdentifier, requestDate: r.requestDate, reason: REASONS[code] ?? `VIES: ${code}` };
      case "requester-problem":
        throw new AppError(
          "UPSTREAM_UNAVAILABLE",
          code === "IP_BLOCKED"
            ? `VIES blocks this server's IP address (IP_BLOCKED): ${local.full} cannot be checked until it is lifted — the operator must act`
            : `VIES refused the requester details while checking ${local.full} (${code}): check the shop's own VAT number`,
          { details: { code, kind } },
        );
      case "retry-later":
        throw new AppError("UPSTREAM_UNAVAILABLE", `VIES cannot check ${local.full} right now (${code}): retry later`, { details: { code, kind } });
    }
  }

  return { checkVatNumber };
}

export type ViesClient = ReturnType<typeof createViesClient>;
