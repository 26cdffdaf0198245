import type { Page } from 'playwright-core';

/** Presses Tab (or Shift+Tab) until the focused element matches, like a keyboard user would. */
export async function tabTo(
  page: Page,
  selector: string,
  options: { max?: number; back?: boolean } = {},
): Promise<void> {
  const max = options.max ?? 60;
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
  }
  const active = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  throw new Error(`Tab never reached ${selector}; focus is on ${active}`);
}
