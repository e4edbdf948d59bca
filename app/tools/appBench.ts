/**
 * `npm run bench:app` (needs `npm run infra:up`): the app's web bundle size, gzipped, and in
 * headless Chromium at phone size against the real system (rules parser), over 20 runs each:
 * - navigation to a usable log-in form (a fresh browser profile each time, nothing cached);
 * - pressing Enter on "What did you spend?" to the expense on screen (parser and subscription).
 * Prints p50 / p95 as it goes; the last line is one JSON object.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startAppSystem } from './e2e/appSystem.ts';
import { webBuildDir } from './webBuild.ts';

const runs = Number(process.env.BENCH_RUNS ?? 20);

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] ?? 0);
}

function summary(values: readonly number[]): { p50: number; p95: number } {
  return { p50: percentile(values, 50), p95: percentile(values, 95) };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function bundleSize(): Promise<{ bytes: number; gzipBytes: number }> {
  const dir = path.join(webBuildDir, '_expo', 'static');
  let bytes = 0;
  let gzipBytes = 0;
  for (const sub of await readdir(dir, { recursive: true })) {
    if (!/\.(js|css)$/.test(sub)) continue;
    const content = await readFile(path.join(dir, sub));
    bytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { bytes, gzipBytes };
}

const app = await startAppSystem();
try {
  const bundle = await bundleSize();
  say(
    `bundle: ${(bundle.bytes / 1024).toFixed(0)} KiB, ${(bundle.gzipBytes / 1024).toFixed(0)} KiB gzipped (goal < 1024)`,
  );

  const firstForm: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const context = await app.newPhone();
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(app.appUrl);
    await page.getByLabel('Email').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    firstForm.push(performance.now() - started);
    await context.close();
  }
  const formFigures = summary(firstForm);
  say(
    `navigation to a usable form: p50 ${formFigures.p50} ms, p95 ${formFigures.p95} ms (goal < 1500)`,
  );

  const context = await app.newPhone();
  const page = await context.newPage();
  await page.goto(app.appUrl);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(`bench-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Display name').fill('Bench');
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  const field = page.getByLabel('What did you spend?');
  await field.waitFor();
  // The live socket is up before the first message.
  await page.waitForTimeout(1_000);

  const toScreen: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const amount = `${100 + run}.37`;
    await field.fill(`lunch ${amount} today`);
    const shown = page.waitForFunction(
      (expected) =>
        [...document.querySelectorAll('[role="button"]')].some((element) =>
          (element.getAttribute('aria-label') ?? '').includes(expected),
        ),
      `$${amount}`,
      { polling: 'raf', timeout: 15_000 },
    );
    const started = performance.now();
    await field.press('Enter');
    await shown;
    toScreen.push(performance.now() - started);
  }
  const messageFigures = summary(toScreen);
  say(
    `Enter to the expense on screen: p50 ${messageFigures.p50} ms, p95 ${messageFigures.p95} ms (goal p50 < 300)`,
  );
  await context.close();

  say(
    JSON.stringify({
      bench: 'app',
      runs,
      bundleBytes: bundle.bytes,
      bundleGzipBytes: bundle.gzipBytes,
      firstFormP50Ms: formFigures.p50,
      firstFormP95Ms: formFigures.p95,
      messageToExpenseP50Ms: messageFigures.p50,
      messageToExpenseP95Ms: messageFigures.p95,
    }),
  );
} finally {
  await app.stop();
}
process.exit(0);
