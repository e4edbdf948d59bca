import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The path of Debian's Chromium for browser tests, installed with apt-get when it is missing
 * and this runs as root (as CI does); otherwise one error line saying how to install it.
 */
export function requireChromium(): string {
  if (existsSync(chromiumPath)) return chromiumPath;
  const root = process.getuid?.() === 0;
  if (root) {
    const install = spawnSync(
      'sh',
      ['-c', 'apt-get update -qq && apt-get install -y -qq chromium'],
      {
        stdio: 'ignore',
        timeout: 15 * 60_000,
      },
    );
    if (install.status === 0 && existsSync(chromiumPath)) return chromiumPath;
  }
  throw new Error(
    `Chromium is needed for the playground test: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`,
  );
}

/** Flags for headless Chromium on a machine with no network beyond loopback. */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
