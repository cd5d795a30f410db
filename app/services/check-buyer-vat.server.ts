import { env } from "~/env.server";
import { createViesClient } from "~/integrations/vies/vies-client.server";
import type { BuyerVatCheck } from "./issue-invoice.server";

/**
 * A buyer's VAT number in VIES, asked with the seller's own number so VIES returns a consultation
 * number. Only a definitive answer comes back; anything VIES cannot confirm now throws a retryable
 * error and the invoice waits (docs/decisions/013). A refused requester comes back as
 * `requesterProblem`, for the merchant to see.
 */
export function checkBuyerVatInVies(baseUrl: string = env().VIES_BASE_URL): BuyerVatCheck {
  return async (vatNumber, requester) => {
    const result = await createViesClient({ baseUrl, requester }).checkVatNumber(vatNumber);
    return { valid: result.status === "valid", consultationNumber: result.requestIdentifier, requesterProblem: result.requesterProblem ?? null };
  };
}
