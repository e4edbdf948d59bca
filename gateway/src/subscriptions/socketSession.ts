import type { AccessTokenVerifier } from '@cashtrack/platform/tokens';
import type { VerifiedAccessToken } from '@cashtrack/platform';
import { bearerToken } from '@cashtrack/platform/tokens';

/**
 * Who a subscription socket speaks for, and until when. The socket is closed when the token
 * expires unless the client renews it in-band with a fresh token for the same user.
 */
export interface SocketSession {
  readonly authorization: string;
  readonly viewer: VerifiedAccessToken;
}

export type RenewalOutcome = 'renewed' | 'ignored' | 'refused';

/** Verifies `connectionParams.authorization` (or `Authorization`) at connection_init. */
export async function openSocketSession(
  verifier: AccessTokenVerifier,
  connectionParams: Readonly<Record<string, unknown>> | undefined,
): Promise<SocketSession | undefined> {
  const authorization = authorizationIn(connectionParams);
  const token = bearerToken(authorization);
  if (authorization === undefined || token === undefined) return undefined;
  try {
    return { authorization, viewer: await verifier.verify(token) };
  } catch {
    return undefined;
  }
}

/**
 * A ping whose payload carries `authorization` renews the session: a valid token for the same
 * user replaces it (`renewed`); a ping without one is an ordinary keep-alive (`ignored`); an
 * invalid token or another user's is `refused`.
 */
export async function renewSocketSession(
  verifier: AccessTokenVerifier,
  current: SocketSession,
  pingPayload: Readonly<Record<string, unknown>> | undefined,
): Promise<{ outcome: RenewalOutcome; session: SocketSession }> {
  if (authorizationIn(pingPayload) === undefined) return { outcome: 'ignored', session: current };
  const renewed = await openSocketSession(verifier, pingPayload);
  if (renewed === undefined || renewed.viewer.userId !== current.viewer.userId) {
    return { outcome: 'refused', session: current };
  }
  return { outcome: 'renewed', session: renewed };
}

function authorizationIn(
  params: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}
