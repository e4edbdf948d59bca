import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { clientErrorCode } from '@cashtrack/platform/graphql';
import { askedToEndSession } from './sessionEndingFields.ts';

/** The header the web app sends to ask for its refresh token to be kept in a cookie. */
export const sessionCookieHeader = 'x-cashtrack-session';
/** What the web app sends as `refreshToken`: "take the one in my cookie". */
export const cookieTokenPlaceholder = 'cookie';
export const refreshCookieName = 'cashtrack_refresh';

/**
 * The web app's refresh token in an httpOnly cookie, out of reach of every script on the page.
 *
 * Only for requests carrying `x-cashtrack-session: cookie` (the app's web build; phones keep
 * theirs in the secure store and send it as before):
 * - an answer holding an AuthPayload (signUp, logIn, refreshSession, under any alias) moves its
 *   `refreshToken` into `Set-Cookie: cashtrack_refresh=…; HttpOnly; SameSite=Strict;
 *   Path=/graphql` and answers an empty string in its place;
 * - a `$refreshToken` variable equal to "cookie" (refreshSession, logOut) is replaced by the
 *   cookie's value before the operation runs;
 * - logOut or logOutEverywhere (under any alias, through fragments), or a refused refresh,
 *   clears the cookie.
 * The cookie is `Secure` when the request came over HTTPS (`x-forwarded-proto: https` from a
 * proxy in front). SameSite=Strict and Apollo's CSRF prevention keep other sites from using it.
 */
export function sessionCookie<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const headers = request.http?.headers;
      if (headers?.get(sessionCookieHeader) !== 'cookie') return undefined;
      const variables = request.variables;
      if (variables !== undefined && variables.refreshToken === cookieTokenPlaceholder) {
        variables.refreshToken = readCookie(headers.get('cookie'), refreshCookieName) ?? '';
      }
      const secure = headers.get('x-forwarded-proto') === 'https';
      return {
        async willSendResponse({ operation, document, response, errors }) {
          if (response.body.kind !== 'single') return;
          const data = response.body.singleResult.data;
          let cookie: string | undefined;
          for (const value of Object.values(data ?? {})) {
            if (!isAuthPayload(value)) continue;
            const expires = Date.parse(value.refreshTokenExpiresAt);
            const maxAge = Number.isFinite(expires)
              ? Math.max(0, Math.floor((expires - Date.now()) / 1000))
              : 7 * 24 * 3600;
            cookie = serialize(value.refreshToken, maxAge, secure);
            value.refreshToken = '';
          }
          const refused = (errors ?? []).some(
            (error) => clientErrorCode(error) === 'INVALID_REFRESH_TOKEN',
          );
          const loggedOut =
            data != null &&
            operation !== undefined &&
            document !== undefined &&
            askedToEndSession(operation, document, data);
          if (cookie === undefined && (refused || loggedOut)) {
            cookie = serialize('', 0, secure);
          }
          if (cookie !== undefined) response.http.headers.set('set-cookie', cookie);
        },
      };
    },
  };
}

function isAuthPayload(
  value: unknown,
): value is { refreshToken: string; refreshTokenExpiresAt: string } {
  if (typeof value !== 'object' || value === null) return false;
  const payload = value as Record<string, unknown>;
  return (
    typeof payload.refreshToken === 'string' &&
    payload.refreshToken.length > 0 &&
    typeof payload.refreshTokenExpiresAt === 'string'
  );
}

function serialize(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${refreshCookieName}=${encodeURIComponent(token)}`,
    `Max-Age=${maxAgeSeconds}`,
    'Path=/graphql',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
