import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { PublicKeyLookup } from './accessTokenVerifier.ts';
import { CodedError } from '../errors.ts';

export interface JwksKeySourceOptions {
  /** Auth's key set, e.g. `http://127.0.0.1:4001/.well-known/jwks.json`. */
  readonly jwksUrl: string;
  /** How long a fetched set is used before it is fetched again, in ms. Default 600 000. */
  readonly cacheMaxAgeMs?: number;
  /**
   * Shortest pause between fetches caused by kids not in the cache, in ms. Default 5 000: a
   * rotated key is picked up at once, but a flood of tokens with made-up kids cannot hammer auth.
   */
  readonly minRefetchIntervalMs?: number;
  /** Timeout of one fetch, in ms. Default 5 000. */
  readonly timeoutMs?: number;
}

interface JwksDocument {
  readonly keys?: readonly (JsonWebKey & { kid?: string; use?: string; alg?: string })[];
}

/**
 * Public keys from auth's JWKS, cached per kid and fetched afresh when a token names a kid the
 * cache does not hold (a key auth has just rotated in).
 *
 * Written on node:crypto and fetch rather than with jwks-rsa: jwks-rsa 4 loads the ESM-only `jose`
 * through require(), which Node 20.19+ allows but Jest 29's module runtime does not, so every
 * test importing @cashtrack/platform failed to load.
 */
export function jwksKeySource(options: JwksKeySourceOptions): PublicKeyLookup {
  const maxAgeMs = options.cacheMaxAgeMs ?? 600_000;
  const minRefetchMs = options.minRefetchIntervalMs ?? 5_000;
  let keys = new Map<string, KeyObject>();
  let fetchedAt = 0;
  let inFlight: Promise<void> | undefined;

  const refetch = (): Promise<void> => {
    inFlight ??= (async () => {
      try {
        const response = await fetch(options.jwksUrl, {
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
        const document = (await response.json()) as JwksDocument;
        const next = new Map<string, KeyObject>();
        for (const jwk of document.keys ?? []) {
          if (typeof jwk.kid !== 'string' || jwk.kty !== 'RSA') continue;
          if (jwk.use !== undefined && jwk.use !== 'sig') continue;
          next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
        }
        keys = next;
        fetchedAt = Date.now();
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  return async (kid) => {
    const age = Date.now() - fetchedAt;
    if (age >= maxAgeMs || (!keys.has(kid) && age >= minRefetchMs)) {
      try {
        await refetch();
      } catch (error) {
        // A stale set keeps working through a short auth outage; an empty one cannot.
        if (keys.size === 0) throw error;
      }
    }
    const key = keys.get(kid);
    if (key === undefined) throw new CodedError('UNKNOWN_KEY', `No published key ${kid}`);
    return key;
  };
}
