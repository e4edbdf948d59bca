import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(appRoot, '..');

/** Where the web build goes; the gateway serves it at `/` (gateway/src/http/appRoute.ts). */
export const webBuildDir = path.join(appRoot, 'dist');
const stampFile = path.join(webBuildDir, 'build-stamp.json');

/** What a build is made from: a newer file than the build's stamp makes it stale. */
const sources = [
  path.join(appRoot, 'src'),
  path.join(appRoot, 'index.ts'),
  path.join(appRoot, 'app.json'),
  path.join(appRoot, 'package.json'),
  path.join(appRoot, 'metro.config.js'),
  path.join(appRoot, 'babel.config.js'),
  path.join(repoRoot, 'schema', 'supergraph.graphql'),
];

async function newestChange(file: string): Promise<number> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(file);
  const times = await Promise.all(entries.map((entry) => newestChange(path.join(file, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** Why the web build must be made again, or undefined when it is current. */
export async function webBuildStaleness(): Promise<string | undefined> {
  if (!existsSync(path.join(webBuildDir, 'index.html'))) return 'there is no web build yet';
  const built = (await stat(stampFile).catch(() => undefined))?.mtimeMs;
  if (built === undefined) return 'the web build has no stamp';
  const newest = Math.max(...(await Promise.all(sources.map(newestChange))));
  return newest > built ? 'the app changed since its web build' : undefined;
}

function run(command: string, args: readonly string[], cwd: string, quiet: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        ...process.env,
        CI: '1',
        EXPO_OFFLINE: '1',
        EXPO_NO_TELEMETRY: '1',
        NODE_ENV: 'production',
      },
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`),
        );
    });
  });
}

export interface WebBuildOptions {
  /** Hide the tools' output (tests); shown on failure. Default false. */
  readonly quiet?: boolean;
}

/**
 * Makes the app's web build offline: typed operations first (app/tools/codegen.ts), then
 * `expo export --platform web` (single-page output) into a fresh folder that replaces app/dist.
 */
export async function buildWeb(options: WebBuildOptions = {}): Promise<void> {
  const quiet = options.quiet ?? false;
  await run(
    process.execPath,
    ['--import', 'tsx', path.join(appRoot, 'tools', 'codegen.ts')],
    repoRoot,
    quiet,
  );
  const staging = path.join(appRoot, `dist.building-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    await run(
      process.execPath,
      [
        path.join(appRoot, 'node_modules', 'expo', 'bin', 'cli'),
        'export',
        '--platform',
        'web',
        '--output-dir',
        staging,
      ],
      appRoot,
      quiet,
    );
    await writeFile(
      path.join(staging, 'build-stamp.json'),
      `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`,
    );
    await rm(webBuildDir, { recursive: true, force: true });
    await rename(staging, webBuildDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Builds the web app when its build is missing or older than its sources (npm start, the app's
 * end-to-end tests and its benchmark call this); answers what it did.
 */
export async function ensureWebBuild(options: WebBuildOptions = {}): Promise<'built' | 'current'> {
  const reason = await webBuildStaleness();
  if (reason === undefined) return 'current';
  if (!(options.quiet ?? false)) process.stderr.write(`app: building the web app (${reason})\n`);
  await buildWeb(options);
  return 'built';
}
