import type { VerifiedAccessToken } from '../accessTokens.ts';

/**
 * Access tokens that were revoked, one by one (`jti`, by `logOut`) or with their whole sign-in
 * session (`sid`, by `logOut`, `logOutEverywhere` or a reused refresh token), each remembered
 * until the last token it covers has expired: after that the token is refused for its `exp`
 * anyway. Kept in memory by every verifier (the gateway and each subgraph), fed from
 * `cashtrack.access-token-revocations`; a few bytes per log-out of the last 15 minutes.
 */
export class RevokedAccessTokens {
  /** `jti` → when it may be forgotten, in ms. */
  private readonly tokensForgetAt = new Map<string, number>();
  /** `sid` → when it may be forgotten, in ms. */
  private readonly sessionsForgetAt = new Map<string, number>();
  private nextPruneAt = 0;
  private readonly now: () => number;
  private readonly keepAfterExpiryMs: number;

  constructor(
    options: {
      readonly now?: () => number;
      /**
       * How long past `exp` a revocation is kept: verifiers accept a token up to their clock
       * tolerance (5 s) after `exp`, and hosts' clocks differ. Default 60 000.
       */
      readonly keepAfterExpiryMs?: number;
    } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.keepAfterExpiryMs = options.keepAfterExpiryMs ?? 60_000;
  }

  /** Refuses `tokenId` from now until it has expired. Repeats change nothing. */
  revoke(tokenId: string, expiresAt: Date): void {
    this.remember(this.tokensForgetAt, tokenId, expiresAt);
  }

  /**
   * Refuses every access token of the session `sessionId` from now until `lastExpiresAt`, when
   * the last one it handed out has expired. Repeats change nothing.
   */
  revokeSession(sessionId: string, lastExpiresAt: Date): void {
    this.remember(this.sessionsForgetAt, sessionId, lastExpiresAt);
  }

  isRevoked(token: Pick<VerifiedAccessToken, 'tokenId' | 'sessionId'>): boolean {
    const now = this.now();
    return (
      isRemembered(this.tokensForgetAt, token.tokenId, now) ||
      (token.sessionId !== undefined && isRemembered(this.sessionsForgetAt, token.sessionId, now))
    );
  }

  /** Revocations remembered now, of tokens and of sessions. */
  get size(): number {
    return this.tokensForgetAt.size + this.sessionsForgetAt.size;
  }

  private remember(forgetAtById: Map<string, number>, id: string, expiresAt: Date): void {
    const now = this.now();
    const forgetAt = expiresAt.getTime() + this.keepAfterExpiryMs;
    if (forgetAt <= now || (forgetAtById.get(id) ?? 0) >= forgetAt) return;
    forgetAtById.set(id, forgetAt);
    if (now >= this.nextPruneAt) this.prune(now);
  }

  /** Forgets expired revocations; at most once a minute, from `revoke`, so no timer is needed. */
  private prune(now: number): void {
    this.nextPruneAt = now + 60_000;
    for (const forgetAtById of [this.tokensForgetAt, this.sessionsForgetAt]) {
      for (const [id, forgetAt] of forgetAtById) {
        if (forgetAt <= now) forgetAtById.delete(id);
      }
    }
  }
}

function isRemembered(forgetAtById: Map<string, number>, id: string, now: number): boolean {
  const forgetAt = forgetAtById.get(id);
  return forgetAt !== undefined && forgetAt > now;
}
