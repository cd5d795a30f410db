/** Passwords of Facto accounts (WooCommerce merchants): long enough to resist guessing. */
export const MIN_PASSWORD_LENGTH = 10;
