import type { VerifiedAccessToken } from '../accessTokens.ts';
import type { AccessTokenVerifier } from './accessTokenVerifier.ts';

export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; the least recently used is forgotten past this. Default 10 000. */
  readonly maxTokens?: number;
  /**
   * Longest a verification is reused, in ms, however far off the token's expiry: a key auth
   * stops publishing is refused within about this long plus the JWKS cache's age. Default 60 000.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/**
 * Remembers tokens `verifier` accepted, so a client sending the same access token with every
 * request costs one signature check per token and minute rather than one per request: at the
 * gateway, and at each subgraph, which verifies the token of every fetch the gateway makes. A token is
 * answered from memory only before its own expiry and within `maxAgeMs` of its verification;
 * refused tokens are never remembered, so each refusal is checked and logged as before.
 */
export function cacheVerifiedTokens(
  verifier: AccessTokenVerifier,
  options: VerifiedTokenCacheOptions = {},
): AccessTokenVerifier {
  const maxTokens = options.maxTokens ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const verified = new Map<string, { viewer: VerifiedAccessToken; until: number }>();
  return {
    async verify(token) {
      const time = now();
      const known = verified.get(token);
      if (known !== undefined) {
        verified.delete(token);
        if (time < known.until) {
          verified.set(token, known);
          return known.viewer;
        }
      }
      const viewer = await verifier.verify(token);
      verified.set(token, {
        viewer,
        until: Math.min(viewer.expiresAt.getTime(), time + maxAgeMs),
      });
      if (verified.size > maxTokens) {
        const oldest = verified.keys().next();
        if (oldest.done !== true) verified.delete(oldest.value);
      }
      return viewer;
    },
  };
}
