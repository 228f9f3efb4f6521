/**
 * Headless Chromium for the web app's tests (Debian's `chromium` driven by playwright-core; nothing
 * is downloaded). A phone-sized page (360×740, zh-CN, Asia/Shanghai) with geolocation granted, and
 * screenshots kept under .reports/web/ (git-ignored) for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('.reports/web');
export const PHONE = { width: 360, height: 740 };

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface Phone {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Errors thrown in the page: a test expects none (a blank screen must not pass unnoticed). */
  readonly errors: Error[];
}

/** A fresh phone (its own storage) at `position`, the app open at /app/. */
export async function openPhone(
  browser: Browser,
  baseUrl: string,
  position: { lon: number; lat: number; accuracy?: number },
): Promise<Phone> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    geolocation: { longitude: position.lon, latitude: position.lat, accuracy: position.accuracy ?? 8 },
    permissions: ['geolocation'],
  });
  const phone = await watchedPage(context);
  await phone.page.goto(`${baseUrl}/app/`);
  return phone;
}

/** A new page in `context` whose thrown errors are collected in `errors`. */
export async function watchedPage(context: BrowserContext): Promise<Phone> {
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (err) => errors.push(err));
  return { context, page, errors };
}

/** Signs in from the sign-in page as one of the seeded people. */
export async function signIn(page: Page, personId: string): Promise<void> {
  await page.locator(`button[data-person="${personId}"]`).click();
  await page.locator('.whoami').waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * The paths among `paths` the page asks for from now on, in order: its own requests only, not the
 * service worker passing one of them on (which would count it twice).
 */
export function pathsAsked(page: Page, paths: readonly string[]): string[] {
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.serviceWorker()) return;
    const { pathname } = new URL(r.url());
    if (paths.includes(pathname)) asked.push(pathname);
  });
  return asked;
}

/**
 * Cuts the context's network and waits until the page's own requests fail: Chromium applies the
 * emulation asynchronously, and a request sent meanwhile can reach the server while its answer is
 * lost (seen once under load: a report "queued offline" was already stored).
 */
export async function goOffline(context: BrowserContext, page: Page): Promise<void> {
  await context.setOffline(true);
  await page.waitForFunction(
    async () => {
      try {
        await fetch(`/health?offline-check=${Date.now()}`);
        return false;
      } catch {
        return true;
      }
    },
    undefined,
    { polling: 100 },
  );
}
