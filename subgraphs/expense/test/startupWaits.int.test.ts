import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort, mongoForTests, testNamespace } from '@cashtrack/test-support';
import { expenseConfigFromEnv } from '../src/config.ts';
import { startExpenseSubgraph } from '../src/expenseSubgraph.ts';
import { startTestTokenIssuer } from './support/testTokens.ts';

/**
 * `npm start` launches the services a moment after Kafka and FerretDB, and a supervisor restarts a
 * service while they may be restarting too: a service waits out a dependency that is not there
 * yet instead of dying, and says in one line what it could not reach when it never comes.
 */

/** A port that answers only from `opensAfterMs` on, then forwards every connection to `target`. */
async function lateForwarder(
  target: string,
  opensAfterMs: number,
): Promise<{
  readonly address: string;
  close(): Promise<void>;
}> {
  const [targetHost = '127.0.0.1', targetPort = ''] = target
    .replace(/^mongodb:\/\//, '')
    .split(':');
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const opening = setTimeout(() => {
    server = createServer((client) => {
      const upstream = connect({ host: targetHost, port: Number.parseInt(targetPort, 10) });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    }).listen(port, '127.0.0.1');
  }, opensAfterMs);
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      clearTimeout(opening);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        server === undefined ? resolve() : server.close(() => resolve()),
      );
    },
  };
}

describe('the expense service starting before its dependencies answer', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  // Later than the driver's 5 s server selection and kafkajs's own retries (about 9 s).
  it('waits for MongoDB and Kafka that answer seconds late, then serves', async () => {
    const namespace = testNamespace();
    const config = expenseConfigFromEnv();
    const database = await mongoForTests(namespace.database);
    closers.push(() => database.close());
    const tokens = await startTestTokenIssuer();
    closers.push(() => tokens.close());
    const mongo = await lateForwarder(config.mongoUrl, 7_000);
    const kafka = await lateForwarder(config.kafkaBrokers[0] ?? '127.0.0.1:9092', 12_000);
    closers.push(
      () => mongo.close(),
      () => kafka.close(),
    );

    const subgraph = await startExpenseSubgraph({
      ...config,
      port: 0,
      mongoUrl: `mongodb://${mongo.address}/?directConnection=true`,
      kafkaBrokers: [kafka.address],
      database: namespace.database,
      topicPrefix: namespace.topicPrefix,
      jwksUrl: tokens.jwksUrl,
      projectorSessionTimeoutMs: 10_000,
    });
    closers.push(() => subgraph.close());
    const ready = await fetch(`${subgraph.url}/ready`);
    expect(ready.status).toBe(200);
  });

  it('gives up after STARTUP_TIMEOUT_MS with one line naming what it could not reach', async () => {
    const silentPort = await freePort();
    const before = process.env.STARTUP_TIMEOUT_MS;
    process.env.STARTUP_TIMEOUT_MS = '1500';
    try {
      const failure = startExpenseSubgraph({
        ...expenseConfigFromEnv(),
        port: 0,
        mongoUrl: `mongodb://127.0.0.1:${silentPort}`,
        database: testNamespace().database,
      });
      await expect(failure).rejects.toMatchObject({ code: 'DEPENDENCY_UNREACHABLE' });
      const message = await failure.catch((error: Error) => error.message);
      expect(message).toMatch(
        new RegExp(`^MongoDB at mongodb://127\\.0\\.0\\.1:${silentPort}: no answer after 1.5 s`),
      );
      expect(message).not.toContain('\n');
    } finally {
      if (before === undefined) delete process.env.STARTUP_TIMEOUT_MS;
      else process.env.STARTUP_TIMEOUT_MS = before;
    }
  });
});
