import { z } from "zod";
import { fieldErrors } from "./shop-settings";

const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "true");

export const TWIKEY_ENVIRONMENTS = { production: "https://api.twikey.com/creditor", sandbox: "https://api.beta.twikey.com/creditor" } as const;

/**
 * The direct-debit settings form (Twikey): the API key and website key are write-only (empty keeps
 * the stored one), the base URL is production, sandbox or a tenant's own https URL.
 */
export const DirectDebitSettingsInput = z
  .object({
    twikeyApiKey: z.string().trim().max(200),
    twikeyWebsiteKey: z.string().trim().max(200),
    removeTwikey: checkbox,
    environment: z.enum(["production", "sandbox", "tenant"], "Choose production, sandbox or your tenant's URL"),
    tenantUrl: z.string().trim(),
    twikeyTemplateCore: z.string().trim().min(1, "Enter the id of your Twikey contract template for consumers (CORE)").max(40).regex(/^[A-Za-z0-9_-]+$/, "A template id has letters, digits, - and _"),
    twikeyTemplateB2b: z
      .string()
      .trim()
      .max(40)
      .refine((v) => v === "" || /^[A-Za-z0-9_-]+$/.test(v), "A template id has letters, digits, - and _")
      .transform((v) => (v === "" ? null : v)),
    twikeyNotifyBeforeCollection: checkbox,
    twikeyAutoCollect: checkbox,
  })
  .superRefine((s, ctx) => {
    if (s.environment === "tenant" && !/^https:\/\/[a-z0-9.-]+\.twikey\.com\/api\/creditor$/.test(s.tenantUrl)) {
      ctx.addIssue({ code: "custom", path: ["tenantUrl"], message: "A tenant URL looks like https://yourcompany.twikey.com/api/creditor" });
    }
  })
  .transform((s) => ({ ...s, twikeyBaseUrl: s.environment === "tenant" ? s.tenantUrl : TWIKEY_ENVIRONMENTS[s.environment] }));
export type DirectDebitSettingsInput = z.infer<typeof DirectDebitSettingsInput>;

const FORM_FIELDS = ["twikeyApiKey", "twikeyWebsiteKey", "removeTwikey", "environment", "tenantUrl", "twikeyTemplateCore", "twikeyTemplateB2b", "twikeyNotifyBeforeCollection", "twikeyAutoCollect"] as const;

/**
 * The direct-debit settings form (Shopify admin and WooCommerce store page alike): the validated
 * settings, or the message per field. A first connection needs the API key; later saves may leave it empty.
 */
export function parseDirectDebitForm(form: FormData, hasStoredApiKey: boolean): { data: DirectDebitSettingsInput } | { errors: Record<string, string> } {
  const parsed = DirectDebitSettingsInput.safeParse(Object.fromEntries(FORM_FIELDS.map((k) => [k, String(form.get(k) ?? "")])));
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  if (!hasStoredApiKey && !parsed.data.twikeyApiKey && !parsed.data.removeTwikey) return { errors: { twikeyApiKey: "Enter your Twikey API key (Twikey → Settings → API)" } };
  return { data: parsed.data };
}
