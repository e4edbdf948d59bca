import { z } from 'zod';
import { defineEvent } from './eventDefinition.ts';
import { rule } from './fields.ts';
import { isUtcInstant } from '../utcInstant.ts';

/**
 * Revocations of access tokens, on `cashtrack.access-token-revocations`: of one token
 * (aggregateId = its `jti`) or of every token a sign-in session handed out (aggregateId = the
 * session's id, the tokens' `sid`). Every verifier (the gateway and each subgraph) reads them
 * into memory and refuses those tokens until they expire (revocationListener.ts).
 */

const instantSchema = z
  .string()
  .superRefine(
    rule(isUtcInstant, 'must be an ISO-8601 UTC instant such as 2026-11-24T10:15:00.000Z'),
  );

/** `logOut` ended the session an access token belongs to; the token is refused until `expiresAt`. */
export const accessTokenRevoked = defineEvent({
  type: 'AccessTokenRevoked',
  topic: 'accessTokenRevocations',
  version: 1,
  payload: z.object({
    /** The token's `jti`. */
    tokenId: z.string().min(1).max(200),
    /** The token's `exp`: after it the token is refused anyway, so verifiers forget it then. */
    expiresAt: instantSchema,
  }),
  upcasters: {},
  aggregateVersion: 1,
});

/**
 * A sign-in session ended (`logOut`, `logOutEverywhere`, or a refresh token that came back after
 * it was rotated): every access token carrying its `sid` is refused until `lastExpiresAt`, when
 * the last one it can have handed out has expired.
 */
export const sessionRevoked = defineEvent({
  type: 'SessionRevoked',
  topic: 'accessTokenRevocations',
  version: 1,
  payload: z.object({
    /** The session's id: its refresh-token family, the `sid` of its access tokens. */
    sessionId: z.string().min(1).max(200),
    lastExpiresAt: instantSchema,
  }),
  upcasters: {},
  aggregateVersion: 1,
});
