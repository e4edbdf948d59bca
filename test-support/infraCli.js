// Jest's global setup and teardown are plain JavaScript: Jest loads them outside its module
// transform, where TypeScript files cannot be imported.
import process from 'node:process';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs a TypeScript file of this repository under tsx, as `npm run` scripts do. Its stderr goes to
 * this process's; its stdout, one JSON document, is returned.
 * @param {string} script path from the repository's root
 * @param {readonly string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<unknown>}
 */
export async function runRepoScript(script, args, env) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0)
    throw new Error(`${script} ${args.join(' ')} failed (exit ${code}); see the log above`);
  return JSON.parse(stdout);
}

/**
 * Runs `infra/src/cli.ts` exactly as `npm run infra:*` does, with `--json`.
 * @param {readonly string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<unknown>}
 */
export function runInfraCli(args, env) {
  return runRepoScript(path.join('infra', 'src', 'cli.ts'), [...args, '--json'], env);
}
