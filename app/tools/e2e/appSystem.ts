import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, requireChromium } from '@cashtrack/test-support';
import { startSystem, type RunningSystem } from '../../../gateway/test/support/system.ts';
import { ensureWebBuild } from '../webBuild.ts';

/** Where the e2e tests and the bench save what the screen showed (ignored by git). */
export const screenshotDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'screenshots',
);

/** A phone's screen in CSS pixels. */
export const phoneViewport = { width: 360, height: 640 } as const;

export interface AppSystem {
  readonly system: RunningSystem;
  readonly browser: Browser;
  /** The app's address: the gateway's root, e.g. http://127.0.0.1:38123/. */
  readonly appUrl: string;
  /** A fresh browser profile (cookies included) at phone size. */
  newPhone(): Promise<BrowserContext>;
  screenshot(page: Page, name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface AppSystemOptions {
  /**
   * How long access tokens live, in ms (default: auth's 15 minutes). Shorter makes every token
   * expire during the test, with auth's clock set back so tokens are issued "in the past".
   */
  readonly accessTokenLifetimeMs?: number;
}

/**
 * The real system in-process (auth, user, expense, parser worker with the rules parser, gateway,
 * all on free ports against the shared Kafka and FerretDB), the web build served by the gateway,
 * and headless Chromium.
 */
export async function startAppSystem(options: AppSystemOptions = {}): Promise<AppSystem> {
  const executablePath = requireChromium();
  await ensureWebBuild({ quiet: true });
  const system = await startSystem();
  if (options.accessTokenLifetimeMs !== undefined) {
    system.identity.clock.advance(-(15 * 60_000 - options.accessTokenLifetimeMs));
  }
  const browser = await chromium.launch({ executablePath, args: [...chromiumArgs] });
  await mkdir(screenshotDir, { recursive: true });
  const appUrl = system.graphqlUrl.replace(/\/graphql$/, '/');
  return {
    system,
    browser,
    appUrl,
    newPhone: () =>
      browser.newContext({ viewport: phoneViewport, deviceScaleFactor: 1, hasTouch: true }),
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
    },
    async stop() {
      await browser.close();
      await system.stop();
    },
  };
}
