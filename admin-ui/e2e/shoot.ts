import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

export const screenshotDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'screenshots');

const widths = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/**
 * Saves the page as <name>-{light,dark}-{desktop,phone}.png under target/screenshots/ (copied into docs/console/ by
 * `npm run screenshots`), then puts the page back as it was.
 */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const before = page.viewportSize();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [label, size] of Object.entries(widths)) {
      await page.setViewportSize(size);
      await page.screenshot({ path: resolve(screenshotDir, `${name}-${scheme}-${label}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (before) {
    await page.setViewportSize(before);
  }
}
