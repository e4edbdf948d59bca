import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort, waitFor } from '@cashtrack/test-support';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// A stand-in for `npm start`'s supervisor: spawns the entry with an IPC channel, as it does, and
// reports the child's pid. It stays up until the test kills it.
const supervisorSource = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['--import', 'tsx', process.argv[1]], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
process.stdout.write(JSON.stringify({ childPid: child.pid }) + '\\n');
setInterval(() => undefined, 60000);
`;

const started: ChildProcess[] = [];
const childPids: number[] = [];

afterEach(() => {
  for (const supervisor of started.splice(0)) supervisor.kill('SIGKILL');
  for (const pid of childPids.splice(0)) {
    if (running(pid)) process.kill(pid, 'SIGKILL');
  }
});

/** True while `pid` runs; a zombie waiting for its new parent to reap it counts as gone. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Starts the stand-in supervisor over `entry`; resolves with it and every JSON line it prints. */
async function superviseEntry(
  entry: string,
  env: Record<string, string>,
): Promise<{ supervisor: ChildProcess; childPid: number; lines: Record<string, unknown>[] }> {
  const supervisor = spawn(process.execPath, ['-e', supervisorSource, entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(supervisor);
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: supervisor.stdout }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a log line that is not JSON: not what the test waits for
    }
  });
  const childPid = await waitFor(
    () => lines.map((line) => line.childPid).find((pid) => typeof pid === 'number'),
    { timeoutMs: 10_000, description: 'the supervisor to spawn its child' },
  );
  childPids.push(childPid);
  return { supervisor, childPid, lines };
}

describe('stopWithParent', () => {
  it('ends a service once its supervisor is SIGKILLed, and frees its port', async () => {
    const { supervisor, childPid, lines } = await superviseEntry(
      path.join(repoRoot, 'platform', 'test', 'fixtures', 'lifelineService.ts'),
      { LOG_LEVEL: 'warn' },
    );
    const port = await waitFor(
      () => lines.map((line) => line.port).find((value) => typeof value === 'number'),
      { timeoutMs: 30_000, description: 'the service to listen' },
    );
    expect(running(childPid)).toBe(true);

    supervisor.kill('SIGKILL');

    await waitFor(() => !running(childPid), {
      timeoutMs: 15_000,
      description: `service pid ${childPid} to exit after its supervisor died`,
    });
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('ends the real gateway entry the same way', async () => {
    const gatewayPort = await freePort();
    const unused = await freePort();
    const { supervisor, childPid } = await superviseEntry(
      path.join(repoRoot, 'gateway', 'src', 'index.ts'),
      {
        LOG_LEVEL: 'warn',
        GATEWAY_PORT: String(gatewayPort),
        // Nothing answers here: the gateway starts all the same, it only is not ready.
        AUTH_JWKS_URL: `http://127.0.0.1:${unused}/.well-known/jwks.json`,
      },
    );
    await waitFor(
      () => fetch(`http://127.0.0.1:${gatewayPort}/health`).then((response) => response.ok),
      { timeoutMs: 45_000, description: 'the gateway to answer /health' },
    );

    supervisor.kill('SIGKILL');

    await waitFor(() => !running(childPid), {
      timeoutMs: 15_000,
      description: `gateway pid ${childPid} to exit after its supervisor died`,
    });
    await expect(fetch(`http://127.0.0.1:${gatewayPort}/health`)).rejects.toThrow();
  }, 90_000);

  it('does nothing in a process started without an IPC channel', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import { createLogger, stopWithParent } from '@cashtrack/platform'; stopWithParent(createLogger('x')); setTimeout(() => process.stdout.write('still here'), 200);",
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    started.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output).toBe('still here');
  });
});
