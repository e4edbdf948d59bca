import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@cashtrack/platform';
import { RevokedAccessTokens } from '@cashtrack/platform/tokens';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import { createAccessTokenRevocations } from '../src/stores/accessTokenRevocations.ts';

/**
 * Auth's own record of revoked tokens and sessions, which it loads at start-up without Kafka: an
 * auth replica started after a `logOutEverywhere` refuses the ended sessions' tokens at once.
 */

let authDb: TestDatabase;
const log = createLogger('auth-test');

beforeAll(async () => {
  authDb = await mongoForTests(`${testNamespace().database}_revocations`);
});

afterAll(async () => {
  await authDb.close();
});

function revocationsOn(revoked: RevokedAccessTokens) {
  return createAccessTokenRevocations(authDb.db, { revoked, outboxWritten: () => undefined, log });
}

describe("auth's revocations", () => {
  it('are loaded by a restarted replica: sessions and single tokens alike, expired ones not', async () => {
    const now = new Date();
    const before = revocationsOn(new RevokedAccessTokens());
    await before.revokeSessions(
      [
        { userId: 'u1', sessionId: 'phone-session' },
        { userId: 'u1', sessionId: 'laptop-session' },
      ],
      'logout-everywhere-1',
      now,
    );
    await before.revoke(
      { userId: 'u1', tokenId: 'old-jti', expiresAt: new Date(now.getTime() + 60_000) },
      'logout-1',
      now,
    );
    // Repeating a revocation (a retried request) stores nothing twice.
    await before.revokeSessions([{ userId: 'u1', sessionId: 'phone-session' }], 'retry', now);

    const revoked = new RevokedAccessTokens();
    expect(await revocationsOn(revoked).load(now)).toBe(3);
    expect(revoked.isRevoked({ tokenId: 'any', sessionId: 'phone-session' })).toBe(true);
    expect(revoked.isRevoked({ tokenId: 'any', sessionId: 'laptop-session' })).toBe(true);
    expect(revoked.isRevoked({ tokenId: 'old-jti' })).toBe(true);
    expect(revoked.isRevoked({ tokenId: 'any', sessionId: 'other-session' })).toBe(false);

    // Each revocation carries its event for the relay.
    const stored = await authDb.db
      .collection<{ _id: string; outbox: { event: { type: string } }[] }>('accessTokenRevocations')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    expect(stored.map((document) => [document._id, document.outbox[0]?.event.type])).toEqual([
      ['laptop-session', 'SessionRevoked'],
      ['old-jti', 'AccessTokenRevoked'],
      ['phone-session', 'SessionRevoked'],
    ]);

    // Twenty minutes on, every token they covered has expired: nothing is left to refuse.
    const later = new Date(now.getTime() + 20 * 60_000);
    expect(await revocationsOn(new RevokedAccessTokens()).load(later)).toBe(0);
  });
});
