import { createHash, createHmac } from 'node:crypto';

/**
 * Refresh-token families (RFC 9700, section 4.14.2). Signing in starts a family; each refresh
 * rotates its one live token. Only the SHA-256 of the live token is stored.
 *
 * Successors are derived, not drawn at random: `successor = HMAC-SHA256(derivationKey, token)`.
 * That gives the two properties we need without keeping any token in readable form:
 * - a token of the family that was already rotated can be recognised (derive forward from it and
 *   meet the stored hash), so presenting it is detected as reuse and revokes the family, while a
 *   made-up token is merely refused;
 * - two refreshes racing with the same token (an app resuming on two threads) both get the SAME
 *   successor: the second arrives after the first rotated, finds its token one step behind within
 *   the grace window, and re-derives the token the first was given. The family stays valid and
 *   both threads hold the one live token.
 * The first token of a family is 32 random bytes; without the derivation key (kept by auth)
 * nobody can compute a successor.
 */

export interface RefreshFamily {
  readonly familyId: string;
  readonly userId: string;
  /** SHA-256 (base64url) of the one live token. */
  readonly currentTokenHash: string;
  /** Rotations so far; also bounds how far back reuse detection derives. */
  readonly generation: number;
  /** When the live token was issued. */
  readonly rotatedAt: Date;
  /** When the live token stops working. */
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export interface RefreshPolicy {
  /** A token's lifetime from its issue. */
  readonly lifetimeMs: number;
  /** How long after a rotation the previous token still returns the same successor. */
  readonly graceMs: number;
  /** How many rotations back a presented token is still recognised as this family's. */
  readonly reuseLookback: number;
}

export type RefreshDecision =
  /** The live token: rotate to `successor` (a conditional write on `currentTokenHash`). */
  | { readonly kind: 'rotate'; readonly successor: string; readonly expiresAt: Date }
  /** The previous token within the grace window: answer with the live token again. */
  | { readonly kind: 'repeatRotation'; readonly successor: string; readonly expiresAt: Date }
  /** A token of this family that was rotated before: revoke the family. */
  | { readonly kind: 'reuseDetected'; readonly stepsBehind: number }
  | { readonly kind: 'refused'; readonly reason: 'unknown' | 'revoked' | 'expired' };

export function hashRefreshSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function successorSecret(derivationKey: Buffer, secret: string): string {
  return createHmac('sha256', derivationKey).update(secret).digest('base64url');
}

export function decideRefresh(input: {
  readonly family: RefreshFamily | null;
  readonly presentedSecret: string;
  readonly derivationKey: Buffer;
  readonly now: Date;
  readonly policy: RefreshPolicy;
}): RefreshDecision {
  const { family, presentedSecret, derivationKey, now, policy } = input;
  if (family === null) return { kind: 'refused', reason: 'unknown' };
  if (family.revokedAt !== null) return { kind: 'refused', reason: 'revoked' };
  if (now.getTime() >= family.expiresAt.getTime()) return { kind: 'refused', reason: 'expired' };

  const stepsBehind = stepsBehindLiveToken(family, presentedSecret, derivationKey, policy);
  if (stepsBehind === undefined) return { kind: 'refused', reason: 'unknown' };
  if (stepsBehind === 0) {
    return {
      kind: 'rotate',
      successor: successorSecret(derivationKey, presentedSecret),
      expiresAt: new Date(now.getTime() + policy.lifetimeMs),
    };
  }
  const withinGrace = now.getTime() - family.rotatedAt.getTime() <= policy.graceMs;
  if (stepsBehind === 1 && withinGrace) {
    return {
      kind: 'repeatRotation',
      successor: successorSecret(derivationKey, presentedSecret),
      expiresAt: family.expiresAt,
    };
  }
  return { kind: 'reuseDetected', stepsBehind };
}

/**
 * How many rotations ago `secret` was live (0: it is live now), or undefined if it was never
 * this family's (or longer ago than `policy.reuseLookback`).
 */
function stepsBehindLiveToken(
  family: RefreshFamily,
  secret: string,
  derivationKey: Buffer,
  policy: RefreshPolicy,
): number | undefined {
  if (hashRefreshSecret(secret) === family.currentTokenHash) return 0;
  let candidate = secret;
  const limit = Math.min(family.generation, policy.reuseLookback);
  for (let steps = 1; steps <= limit; steps += 1) {
    candidate = successorSecret(derivationKey, candidate);
    if (hashRefreshSecret(candidate) === family.currentTokenHash) return steps;
  }
  return undefined;
}

/**
 * May `userId` log out with `secret`? Only the family's owner, holding one of its tokens (the
 * live one or an earlier one), whatever state the family is in: logging out twice is harmless.
 */
export function canLogOut(input: {
  readonly family: RefreshFamily | null;
  readonly userId: string;
  readonly presentedSecret: string;
  readonly derivationKey: Buffer;
  readonly policy: RefreshPolicy;
}): boolean {
  const { family } = input;
  if (family === null || family.userId !== input.userId) return false;
  return (
    stepsBehindLiveToken(family, input.presentedSecret, input.derivationKey, input.policy) !==
    undefined
  );
}

/** A refresh token as the client holds it: `<familyId>.<secret>`, opaque to the client. */
export function formatRefreshToken(familyId: string, secret: string): string {
  return `${familyId}.${secret}`;
}

const refreshTokenShape = /^([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43,128})$/;

export function parseRefreshToken(
  token: string,
): { readonly familyId: string; readonly secret: string } | undefined {
  const match = refreshTokenShape.exec(token.trim());
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  return { familyId: match[1], secret: match[2] };
}
