import { describe, expect, it } from '@jest/globals';
import { CodedError } from '../src/index.ts';
import {
  refuseRevokedTokens,
  RevokedAccessTokens,
  type AccessTokenVerifier,
} from '../src/tokens/index.ts';

/** The in-memory set of revoked tokens, and the verifier that consults it. */

describe('revoked access tokens', () => {
  it('refuses a token until a minute past its expiry, then forgets it', () => {
    let now = Date.parse('2026-11-26T10:00:00Z');
    const revoked = new RevokedAccessTokens({ now: () => now });
    revoked.revoke('jti-1', new Date('2026-11-26T10:15:00Z'));
    expect(revoked.isRevoked({ tokenId: 'jti-1' })).toBe(true);
    expect(revoked.isRevoked({ tokenId: 'jti-2' })).toBe(false);
    now = Date.parse('2026-11-26T10:15:59Z');
    expect(revoked.isRevoked({ tokenId: 'jti-1' })).toBe(true);
    now = Date.parse('2026-11-26T10:16:01Z');
    expect(revoked.isRevoked({ tokenId: 'jti-1' })).toBe(false);
    // The next revocation prunes what has expired, so memory holds only live revocations.
    revoked.revoke('jti-3', new Date('2026-11-26T10:30:00Z'));
    expect(revoked.size).toBe(1);
  });

  it('ignores a token already expired, and repeats', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    const revoked = new RevokedAccessTokens({ now: () => now });
    revoked.revoke('old', new Date('2026-11-26T09:50:00Z'));
    revoked.revoke('jti', new Date('2026-11-26T10:10:00Z'));
    revoked.revoke('jti', new Date('2026-11-26T10:10:00Z'));
    expect(revoked.size).toBe(1);
  });

  it('refuses every token of a revoked session until its last token has expired', () => {
    let now = Date.parse('2026-11-26T10:00:00Z');
    const revoked = new RevokedAccessTokens({ now: () => now });
    revoked.revokeSession('session-1', new Date('2026-11-26T10:15:00Z'));
    expect(revoked.isRevoked({ tokenId: 'jti-1', sessionId: 'session-1' })).toBe(true);
    expect(revoked.isRevoked({ tokenId: 'jti-2', sessionId: 'session-1' })).toBe(true);
    expect(revoked.isRevoked({ tokenId: 'jti-3', sessionId: 'session-2' })).toBe(false);
    // A token signed before sessions were named carries none, and only its own id counts.
    expect(revoked.isRevoked({ tokenId: 'session-1' })).toBe(false);
    // A later revocation of the same session (log out, then log out everywhere) keeps it longer.
    revoked.revokeSession('session-1', new Date('2026-11-26T10:20:00Z'));
    revoked.revokeSession('session-1', new Date('2026-11-26T10:10:00Z'));
    now = Date.parse('2026-11-26T10:20:59Z');
    expect(revoked.isRevoked({ tokenId: 'jti-1', sessionId: 'session-1' })).toBe(true);
    now = Date.parse('2026-11-26T10:21:01Z');
    expect(revoked.isRevoked({ tokenId: 'jti-1', sessionId: 'session-1' })).toBe(false);
    revoked.revoke('jti-4', new Date('2026-11-26T10:30:00Z'));
    expect(revoked.size).toBe(1);
  });

  it('makes a verifier, and any cache behind it, refuse a revoked token with UNAUTHENTICATED', async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const accepting: AccessTokenVerifier = {
      verify: (token) => Promise.resolve({ userId: 'u1', tokenId: token, expiresAt }),
    };
    const revoked = new RevokedAccessTokens();
    const verifier = refuseRevokedTokens(accepting, revoked);
    await expect(verifier.verify('jti-a')).resolves.toMatchObject({ userId: 'u1' });
    revoked.revoke('jti-a', expiresAt);
    const refusal = await verifier.verify('jti-a').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CodedError);
    expect(refusal).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'revoked' } });
    await expect(verifier.verify('jti-b')).resolves.toMatchObject({ tokenId: 'jti-b' });
  });
});
