import { z } from 'zod';
import { defineEvent } from './eventDefinition.ts';
import { rule } from './fields.ts';
import { isUtcInstant } from '../utcInstant.ts';

/**
 * Events of one access token (aggregateId = the token's `jti`), on
 * `cashtrack.access-token-revocations`. Every verifier (the gateway and each subgraph) reads them
 * into memory and refuses the token until it expires (revocationListener.ts).
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
