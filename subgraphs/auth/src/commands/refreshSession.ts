import { CodedError, type Logger } from '@cashtrack/platform';
import type { AccessTokenIssuer } from '../crypto/accessTokenIssuer.ts';
import {
  decideRefresh,
  hashRefreshSecret,
  parseRefreshToken,
  type RefreshPolicy,
} from '../domain/refreshFamily.ts';
import type { AccessTokenRevocations } from '../stores/accessTokenRevocations.ts';
import type { RefreshFamilyStore } from '../stores/refreshFamilyStore.ts';
import { sessionOf, type AuthSession, type RequestOrigin } from './session.ts';

export interface RefreshSessionDependencies {
  readonly families: Pick<RefreshFamilyStore, 'find' | 'rotate' | 'revoke'>;
  /** Where a session ended for a reused refresh token has its access tokens refused. */
  readonly revocations: Pick<AccessTokenRevocations, 'revokeSessions'>;
  readonly issueAccessToken: AccessTokenIssuer;
  /** HMAC key for refresh-token successors (stores/secretKeys.ts). */
  readonly refreshTokenKey: Buffer;
  readonly refreshPolicy: RefreshPolicy;
  readonly now: () => Date;
  readonly log: Logger;
}

const invalidRefreshToken = (): CodedError =>
  new CodedError('INVALID_REFRESH_TOKEN', 'The refresh token is not valid; sign in again');

/** A refresh that lost a race rereads the family and decides again, at most this often. */
const maxRefreshConflicts = 3;

/**
 * Rotates the refresh token: the family's decider (domain/refreshFamily.ts) says whether to hand
 * out the successor, repeat the one just handed out (racing app threads), or revoke the whole
 * family, with every access token it handed out, because an old token came back (it was stolen,
 * or the app lost its successor).
 */
export async function refreshSession(
  deps: RefreshSessionDependencies,
  refreshToken: string,
  origin: Pick<RequestOrigin, 'correlationId'>,
): Promise<AuthSession> {
  const { log } = deps;
  const parsed = parseRefreshToken(refreshToken);
  if (parsed === undefined) throw invalidRefreshToken();
  for (let attempt = 0; attempt < maxRefreshConflicts; attempt += 1) {
    const family = await deps.families.find(parsed.familyId);
    const now = deps.now();
    const decision = decideRefresh({
      family,
      presentedSecret: parsed.secret,
      derivationKey: deps.refreshTokenKey,
      now,
      policy: deps.refreshPolicy,
    });
    switch (decision.kind) {
      case 'refused':
        log.info({ familyId: parsed.familyId, reason: decision.reason }, 'refresh refused');
        throw invalidRefreshToken();
      case 'reuseDetected':
        if (family !== null) {
          await deps.revocations.revokeSessions(
            [{ userId: family.userId, sessionId: parsed.familyId }],
            origin.correlationId,
            now,
          );
        }
        await deps.families.revoke(parsed.familyId, now, 'reuse');
        log.warn(
          {
            familyId: parsed.familyId,
            userId: family?.userId,
            stepsBehind: decision.stepsBehind,
          },
          'refresh token reused; session family revoked',
        );
        throw invalidRefreshToken();
      case 'rotate': {
        if (family === null) throw invalidRefreshToken();
        const rotated = await deps.families.rotate(family, family.currentTokenHash, {
          tokenHash: hashRefreshSecret(decision.successor),
          rotatedAt: now,
          expiresAt: decision.expiresAt,
        });
        // Lost the race to a concurrent refresh with the same token: decide again on what
        // that one wrote (it becomes a repeatRotation, answered with the same successor).
        if (!rotated) continue;
        return sessionOf(
          deps.issueAccessToken,
          family.userId,
          { familyId: parsed.familyId, secret: decision.successor, expiresAt: decision.expiresAt },
          now,
        );
      }
      case 'repeatRotation':
        if (family === null) throw invalidRefreshToken();
        log.info(
          { familyId: parsed.familyId },
          'concurrent refresh answered with the same successor',
        );
        return sessionOf(
          deps.issueAccessToken,
          family.userId,
          { familyId: parsed.familyId, secret: decision.successor, expiresAt: decision.expiresAt },
          now,
        );
    }
  }
  throw new CodedError('REFRESH_CONFLICT', 'The session changed too often at once; try again');
}
