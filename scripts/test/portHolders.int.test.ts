import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort } from '@cashtrack/test-support';
import { describeHolder, findPortHolders } from '../portHolders.ts';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function listenOn(port: number): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
}

describe('findPortHolders', () => {
  it('names the process that listens on a wanted port, and leaves free ports out', async () => {
    const held = await freePort();
    const free = await freePort();
    await listenOn(held);

    const holders = await findPortHolders([
      { name: 'gateway', host: '127.0.0.1', port: held },
      { name: 'auth', host: '127.0.0.1', port: free },
    ]);

    expect(holders).toHaveLength(1);
    const [holder] = holders;
    expect(holder).toMatchObject({ name: 'gateway', port: held, pid: process.pid });
    // Our own command line, shortened in the middle when long: it starts with node.
    expect(holder?.command).toMatch(/^\S*node /);
    const line = describeHolder(holder!);
    expect(line).toContain(`127.0.0.1:${held} (gateway) is held by pid ${process.pid} (`);
    expect(line).not.toContain('\n');
  });

  it('finds nothing when every port is free', async () => {
    expect(
      await findPortHolders([{ name: 'auth', host: '127.0.0.1', port: await freePort() }]),
    ).toEqual([]);
  });
});
