import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { down, readInfraSettings, status, up, type InfraSettings } from '@cashtrack/infra';
import { freePort } from '@cashtrack/test-support';

/**
 * A second, private pair of servers on other ports and in another folder, so stopping them
 * cannot disturb the servers the rest of the suite uses. The installed broker and binary are
 * linked in rather than fetched again.
 */
async function privateSettings(): Promise<InfraSettings> {
  const shared = readInfraSettings();
  const infraDir = await mkdtemp(path.join(os.tmpdir(), 'cashtrack-infra-'));
  await mkdir(path.join(infraDir, 'kafka'), { recursive: true });
  const libDir = (await readdir(path.join(shared.infraDir, 'kafka'))).find((entry) =>
    entry.startsWith('lib-'),
  );
  if (libDir === undefined) throw new Error('the global setup installed no Kafka');
  await symlink(path.join(shared.infraDir, 'kafka', libDir), path.join(infraDir, 'kafka', libDir));
  await symlink(path.join(shared.infraDir, 'bin'), path.join(infraDir, 'bin'));
  return {
    ...shared,
    infraDir,
    kafka: {
      ...shared.kafka,
      external: undefined,
      port: await freePort(),
      controllerPort: await freePort(),
      heap: '256m',
    },
    mongo: { ...shared.mongo, external: undefined, port: await freePort() },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

describe('infra:up and infra:down', () => {
  let settings: InfraSettings | undefined;

  afterAll(async () => {
    if (settings === undefined) return;
    await down(settings);
    await rm(settings.infraDir, { recursive: true, force: true });
  });

  it('starts both servers, reuses them on a second call, and leaves nothing behind when stopped', async () => {
    settings = await privateSettings();

    const first = await up(settings);
    expect(first.map((report) => [report.name, report.state])).toEqual([
      ['kafka', 'started'],
      ['ferretdb', 'started'],
    ]);

    const second = await up(settings);
    expect(second.map((report) => report.state)).toEqual(['running', 'running']);

    const running = await status(settings);
    expect(running.every((server) => server.ready && server.pid !== undefined)).toBe(true);
    const pids = running.map((server) => server.pid ?? -1);

    expect((await down(settings)).sort()).toEqual(['ferretdb', 'kafka']);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    for (const port of [settings.kafka.port, settings.kafka.controllerPort, settings.mongo.port]) {
      expect(await listening(port)).toBe(false);
    }
    expect(existsSync(path.join(settings.infraDir, 'run', 'kafka.pid.json'))).toBe(false);
    expect(await down(settings)).toEqual([]);
  });
});
