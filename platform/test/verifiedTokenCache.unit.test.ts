import { describe, expect, it } from '@jest/globals';
import type { VerifiedAccessToken } from '../src/index.ts';
import {
  cacheVerifiedTokens,
  refuseRevokedTokens,
  RevokedAccessTokens,
  type AccessTokenVerifier,
} from '../src/tokens/index.ts';

function countingVerifier(expiresAtMs: number): AccessTokenVerifier & { calls: number } {
  const verifier = {
    calls: 0,
    async verify(token: string): Promise<VerifiedAccessToken> {
      verifier.calls += 1;
      if (token === 'bad') throw new Error('refused');
      return {
        userId: `user-${token}`,
        tokenId: token,
        sessionId: `session-${token}`,
        expiresAt: new Date(expiresAtMs),
      };
    },
  };
  return verifier;
}

describe('verified token cache', () => {
  it('checks a token once while it is valid and recent', async () => {
    let now = 1_000_000;
    const inner = countingVerifier(now + 600_000);
    const cached = cacheVerifiedTokens(inner, { now: () => now, maxAgeMs: 60_000 });
    await cached.verify('a');
    now += 59_000;
    expect((await cached.verify('a')).userId).toBe('user-a');
    expect(inner.calls).toBe(1);
    now += 2_000;
    await cached.verify('a');
    expect(inner.calls).toBe(2);
  });

  it('never answers from memory past the token’s expiry', async () => {
    let now = 1_000_000;
    const inner = countingVerifier(now + 10_000);
    const cached = cacheVerifiedTokens(inner, { now: () => now });
    await cached.verify('a');
    now += 10_000;
    await cached.verify('a');
    expect(inner.calls).toBe(2);
  });

  it('checks a refused token every time', async () => {
    const inner = countingVerifier(Date.now() + 600_000);
    const cached = cacheVerifiedTokens(inner);
    await expect(cached.verify('bad')).rejects.toThrow('refused');
    await expect(cached.verify('bad')).rejects.toThrow('refused');
    expect(inner.calls).toBe(2);
  });

  it('forgets the least recently used token past its size', async () => {
    const inner = countingVerifier(Date.now() + 600_000);
    const cached = cacheVerifiedTokens(inner, { maxTokens: 2 });
    await cached.verify('a');
    await cached.verify('b');
    await cached.verify('a');
    await cached.verify('c');
    await cached.verify('a');
    expect(inner.calls).toBe(3);
    await cached.verify('b');
    expect(inner.calls).toBe(4);
  });

  // As the gateway composes them: the revocation check outside the cache.
  it('refuses a remembered token once it is revoked, and once its session is', async () => {
    const expiresAt = Date.now() + 600_000;
    const inner = countingVerifier(expiresAt);
    const revoked = new RevokedAccessTokens();
    const verifier = refuseRevokedTokens(cacheVerifiedTokens(inner), revoked);
    await verifier.verify('a');
    await verifier.verify('b');
    revoked.revoke('a', new Date(expiresAt));
    revoked.revokeSession('session-b', new Date(expiresAt));
    await expect(verifier.verify('a')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { reason: 'revoked' },
    });
    await expect(verifier.verify('b')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await verifier.verify('c');
    expect(inner.calls).toBe(3);
  });
});
