import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Admin } from 'kafkajs';
import { kafkaForTests, testNamespace, waitFor } from '@cashtrack/test-support';
import { ensureTopics } from '../src/kafka/index.ts';
import { topicNames } from '../src/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const projectorScript = path.join(here, 'fixtures', 'projectorProcess.ts');

/**
 * Found by `npm run chaos`: after a SIGKILL, a service's replacement starts only once the broker
 * has given up on the killed member of its consumer group, which takes the session timeout. With
 * the old default of 30 s every crash of the parser worker, the user subgraph or the expense
 * projector was a 30-second outage. The runner's default session is now 10 s.
 */
describe('a consumer replacing one killed without leaving its group', () => {
  const { topicPrefix, database } = testNamespace();
  const kafka = kafkaForTests();
  let admin: Admin;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { prefix: topicPrefix });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const own = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  });

  /** Starts the fixture with the runner's default session; resolves once it has joined. */
  async function startConsumer(): Promise<ChildProcess> {
    const { KAFKA_CONSUMER_SESSION_TIMEOUT_MS: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', projectorScript], {
      cwd: repoRoot,
      env: {
        ...inherited,
        LOG_LEVEL: 'silent',
        SESSION: 'default',
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        MONGO_URL: process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
        DATABASE: database,
        TOPIC: topicNames(topicPrefix).expenses,
        GROUP_ID: `${topicPrefix}takeover`,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor(() => output.includes('ready\n'), {
      timeoutMs: 60_000,
      description: 'the consumer process to join its group',
    });
    return child;
  }

  it('joins within about the default session timeout (10 s), not 30 s', async () => {
    const first = await startConsumer();
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;

    const killedAt = Date.now();
    await startConsumer();
    const joinedAfterMs = Date.now() - killedAt;
    // 10 s of session plus process start-up on a busy machine; 30 s sessions took over 28 s.
    expect(joinedAfterMs).toBeLessThan(22_000);
  }, 120_000);
});
