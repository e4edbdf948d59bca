import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** Names private to one test file and one run, so files run in parallel and re-run without cleanup. */
export interface TestNamespace {
  /** Prefix for Kafka topics and consumer groups, e.g. `t-kafkaBasics-k3x9a1-`. */
  readonly topicPrefix: string;
  /** A MongoDB database name (at most 63 characters, no dots). */
  readonly database: string;
}

export function testNamespace(label = currentTestFileLabel()): TestNamespace {
  const unique = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const safe = label.replace(/[^A-Za-z0-9]/g, '').slice(0, 30);
  return { topicPrefix: `t-${safe}-${unique}-`, database: `t_${safe}_${unique}` };
}

function currentTestFileLabel(): string {
  const testPath = (
    globalThis as { expect?: { getState(): { testPath?: string } } }
  ).expect?.getState().testPath;
  return testPath === undefined ? 'test' : path.basename(testPath).replace(/\..*$/, '');
}
