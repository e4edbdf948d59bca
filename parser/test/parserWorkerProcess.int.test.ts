import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createEventProducer } from '@cashtrack/events/kafka';
import { newEvent } from '@cashtrack/events';
import { kafkaForTests, testNamespace, waitFor } from '@cashtrack/test-support';
import { repoRoot } from './cliProcess.ts';

/**
 * The worker as `npm start` runs it: a process that logs JSON lines carrying the message's
 * correlation id, becomes ready on PARSER_PORT, and drains and exits 0 on SIGTERM.
 */

const ns = testNamespace();
const kafka = kafkaForTests('parser-worker-process-test');
const producer = createEventProducer(kafka, { topicPrefix: ns.topicPrefix });

afterAll(async () => {
  await producer.disconnect();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('parser worker process', () => {
  it('logs with correlation ids, serves readiness and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'parser/src/worker/index.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        JEST_WORKER_ID: '',
        LOG_LEVEL: 'info',
        PARSER_PORT: String(port),
        KAFKA_TOPIC_PREFIX: ns.topicPrefix,
        OPENAI_API_KEY: '',
      },
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.ok,
        { timeoutMs: 30_000, description: 'the worker to be ready' },
      );
      await producer.connect();
      await producer.publish([
        newEvent({
          type: 'ExpenseMessageSubmitted',
          userId: 'user-1',
          aggregateId: `${ns.topicPrefix}message-1`,
          aggregateVersion: 1,
          correlationId: `${ns.topicPrefix}correlation`,
          now: new Date(),
          payload: { text: 'coffee 4', timezone: 'UTC', currency: 'USD' },
        }),
      ]);
      const line = await waitFor(
        () =>
          stdout
            .split('\n')
            .filter((text) => text.startsWith('{'))
            .map((text) => JSON.parse(text) as Record<string, unknown>)
            .find((entry) => entry.msg === 'message parsed'),
        { timeoutMs: 30_000, description: 'the "message parsed" log line' },
      );
      expect(line).toMatchObject({
        component: 'parser-worker',
        correlationId: `${ns.topicPrefix}correlation`,
        expenses: 1,
        parser: 'rules',
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('consumer stopped');
  });
});
