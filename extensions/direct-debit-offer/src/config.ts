/**
 * Where Facto's API lives. The app's public URL (SHOPIFY_APP_URL) is written here when the extension
 * is built for a deployment: `FACTO_APP_URL=https://… npm run extension:build`.
 */
export const FACTO_APP_URL: string = (globalThis as { FACTO_APP_URL?: string }).FACTO_APP_URL ?? "https://facto.example.com";
