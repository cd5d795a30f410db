import type { Browser } from "playwright-core";

/**
 * A shopper pays an invoice in full from its payment page through the fake Mollie checkout ("Paid");
 * returns the status the payment page shows when Mollie sends them back.
 */
export async function payOnFakeMollieCheckout(browser: Browser, appUrl: string, publicToken: string | null): Promise<string | null> {
  const page = await browser.newPage();
  try {
    await page.goto(`${appUrl}/pay/${publicToken}`);
    await page.getByRole("button", { name: /Online betalen/ }).click();
    await page.waitForURL(/\/checkout\/tr_/);
    await page.getByRole("button", { name: "Paid" }).click();
    await page.waitForURL(/\?attempt=/);
    return await page.getByTestId("status").textContent();
  } finally {
    await page.close();
  }
}
