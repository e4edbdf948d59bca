import type { Logger, VerifiedAccessToken } from '@cashtrack/platform';
import type { AccessTokenRevocations } from '../stores/accessTokenRevocations.ts';
import type { RefreshFamilyStore } from '../stores/refreshFamilyStore.ts';
import type { RequestOrigin } from './session.ts';

export interface LogOutEverywhereDependencies {
  readonly families: Pick<RefreshFamilyStore, 'liveFamilyIdsOf' | 'revoke'>;
  readonly revocations: Pick<AccessTokenRevocations, 'revokeCallersSessions'>;
  readonly now: () => Date;
  readonly log: Logger;
}

/**
 * Ends every session of the caller's account, this one included: on every device, refresh
 * tokens stop working and access tokens are refused. Answers how many sessions it ended. Safe to
 * repeat after a failure: what an earlier attempt ended is not live any more, and the rest is
 * ended now.
 */
export async function logOutEverywhere(
  deps: LogOutEverywhereDependencies,
  caller: VerifiedAccessToken,
  origin: RequestOrigin,
): Promise<number> {
  const { userId } = caller;
  const now = deps.now();
  const sessionIds = await deps.families.liveFamilyIdsOf(userId, now);
  // The access tokens first, as logOut does: a failure leaves sessions that can be ended again.
  await deps.revocations.revokeCallersSessions(caller, sessionIds, origin.correlationId, now);
  const ended = await Promise.all(
    sessionIds.map((sessionId) => deps.families.revoke(sessionId, now, 'logOutEverywhere')),
  );
  const count = ended.filter(Boolean).length;
  deps.log.info({ userId, sessions: count }, 'logged out everywhere');
  return count;
}
