import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  accessTokenAlgorithm,
  accessTokenLifetimeSeconds,
  accessTokenUse,
  type AccessTokenAudience,
} from '@cashtrack/platform';
import type { SigningKeyStore } from '../stores/signingKeyStore.ts';

export interface IssuedAccessToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** Signs an access token for `userId` in the sign-in session (refresh-token family) `sessionId`. */
export type AccessTokenIssuer = (userId: string, sessionId: string, now: Date) => IssuedAccessToken;

/**
 * Signs 15-minute RS256 access tokens with the current signing key, naming it in `kid`, and
 * their session in `sid`, so ending the session refuses them all.
 */
export function createAccessTokenIssuer(
  keys: SigningKeyStore,
  audience: AccessTokenAudience,
): AccessTokenIssuer {
  return (userId, sessionId, now) => {
    const { kid, privateKey } = keys.signingKey();
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = issuedAt + accessTokenLifetimeSeconds;
    const token = jwt.sign(
      { token_use: accessTokenUse, iat: issuedAt, exp: expiresAt, sid: sessionId },
      privateKey,
      {
        algorithm: accessTokenAlgorithm,
        keyid: kid,
        issuer: audience.issuer,
        audience: audience.audience,
        subject: userId,
        jwtid: randomUUID(),
      },
    );
    return { token, expiresAt: new Date(expiresAt * 1000) };
  };
}
