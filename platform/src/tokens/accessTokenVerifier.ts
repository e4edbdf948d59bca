import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  accessTokenAlgorithm,
  accessTokenUse,
  type AccessTokenAudience,
  type VerifiedAccessToken,
} from '../accessTokens.ts';
import { CodedError, errorMessage } from '../errors.ts';
import type { RevokedAccessTokens } from './revokedAccessTokens.ts';

/** Finds the public key a token's `kid` names; throws when there is none. */
export type PublicKeyLookup = (kid: string) => Promise<KeyObject | string>;

export interface AccessTokenVerifierOptions extends AccessTokenAudience {
  readonly publicKeyFor: PublicKeyLookup;
  /** Leeway for clocks that disagree between hosts, in seconds. Default 5. */
  readonly clockToleranceSeconds?: number;
}

export interface AccessTokenVerifier {
  /** Resolves who the token speaks for, or throws `CodedError('UNAUTHENTICATED')`. */
  verify(token: string): Promise<VerifiedAccessToken>;
}

/**
 * Verifies access tokens as DESIGN.md defines them. The algorithm is pinned to RS256 (so
 * `alg: none` and HS256 signed with the public key are refused before any key is used), the key is
 * chosen only by `kid`, and `iss`, `aud`, `exp`, `sub`, `jti` and `token_use` must all be right.
 * The reason a token was refused is kept in `details.reason` for logs; clients see one message.
 */
export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  const { issuer, audience, publicKeyFor, clockToleranceSeconds = 5 } = options;
  return {
    async verify(token) {
      const decoded = jwt.decode(token, { complete: true });
      if (decoded === null || typeof decoded.payload === 'string') {
        throw refused('not a JWT');
      }
      if (decoded.header.alg !== accessTokenAlgorithm) {
        throw refused(`algorithm ${decoded.header.alg} is not accepted`);
      }
      const kid = decoded.header.kid;
      if (typeof kid !== 'string' || kid === '') throw refused('no kid');
      let key: KeyObject | string;
      try {
        key = await publicKeyFor(kid);
      } catch (error) {
        throw refused(`no key for kid ${kid}: ${errorMessage(error)}`);
      }
      let payload: jwt.JwtPayload | string;
      try {
        payload = jwt.verify(token, key, {
          algorithms: [accessTokenAlgorithm],
          issuer,
          audience,
          clockTolerance: clockToleranceSeconds,
          complete: false,
        });
      } catch (error) {
        throw refused(errorMessage(error));
      }
      if (typeof payload === 'string') throw refused('payload is not a claims object');
      const claims = payload as Record<string, unknown>;
      if (claims.token_use !== accessTokenUse) throw refused('not an access token');
      if (typeof claims.sub !== 'string' || claims.sub === '') throw refused('no subject');
      if (typeof claims.jti !== 'string' || claims.jti === '') throw refused('no token id');
      if (typeof claims.exp !== 'number') throw refused('no expiry');
      const verified = {
        userId: claims.sub,
        tokenId: claims.jti,
        expiresAt: new Date(claims.exp * 1000),
      };
      if (claims.sid === undefined) return verified;
      if (typeof claims.sid !== 'string' || claims.sid === '')
        throw refused('malformed session id');
      return { ...verified, sessionId: claims.sid };
    },
  };
}

/**
 * `verifier`, refusing revoked tokens and the tokens of ended sessions (`UNAUTHENTICATED`,
 * reason `revoked`). Wrap it
 * around any cache of verified tokens, so a remembered verification cannot outlive a log-out.
 */
export function refuseRevokedTokens(
  verifier: AccessTokenVerifier,
  revoked: RevokedAccessTokens,
): AccessTokenVerifier {
  return {
    async verify(token) {
      const viewer = await verifier.verify(token);
      if (revoked.isRevoked(viewer)) throw refused('revoked');
      return viewer;
    },
  };
}

function refused(reason: string): CodedError {
  return new CodedError('UNAUTHENTICATED', 'The access token is not valid', { reason });
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
