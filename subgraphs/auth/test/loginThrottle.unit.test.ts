import { describe, expect, it } from '@jest/globals';
import { issueDeviceToken, knownDeviceId } from '../src/domain/deviceToken.ts';
import {
  clearedOnSuccess,
  counterAfterAttempt,
  counterVerdict,
  countersFor,
  delayAfter,
  reservedBeforeCheck,
  type AttemptCounter,
  type DelayPolicy,
} from '../src/domain/loginThrottle.ts';

const policy: DelayPolicy = {
  freeAttempts: 3,
  firstDelayMs: 1_000,
  maxDelayMs: 60_000,
  resetAfterMs: 600_000,
};
const t0 = new Date('2026-11-24T10:00:00.000Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

/** The counter after `count` attempts, each made as soon as it was allowed. */
function afterAttempts(count: number): AttemptCounter | null {
  let counter: AttemptCounter | null = null;
  let now = t0;
  for (let attempt = 0; attempt < count; attempt += 1) {
    if (counter !== null && counter.nextAttemptAt > now) now = counter.nextAttemptAt;
    counter = counterAfterAttempt(counter, now, policy);
  }
  return counter;
}

describe('log-in delays', () => {
  it('given no attempts, when asked, then the attempt is allowed', () => {
    expect(counterVerdict(null, t0, policy)).toEqual({ allowed: true });
  });

  it('given the free attempts, when they are made at once, then none waits', () => {
    const counter = afterAttempts(2);
    expect(counterVerdict(counter, t0, policy)).toEqual({ allowed: true });
    expect(afterAttempts(3)?.nextAttemptAt).toEqual(at(1_000));
    expect(counterVerdict(afterAttempts(3), t0, policy)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
  });

  it('grows the wait by doubling past the free attempts, up to the maximum: a delay, never a lock', () => {
    expect([2, 3, 4, 5, 6, 7, 8, 9, 50, 5_000].map((n) => delayAfter(n, policy))).toEqual([
      0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('given a wait, then the attempt is refused until it has passed, and allowed after', () => {
    const counter = counterAfterAttempt(afterAttempts(5), t0, policy);
    expect(counter.attempts).toBe(6);
    expect(counterVerdict(counter, at(1_500), policy)).toEqual({
      allowed: false,
      retryAfterSeconds: 7,
    });
    expect(counterVerdict(counter, at(8_000), policy)).toEqual({ allowed: true });
  });

  it('never asks to wait less than a second', () => {
    const counter = counterAfterAttempt(afterAttempts(2), t0, policy);
    expect(counterVerdict(counter, at(999), policy)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
  });

  it('starts a counter over once it has been quiet for its reset time', () => {
    const counter = counterAfterAttempt(afterAttempts(9), t0, policy);
    const later = at(600_000);
    expect(counterVerdict(counter, later, policy)).toEqual({ allowed: true });
    expect(counterAfterAttempt(counter, later, policy)).toEqual({
      attempts: 1,
      lastAttemptAt: later,
      nextAttemptAt: later,
    });
  });
});

describe('the counters an attempt is charged to', () => {
  it('given an unknown client, then its email and address pair, its address and the email ceiling', () => {
    expect(
      countersFor({
        email: 'ann@example.com',
        clientAddress: '10.0.0.1',
        knownDeviceId: undefined,
      }),
    ).toEqual([
      { kind: 'address', key: 'address:10.0.0.1' },
      { kind: 'pair', key: 'pair:ann@example.com|10.0.0.1' },
      { kind: 'email', key: 'email:ann@example.com' },
    ]);
  });

  it('reserves on every counter but the address, which everyone behind a NAT shares and counts failures', () => {
    expect(reservedBeforeCheck('pair')).toBe(true);
    expect(reservedBeforeCheck('email')).toBe(true);
    expect(reservedBeforeCheck('device')).toBe(true);
    expect(reservedBeforeCheck('address')).toBe(false);
  });

  it('given a known client, then only its own device counter, which nobody else can fill', () => {
    expect(
      countersFor({ email: 'ann@example.com', clientAddress: '10.0.0.1', knownDeviceId: 'd1' }),
    ).toEqual([{ kind: 'device', key: 'device:d1' }]);
  });

  it('after a success, clears the caller’s own counters and leaves the shared ones', () => {
    expect(clearedOnSuccess('pair')).toBe(true);
    expect(clearedOnSuccess('device')).toBe(true);
    expect(clearedOnSuccess('address')).toBe(false);
    expect(clearedOnSuccess('email')).toBe(false);
  });
});

describe('device tokens', () => {
  const key = Buffer.alloc(32, 7);

  it('are recognised for the email they were issued for', () => {
    const token = issueDeviceToken(key, 'ann@example.com');
    expect(knownDeviceId(key, 'ann@example.com', token)).toEqual(expect.any(String));
    expect(knownDeviceId(key, 'ann@example.com', token)).toBe(token.split('.')[1]);
  });

  it('are refused for another email, with another key, altered, or malformed', () => {
    const token = issueDeviceToken(key, 'ann@example.com');
    const [version, deviceId, signature] = token.split('.');
    for (const [email, presented, withKey] of [
      ['bob@example.com', token, key],
      ['ann@example.com', token, Buffer.alloc(32, 8)],
      ['ann@example.com', `${version}.${deviceId}x.${signature}`, key],
      ['ann@example.com', `${version}.${deviceId}.${signature}.x`, key],
      ['ann@example.com', 'dt1..', key],
      ['ann@example.com', 'x'.repeat(1_000), key],
      ['ann@example.com', null, key],
    ] as const) {
      expect(knownDeviceId(withKey, email, presented)).toBeUndefined();
    }
  });
});
