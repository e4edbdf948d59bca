import { spawn } from 'node:child_process';
import { CodedError, createLogger } from '@cashtrack/platform';

const log = createLogger('infra', 'stderr');

/**
 * Runs a build or fetch step to completion; a failure names the step and the tail of its output.
 * Each step says what it does first, in words a newcomer reads: a first `npm start` downloads and
 * builds for minutes, and silence then looks like a hang.
 */
export async function runStep(
  description: string,
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  log.info(`${description}…`);
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    throw new CodedError(
      'INSTALL_FAILED',
      `${description} failed (exit ${code}):\n${output.trim()}`,
    );
  }
}
