import { randomBytes } from 'node:crypto';
import type { AccessTokenIssuer } from '../crypto/accessTokenIssuer.ts';
import {
  formatRefreshToken,
  hashRefreshSecret,
  type RefreshPolicy,
} from '../domain/refreshFamily.ts';
import type { RefreshFamilyStore } from '../stores/refreshFamilyStore.ts';

/** What signUp, logIn and refreshSession answer with (GraphQL `AuthPayload`). */
export interface AuthSession {
  readonly userId: string;
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
  /** From signUp and logIn: makes this client a known one at its next log-in (loginGuard.ts). */
  readonly deviceToken: string | null;
}

/** Who is asking, as far as auth needs to know. */
export interface RequestOrigin {
  readonly correlationId: string;
  readonly clientAddress: string;
}

/** What issuing a session takes. */
export interface SessionIssuing {
  readonly families: Pick<RefreshFamilyStore, 'start'>;
  readonly issueAccessToken: AccessTokenIssuer;
  readonly refreshPolicy: RefreshPolicy;
  readonly now: () => Date;
}

/** The refresh token's family and secret, and when it expires. */
export interface RefreshTokenGrant {
  readonly familyId: string;
  readonly secret: string;
  readonly expiresAt: Date;
}

/** Starts a refresh-token family for `userId` and signs the first access token. */
export async function startSession(deps: SessionIssuing, userId: string): Promise<AuthSession> {
  const now = deps.now();
  const grant: RefreshTokenGrant = {
    familyId: randomBytes(16).toString('base64url'),
    secret: randomBytes(32).toString('base64url'),
    expiresAt: new Date(now.getTime() + deps.refreshPolicy.lifetimeMs),
  };
  await deps.families.start({
    familyId: grant.familyId,
    userId,
    currentTokenHash: hashRefreshSecret(grant.secret),
    generation: 0,
    rotatedAt: now,
    expiresAt: grant.expiresAt,
    revokedAt: null,
  });
  return sessionOf(deps.issueAccessToken, userId, grant, now);
}

/** The session that hands out `grant`, with a fresh access token for `userId`. */
export function sessionOf(
  issueAccessToken: AccessTokenIssuer,
  userId: string,
  grant: RefreshTokenGrant,
  now: Date,
): AuthSession {
  const access = issueAccessToken(userId, grant.familyId, now);
  return {
    userId,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: formatRefreshToken(grant.familyId, grant.secret),
    refreshTokenExpiresAt: grant.expiresAt,
    deviceToken: null,
  };
}
