import type { Page } from "playwright-core";
import type { Db } from "~/db.server";
import type { StackInfo } from "./stack";

/**
 * Confirms a WooCommerce owner's e-mail address the way the owner does: opens the link in Facto's
 * e-mail, read from the fake SMTP server's inbox (a store connects only once the address is confirmed).
 */
export async function confirmWooEmail(page: Page, stack: StackInfo, email: string): Promise<void> {
  const mails = (await (await fetch(`${stack.fakeSmtpInboxUrl}/messages`)).json()) as { to: string[]; text: string }[];
  const mail = mails.find((m) => m.to.includes(email) && m.text.includes("/woo/verify?token="));
  if (!mail) throw new Error(`no verification e-mail to ${email} in the fake SMTP inbox`);
  await page.goto(/(\S+\/woo\/verify\?token=\S+)/.exec(mail.text)![1]!);
}

/**
 * Every test file signs up from this machine's loopback address, and the integration files share one stack:
 * sign-ups are limited per IP (5 an hour, account-security.test.ts proves it), so a file that signs up
 * through the pages starts with the loopback addresses' sign-up counters cleared, as a fresh hour would.
 */
export async function allowSignUpsFromThisMachine(db: Db): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key: { in: ["127.0.0.1", "::1", "::ffff:127.0.0.1"].map((ip) => `sign-up:ip:${ip}`) } } });
}

/**
 * A new WooCommerce owner, the way they start: signs up on Facto's pages, confirms the e-mail address
 * and connects the store with its REST key. Answers the store's Facto id (the page is on the store's
 * admin). woocommerce-store.test.ts walks the same pages step by step with the refusals.
 */
export async function signUpAndConnectWooStore(
  page: Page,
  stack: StackInfo,
  owner: { email: string; password: string },
  store: { url: string; key: { consumerKey: string; consumerSecret: string } },
): Promise<string> {
  await page.goto(`${stack.appUrl}/woo/signup`);
  await page.getByLabel("E-mail").fill(owner.email);
  await page.getByLabel("Password", { exact: true }).fill(owner.password);
  await page.getByLabel("Password again").fill(owner.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${stack.appUrl}/woo`);
  await confirmWooEmail(page, stack, owner.email);
  await page.goto(`${stack.appUrl}/woo`);
  await page.getByLabel("Store address").fill(store.url);
  await page.getByLabel("Consumer key").fill(store.key.consumerKey);
  await page.getByLabel("Consumer secret").fill(store.key.consumerSecret);
  await page.getByRole("button", { name: "Connect store" }).click();
  await page.waitForURL(/\/woo\/stores\/[0-9a-f-]{36}\?connected=1/);
  return /stores\/([0-9a-f-]{36})/.exec(page.url())![1]!;
}
