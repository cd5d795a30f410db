/**
 * Passwords of Facto accounts (WooCommerce merchants): long enough to resist guessing, and not one
 * of the passwords every guessing list starts with. The built-in list holds the common passwords of
 * at least MIN_PASSWORD_LENGTH characters and the words common passwords are built from (a word plus
 * digits or symbols — "Password2026!" — is refused too). A larger list (COMMON_PASSWORDS_FILE, read by
 * app/services/account-security.server.ts) can be passed in.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

const COMMON = [
  "1234567890", "0123456789", "9876543210", "1111111111", "0000000000", "1234512345", "1122334455", "12345678910", "123456789a", "a123456789",
  "qwertyuiop", "qwerty1234", "qwerty12345", "qwerty123456", "1q2w3e4r5t", "1q2w3e4r5t6y", "q1w2e3r4t5", "1qaz2wsx3edc", "qazwsxedc123", "zaq12wsxcde3",
  "asdfghjkl1", "asdfghjkl;", "zxcvbnm123", "123qweasdzxc", "qweasdzxc123", "azertyuiop", "azerty1234", "abcdefghij", "abcd123456", "abc1234567",
  "password12", "password123", "password1234", "password1!", "passw0rd123", "p@ssw0rd123", "iloveyou12", "iloveyou123", "welcome123", "welcome1234",
  "letmein123", "trustno1234", "administrator", "football123", "baseball123", "sunshine123", "princess123", "superman123", "starwars123", "whatever123",
  "monkey12345", "dragon12345", "shadow12345", "master12345", "michael123", "jennifer123", "computer123", "internet123", "changeme123", "secret1234",
  "motdepasse", "motdepasse1", "motdepasse123", "wachtwoord", "wachtwoord1", "wachtwoord123", "passwort123", "contraseña123", "1234567890a", "aaaaaaaaaa",
];

/** Words common passwords are built from; with only digits/symbols around them they are refused. */
const COMMON_WORDS = ["password", "passw0rd", "p@ssw0rd", "qwerty", "azerty", "welcome", "letmein", "iloveyou", "admin", "administrator", "monkey", "dragon", "football", "baseball", "sunshine", "princess", "shopify", "woocommerce", "wordpress", "facto", "invoice", "factuur", "facture", "motdepasse", "wachtwoord", "passwort", "changeme", "secret", "abc", "abcdef"];

const COMMON_SET = new Set(COMMON.map((p) => p.toLowerCase()));

/** Why this password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email = "", extraList: { has(password: string): boolean } = new Set<string>()): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `At most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON_SET.has(lower) || extraList.has(lower)) return "This password is on the lists attackers try first: choose another";
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, "");
  if (core === "" || COMMON_WORDS.includes(core)) return "This password is a common word with digits or symbols: choose another";
  if (new Set(lower).size <= 2) return "This password repeats one or two characters: choose another";
  const local = email.split("@")[0]?.toLowerCase() ?? "";
  if (local.length >= 4 && lower.includes(local)) return "Do not use your e-mail address in the password";
  return null;
}
