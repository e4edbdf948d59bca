import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import type { DelayPolicy } from '../src/domain/loginThrottle.ts';
import { createSignUpLedger } from '../src/stores/signUpLedger.ts';

/**
 * The per-address sign-up limit holds across replicas: every replica's ledger writes the same
 * collection, each over its own connections here, as separate processes would.
 */

const databaseName = `${testNamespace().database}_signups`;
const replicas: TestDatabase[] = [];
// The ledger reads only the free attempts and the window; the delays are the log-in counters'.
const policy: DelayPolicy = {
  freeAttempts: 3,
  resetAfterMs: 60_000,
  firstDelayMs: 1_000,
  maxDelayMs: 60_000,
};

beforeAll(async () => {
  replicas.push(...(await ledgerConnections(4)));
});

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
});

/** Connections of their own to one database, as replicas in separate processes have. */
function ledgerConnections(count: number): Promise<TestDatabase[]> {
  return Promise.all(Array.from({ length: count }, () => mongoForTests(databaseName)));
}

const ledgers = () => replicas.map((replica) => createSignUpLedger(replica.db));

describe('the sign-up ledger', () => {
  it('admits exactly the limit of many sign-ups racing from one address on four replicas', async () => {
    const onReplicas = ledgers();
    const now = new Date();
    for (let round = 0; round < 5; round += 1) {
      const address = `10.9.0.${round}`;
      const verdicts = await Promise.all(
        Array.from({ length: 24 }, (_, index) =>
          onReplicas[index % onReplicas.length]!.admit(address, now, policy),
        ),
      );
      expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(3);
    }
  });

  it('admits again once the oldest sign-up has left the window, and says when that is', async () => {
    const [ledger] = ledgers();
    const start = new Date('2026-11-27T10:00:00Z');
    const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
    for (const seconds of [0, 10, 20]) {
      expect(await ledger!.admit('10.9.1.1', at(seconds), policy)).toEqual({ allowed: true });
    }
    expect(await ledger!.admit('10.9.1.1', at(30), policy)).toEqual({
      allowed: false,
      retryAfterSeconds: 30,
    });
    expect(await ledger!.admit('10.9.1.1', at(61), policy)).toEqual({ allowed: true });
    expect(await ledger!.admit('10.9.1.2', at(30), policy)).toEqual({ allowed: true });
  });
});
