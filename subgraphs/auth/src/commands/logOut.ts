import type { Logger, VerifiedAccessToken } from '@cashtrack/platform';
import { canLogOut, parseRefreshToken, type RefreshPolicy } from '../domain/refreshFamily.ts';
import type { AccessTokenRevocations } from '../stores/accessTokenRevocations.ts';
import type { RefreshFamilyStore } from '../stores/refreshFamilyStore.ts';
import type { RequestOrigin } from './session.ts';

export interface LogOutDependencies {
  readonly families: Pick<RefreshFamilyStore, 'find' | 'revoke'>;
  /** Where `logOut` records the access tokens it ends. */
  readonly revocations: Pick<AccessTokenRevocations, 'revokeCallersSessions'>;
  /** HMAC key for refresh-token successors (stores/secretKeys.ts). */
  readonly refreshTokenKey: Buffer;
  readonly refreshPolicy: RefreshPolicy;
  readonly now: () => Date;
  readonly log: Logger;
}

/**
 * Revokes the session `refreshToken` belongs to with every access token it handed out, and the
 * access token `caller` presented, all of which every verifier refuses from then until they
 * expire; false (revoking nothing) when the session is not one of the caller's.
 */
export async function logOut(
  deps: LogOutDependencies,
  caller: VerifiedAccessToken,
  refreshToken: string,
  origin: RequestOrigin,
): Promise<boolean> {
  const { userId } = caller;
  const parsed = parseRefreshToken(refreshToken);
  if (parsed === undefined) return false;
  const family = await deps.families.find(parsed.familyId);
  const allowed = canLogOut({
    family,
    userId,
    presentedSecret: parsed.secret,
    derivationKey: deps.refreshTokenKey,
    policy: deps.refreshPolicy,
  });
  if (!allowed) return false;
  const now = deps.now();
  // The access tokens first: a failure here leaves the session alive, and the app retries.
  await deps.revocations.revokeCallersSessions(
    caller,
    [parsed.familyId],
    origin.correlationId,
    now,
  );
  await deps.families.revoke(parsed.familyId, now, 'logOut');
  deps.log.info({ userId, familyId: parsed.familyId, tokenId: caller.tokenId }, 'logged out');
  return true;
}
