/**
 * Access tokens `logOut` revoked, by `jti`, each remembered until it expires: after that the
 * token is refused for its `exp` anyway. Kept in memory by every verifier (the gateway and each
 * subgraph), fed from `cashtrack.access-token-revocations`; a few bytes per log-out of the last
 * 15 minutes.
 */
export class RevokedAccessTokens {
  /** `jti` → when it may be forgotten, in ms. */
  private readonly forgetAt = new Map<string, number>();
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
    const now = this.now();
    const forgetAt = expiresAt.getTime() + this.keepAfterExpiryMs;
    if (forgetAt <= now || this.forgetAt.has(tokenId)) return;
    this.forgetAt.set(tokenId, forgetAt);
    if (now >= this.nextPruneAt) this.prune(now);
  }

  isRevoked(tokenId: string): boolean {
    const forgetAt = this.forgetAt.get(tokenId);
    return forgetAt !== undefined && forgetAt > this.now();
  }

  /** Revocations remembered now. */
  get size(): number {
    return this.forgetAt.size;
  }

  /** Forgets expired revocations; at most once a minute, from `revoke`, so no timer is needed. */
  private prune(now: number): void {
    this.nextPruneAt = now + 60_000;
    for (const [tokenId, forgetAt] of this.forgetAt) {
      if (forgetAt <= now) this.forgetAt.delete(tokenId);
    }
  }
}
