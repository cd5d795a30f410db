import type { Page } from "playwright-core";
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
