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
