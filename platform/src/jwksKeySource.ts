import jwksClient from 'jwks-rsa';
import type { PublicKeyLookup } from './accessTokenVerifier.ts';

export interface JwksKeySourceOptions {
  /** Auth's key set, e.g. `http://127.0.0.1:4001/.well-known/jwks.json`. */
  readonly jwksUrl: string;
  /** How long a fetched key is trusted before the set is fetched again, in ms. Default 600 000. */
  readonly cacheMaxAgeMs?: number;
  /**
   * Fetches per minute for kids not in the cache. Default 10: enough to pick up a rotated key at
   * once, too few for a flood of tokens with made-up kids to hammer auth.
   */
  readonly requestsPerMinute?: number;
  /** Timeout of one JWKS fetch, in ms. Default 5 000. */
  readonly timeoutMs?: number;
}

/**
 * Public keys from auth's JWKS through jwks-rsa: cached per kid, and fetched afresh when a token
 * names a kid the cache does not hold (a key auth has just rotated in).
 */
export function jwksKeySource(options: JwksKeySourceOptions): PublicKeyLookup {
  const client = jwksClient({
    jwksUri: options.jwksUrl,
    cache: true,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    rateLimit: true,
    jwksRequestsPerMinute: options.requestsPerMinute ?? 10,
    timeout: options.timeoutMs ?? 5_000,
  });
  return async (kid) => (await client.getSigningKey(kid)).getPublicKey();
}
