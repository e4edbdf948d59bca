import { describe, expect, it } from '@jest/globals';
import {
  canLogOut,
  decideRefresh,
  hashRefreshSecret,
  parseRefreshToken,
  formatRefreshToken,
  successorSecret,
  type RefreshFamily,
  type RefreshPolicy,
} from '../src/domain/refreshFamily.ts';

const key = Buffer.alloc(32, 7);
const policy: RefreshPolicy = { lifetimeMs: 7 * 86_400_000, graceMs: 10_000, reuseLookback: 100 };
const t0 = new Date('2026-11-24T10:00:00.000Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
const first = 'a'.repeat(43);

/** A family whose live token is `generation` rotations after `first`, rotated at `rotatedAt`. */
function familyAfter(generation: number, rotatedAt = t0, overrides: Partial<RefreshFamily> = {}) {
  let live = first;
  for (let step = 0; step < generation; step += 1) live = successorSecret(key, live);
  const family: RefreshFamily = {
    familyId: 'family-1',
    userId: 'user-1',
    currentTokenHash: hashRefreshSecret(live),
    generation,
    rotatedAt,
    expiresAt: new Date(rotatedAt.getTime() + policy.lifetimeMs),
    revokedAt: null,
    ...overrides,
  };
  return { family, live };
}

describe('refresh-token families', () => {
  it('given the live token, when refreshing, then it rotates to the derived successor', () => {
    const { family, live } = familyAfter(0);
    const decision = decideRefresh({
      family,
      presentedSecret: live,
      derivationKey: key,
      now: at(1_000),
      policy,
    });
    expect(decision).toEqual({
      kind: 'rotate',
      successor: successorSecret(key, live),
      expiresAt: new Date(at(1_000).getTime() + policy.lifetimeMs),
    });
  });

  it('given a token rotated a moment ago, when it is presented again within the grace window, then the same successor is returned', () => {
    const { family, live } = familyAfter(1, at(0));
    const decision = decideRefresh({
      family,
      presentedSecret: first,
      derivationKey: key,
      now: at(3_000),
      policy,
    });
    expect(decision).toEqual({
      kind: 'repeatRotation',
      successor: live,
      expiresAt: family.expiresAt,
    });
  });

  it('given a token rotated longer ago than the grace window, when presented, then reuse is detected', () => {
    const { family } = familyAfter(1, at(0));
    const decision = decideRefresh({
      family,
      presentedSecret: first,
      derivationKey: key,
      now: at(10_001),
      policy,
    });
    expect(decision).toEqual({ kind: 'reuseDetected', stepsBehind: 1 });
  });

  it('given a token two rotations old, when presented even within the grace window, then reuse is detected', () => {
    const { family } = familyAfter(2, at(0));
    const decision = decideRefresh({
      family,
      presentedSecret: first,
      derivationKey: key,
      now: at(1),
      policy,
    });
    expect(decision).toEqual({ kind: 'reuseDetected', stepsBehind: 2 });
  });

  it('given a made-up token, when presented, then it is refused without revoking anything', () => {
    const { family } = familyAfter(3);
    const decision = decideRefresh({
      family,
      presentedSecret: 'b'.repeat(43),
      derivationKey: key,
      now: at(1),
      policy,
    });
    expect(decision).toEqual({ kind: 'refused', reason: 'unknown' });
  });

  it('given a revoked family, when its live token is presented, then it is refused', () => {
    const { family, live } = familyAfter(1, t0, { revokedAt: at(5) });
    expect(
      decideRefresh({ family, presentedSecret: live, derivationKey: key, now: at(10), policy }),
    ).toEqual({
      kind: 'refused',
      reason: 'revoked',
    });
  });

  it('given an expired live token, when presented, then it is refused', () => {
    const { family, live } = familyAfter(0);
    const now = new Date(family.expiresAt.getTime());
    expect(
      decideRefresh({ family, presentedSecret: live, derivationKey: key, now, policy }),
    ).toEqual({
      kind: 'refused',
      reason: 'expired',
    });
  });

  it('given no family, when refreshing, then it is refused', () => {
    expect(
      decideRefresh({ family: null, presentedSecret: first, derivationKey: key, now: t0, policy }),
    ).toEqual({
      kind: 'refused',
      reason: 'unknown',
    });
  });

  it('given another derivation key, when refreshing with an old token, then it is not recognised', () => {
    const { family } = familyAfter(1);
    const decision = decideRefresh({
      family,
      presentedSecret: first,
      derivationKey: Buffer.alloc(32, 8),
      now: at(1),
      policy,
    });
    expect(decision).toEqual({ kind: 'refused', reason: 'unknown' });
  });

  it('lets only the owner holding one of the family tokens log out', () => {
    const { family, live } = familyAfter(2);
    const base = { family, derivationKey: key, policy };
    expect(canLogOut({ ...base, userId: 'user-1', presentedSecret: live })).toBe(true);
    expect(canLogOut({ ...base, userId: 'user-1', presentedSecret: first })).toBe(true);
    expect(canLogOut({ ...base, userId: 'user-2', presentedSecret: live })).toBe(false);
    expect(canLogOut({ ...base, userId: 'user-1', presentedSecret: 'c'.repeat(43) })).toBe(false);
  });

  it('formats and parses tokens, refusing other shapes', () => {
    const token = formatRefreshToken('f'.repeat(22), 's'.repeat(43));
    expect(parseRefreshToken(token)).toEqual({ familyId: 'f'.repeat(22), secret: 's'.repeat(43) });
    expect(parseRefreshToken('not-a-token')).toBeUndefined();
    expect(parseRefreshToken(`${'f'.repeat(22)}.short`)).toBeUndefined();
  });
});
