import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@cashtrack/platform';
import { mongoForTests, type TestDatabase } from '@cashtrack/test-support';
import { sweepExpiredAuthState } from '../src/authHousekeeping.ts';
import type { DelayPolicy, LoginThrottlePolicy } from '../src/domain/loginThrottle.ts';
import { createLoginThrottleStore } from '../src/stores/loginThrottleStore.ts';
import { createRefreshFamilyStore } from '../src/stores/refreshFamilyStore.ts';
import { createSignUpLedger } from '../src/stores/signUpLedger.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const delays = (resetAfterMs: number): DelayPolicy => ({
  freeAttempts: 2,
  firstDelayMs: 1_000,
  maxDelayMs: 300_000,
  resetAfterMs,
});
const policy: LoginThrottlePolicy = {
  pair: delays(15 * minute),
  device: delays(15 * minute),
  address: delays(15 * minute),
  email: delays(day),
  signUp: { ...delays(hour), freeAttempts: 30 },
};

const now = new Date('2026-11-26T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);

describe('auth housekeeping', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await mongoForTests(`housekeeping_${randomUUID().slice(0, 8)}`);
  });

  afterAll(async () => {
    await database.close();
  });

  it('deletes counters, sign-ups and families past their use, and nothing that still counts', async () => {
    const counters = createLoginThrottleStore(database.db);
    const signUps = createSignUpLedger(database.db);
    const families = createRefreshFamilyStore(database.db);
    // Quiet for longer than any counter's window: it has started over.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await counters.recordFailure('pair:old@example.com|10.0.0.1', ago(2 * day), policy.pair);
    }
    // Within the longest window (the email ceiling's day): it still slows guessing down.
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await counters.recordFailure('email:recent@example.com', ago(hour), policy.email);
    }
    await signUps.admit('10.0.0.1', ago(2 * hour), policy.signUp);
    await signUps.admit('10.0.0.2', ago(10 * minute), policy.signUp);
    const family = (familyId: string, expiresAt: Date) => ({
      familyId,
      userId: randomUUID(),
      currentTokenHash: randomUUID(),
      generation: 0,
      rotatedAt: new Date(expiresAt.getTime() - 7 * day),
      expiresAt,
      revokedAt: null,
    });
    await families.start(family('long-expired', ago(2 * day)));
    await families.start(family('just-expired', ago(hour)));
    await families.start(family('live', new Date(now.getTime() + day)));

    const swept = await sweepExpiredAuthState({
      counters,
      signUps,
      families,
      policy,
      now: () => now,
      log: createLogger('auth-housekeeping-test'),
    });

    expect(swept).toEqual({ loginCounters: 3, signUps: 1, refreshFamilies: 1 });
    const loginAttempts = database.db.collection('loginAttempts');
    expect(await loginAttempts.distinct('key')).toEqual(['email:recent@example.com']);
    // Its next attempt is still the fifth within the window: one more past the free ones.
    await counters.recordFailure('email:recent@example.com', now, policy.email);
    expect(await loginAttempts.findOne({}, { sort: { seq: -1 } })).toMatchObject({ attempts: 5 });
    expect(await database.db.collection('signUps').distinct('address')).toEqual(['10.0.0.2']);
    expect(await families.find('long-expired')).toBeNull();
    expect(await families.find('just-expired')).not.toBeNull();
    expect(await families.find('live')).not.toBeNull();
  });

  it('finds nothing more to delete on a second sweep', async () => {
    const swept = await sweepExpiredAuthState({
      counters: createLoginThrottleStore(database.db),
      signUps: createSignUpLedger(database.db),
      families: createRefreshFamilyStore(database.db),
      policy,
      now: () => now,
      log: createLogger('auth-housekeeping-test'),
    });
    expect(swept).toEqual({ loginCounters: 0, signUps: 0, refreshFamilies: 0 });
  });
});
