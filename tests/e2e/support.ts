/**
 * End-to-end support: Debian's Chromium driven by playwright-core (Playwright's own browser
 * download is not used), one browser per test file, the real daemon from tests/helpers.
 * Screenshots go to test-artifacts/ (gitignored) for a person to look at.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { ROOT } from '../helpers/daemon.js';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

export const SIZES = {
  small: { width: 800, height: 480 },
  large: { width: 1280, height: 800 },
} as const;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A fresh browser context (own cookies and localStorage) showing `url`. */
export async function openPage(
  browser: Browser,
  url: string,
  size: { width: number; height: number } = SIZES.large,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: size, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  (page as Page & { jsErrors?: string[] }).jsErrors = errors;
  await page.goto(url);
  return { context, page };
}

/** Uncaught errors the page threw so far. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { jsErrors?: string[] }).jsErrors ?? [];
}

/**
 * File inputs a person would see as the browser's own button ("Choose File", "No file chosen"
 * in the browser's language, not the page's): drawn larger than 1x1 px and not transparent.
 * Ours sit unseen inside a labelled button of the page.
 */
export async function nativeFileButtons(scope: Page | Locator): Promise<string[]> {
  return scope.locator('input[type=file]').evaluateAll((inputs) =>
    inputs
      .filter((el) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return box.width > 1 && box.height > 1 && style.opacity !== '0' && style.display !== 'none';
      })
      .map((el) => el.outerHTML),
  );
}

export async function screenshot(
  page: Page,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  return file;
}

/** Screenshots one page at both official Pi display sizes, then restores the viewport. */
export async function screenshotBoth(
  page: Page,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<void> {
  const before = page.viewportSize();
  for (const size of Object.values(SIZES)) {
    await page.setViewportSize(size);
    await screenshot(page, `${name}-${size.width}x${size.height}`, opts);
  }
  if (before) await page.setViewportSize(before);
}
