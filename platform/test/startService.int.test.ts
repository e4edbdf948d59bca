import { afterAll, describe, expect, it } from '@jest/globals';
import { topicNames } from '@cashtrack/events';
import { type EventConsumer } from '@cashtrack/events/kafka';
import { createLogger, kafkaSettings, mongoSettings, readSettings } from '@cashtrack/platform';
import { startService, type ServiceConfig } from '@cashtrack/platform/service';
import { mongoForTests, testNamespace } from '@cashtrack/test-support';

/** The service runtime with a service of its own: what it serves, and how it stops. */

const namespace = testNamespace();
const config: ServiceConfig = {
  ...readSettings({ ...mongoSettings('SAMPLE_DATABASE', namespace.database), ...kafkaSettings }),
  port: 0,
  host: '127.0.0.1',
  topicPrefix: namespace.topicPrefix,
};
const logger = createLogger('runtime-test');

afterAll(async () => {
  const database = await mongoForTests(namespace.database);
  await database.close();
});

describe('a service on the runtime', () => {
  it('serves health and readiness, and stops in stages: HTTP, work, producers, MongoDB', async () => {
    let consumer: EventConsumer | undefined;
    const service = await startService({
      name: 'sample',
      config,
      logger,
      mongo: true,
      kafkaAtStart: true,
      parts: async ({ consume, onShutdown }) => {
        // Added in an order of its own; the stages decide the shutdown's.
        onShutdown('producers', 'own producer', () => Promise.resolve());
        onShutdown('work', 'own timer', () => Promise.resolve());
        consumer = await consume({
          groupId: 'samples',
          topics: [topicNames(config.topicPrefix).users],
          handle: () => Promise.resolve(),
        });
        return { own: {} };
      },
    });
    try {
      expect((await fetch(`${service.url}/health`)).status).toBe(200);
      const ready = await fetch(`${service.url}/ready`);
      expect({ status: ready.status, body: (await ready.json()) as unknown }).toEqual({
        status: 200,
        body: { status: 'ready' },
      });
      expect((await fetch(`${service.url}/nothing`)).status).toBe(404);
      expect(service.shutdownSteps.map((step) => step.name)).toEqual([
        'http',
        'own timer',
        'samples',
        'producer',
        'own producer',
        'mongo',
      ]);
    } finally {
      await service.close();
    }
    expect(consumer?.stats().state).toBe('stopped');
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
  });

  it('closes what it opened when a part fails to start, and rejects with its error', async () => {
    let consumer: EventConsumer | undefined;
    const starting = startService({
      name: 'sample',
      config,
      logger,
      mongo: true,
      kafkaAtStart: true,
      parts: async ({ consume }) => {
        consumer = await consume({
          groupId: 'samples-failing',
          topics: [topicNames(config.topicPrefix).users],
          handle: () => Promise.resolve(),
        });
        throw new Error('a part could not start');
      },
    });
    await expect(starting).rejects.toThrow('a part could not start');
    expect(consumer?.stats().state).toBe('stopped');
  });
});
