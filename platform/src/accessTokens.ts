import { readSettings } from './config/setting.ts';
import { accessTokenAudienceSettings } from './config/sharedSettings.ts';

/**
 * The access-token contract between auth (which signs) and every service that verifies: the
 * gateway and each subgraph. Access tokens are RS256 JWTs, valid 15 minutes, carrying `sub` (the
 * user id), `iss`, `aud`, `iat`, `exp`, `jti`, `sid` (the sign-in session it was issued for) and
 * `token_use: "access"`, and a `kid` header naming the key in auth's JWKS.
 */
export const accessTokenAlgorithm = 'RS256';

/** The claim that tells an access token from any other JWT our keys might ever sign. */
export const accessTokenUse = 'access';

export const accessTokenLifetimeSeconds = 15 * 60;

/**
 * The response extension under which auth reports the access token it just issued. The gateway
 * reads it to authorise the follow-up fetch of `AuthPayload.user` from the user subgraph (which,
 * like every subgraph, serves a profile only to its owner's token), and never passes it on to the
 * client.
 */
export const issuedAccessTokenExtension = 'issuedAccessToken';

export interface AccessTokenClaims {
  readonly sub: string;
  readonly iss: string;
  readonly aud: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly sid: string;
  readonly token_use: typeof accessTokenUse;
}

/** Who a verified access token speaks for. */
export interface VerifiedAccessToken {
  readonly userId: string;
  /** The token's `jti`. */
  readonly tokenId: string;
  /**
   * The token's `sid`: the sign-in session (refresh-token family) it was issued for, so ending
   * the session refuses every access token it handed out. Absent from tokens signed before
   * sessions were named; those are refused by `jti` alone.
   */
  readonly sessionId?: string;
  readonly expiresAt: Date;
}

export interface AccessTokenAudience {
  /** `iss` auth writes and verifiers demand. `AUTH_ISSUER`, default `cashtrack-auth`. */
  readonly issuer: string;
  /** `aud` auth writes and verifiers demand. `AUTH_AUDIENCE`, default `cashtrack-api`. */
  readonly audience: string;
}

/** Issuer and audience from the environment, the same for signer and verifiers. */
export function accessTokenAudienceFromEnv(): AccessTokenAudience {
  return readSettings(accessTokenAudienceSettings);
}
