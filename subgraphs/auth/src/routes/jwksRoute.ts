import { sendJson, type HttpRoute } from '@cashtrack/platform/http';
import type { SigningKeyStore } from '../stores/signingKeyStore.ts';

/**
 * `GET /.well-known/jwks.json`. Verifiers cache it and refetch on an unknown `kid`; a short
 * max-age lets proxies help without hiding a rotation for long.
 */
export function jwksRoute(keys: SigningKeyStore): HttpRoute {
  return (_request, response) => {
    response.setHeader('cache-control', 'public, max-age=60');
    sendJson(response, 200, keys.jwks());
    return Promise.resolve();
  };
}
