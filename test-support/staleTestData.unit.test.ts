import { describe, expect, it } from '@jest/globals';
import { testNamespace } from './namespace.ts';
import { isStaleTestDatabase, isStaleTestTopic, staleAfterMs } from './staleTestData.ts';

describe('stale test data', () => {
  const ns = testNamespace('staleTestData');
  const madeAt = Date.now();

  it('knows a namespace as stale only once it is older than any test run', () => {
    const topic = `${ns.topicPrefix}cashtrack.expenses`;
    const group = `${ns.topicPrefix}parser-worker`;
    expect(isStaleTestTopic(topic, madeAt + 60_000)).toBe(false);
    expect(isStaleTestTopic(group, madeAt + 60_000)).toBe(false);
    expect(isStaleTestDatabase(ns.database, madeAt + 60_000)).toBe(false);
    const later = madeAt + staleAfterMs + 60_000;
    expect(isStaleTestTopic(topic, later)).toBe(true);
    expect(isStaleTestTopic(group, later)).toBe(true);
    expect(isStaleTestDatabase(ns.database, later)).toBe(true);
    expect(isStaleTestDatabase(`${ns.database}_e`, later)).toBe(true);
  });

  it('never takes the system’s own names, or a name only shaped like a namespace, as test data', () => {
    const muchLater = Date.now() + 365 * 86_400_000;
    for (const name of [
      'cashtrack.expenses',
      'cashtrack.expenses.dlq',
      '__consumer_offsets',
      'expense-projector',
      't-notes-draft-cashtrack.expenses',
      't-a-0000000000000-x',
    ]) {
      expect(isStaleTestTopic(name, muchLater)).toBe(false);
    }
    for (const name of [
      'expenseServiceDB',
      'authServiceDB',
      't_notes_draft',
      'projectorBench_mwxye915',
    ]) {
      expect(isStaleTestDatabase(name, muchLater)).toBe(false);
    }
  });
});
