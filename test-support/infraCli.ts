import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs `infra/src/cli.ts` exactly as `npm run infra:*` does (Jest's global setup cannot load our
 * path aliases, and a child process is the same code path users run anyway). Progress goes to
 * this process's stderr; the `--json` answer is returned.
 */
export async function runInfraCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<unknown> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'infra', 'src', 'cli.ts'), ...args, '--json'],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0)
    throw new Error(`infra ${args.join(' ')} failed (exit ${code}); see the log above`);
  return JSON.parse(stdout) as unknown;
}
