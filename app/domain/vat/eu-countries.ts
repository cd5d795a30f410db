/** EU member states (ISO 3166-1 alpha-2; Greece is GR here, EL only in VAT numbers). */
export const EU_COUNTRIES: ReadonlySet<string> = new Set([
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
  "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]);

export function isEuCountry(countryCode: string | null | undefined): boolean {
  return !!countryCode && EU_COUNTRIES.has(countryCode.toUpperCase());
}
