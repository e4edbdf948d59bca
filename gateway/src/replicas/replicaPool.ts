/**
 * The replicas of one subgraph, handed out round-robin. A replica that fails to connect is
 * benched for `cooldownMs` and tried only when every other replica is benched too, so a dead
 * replica costs at most one failed attempt per cooldown, never a failed request.
 */
export class ReplicaPool {
  private next = 0;
  private readonly benchedUntil = new Map<string, number>();

  constructor(
    readonly urls: readonly string[],
    private readonly cooldownMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {
    if (urls.length === 0) throw new Error('a replica pool needs at least one URL');
  }

  /** Every replica, in the order to try them for one request: healthy ones first, round-robin. */
  candidates(): string[] {
    const start = this.next;
    this.next = (this.next + 1) % this.urls.length;
    const rotated = [...this.urls.slice(start), ...this.urls.slice(0, start)];
    const time = this.now();
    const healthy = rotated.filter((url) => (this.benchedUntil.get(url) ?? 0) <= time);
    return [...healthy, ...rotated.filter((url) => !healthy.includes(url))];
  }

  failed(url: string): void {
    this.benchedUntil.set(url, this.now() + this.cooldownMs);
  }

  succeeded(url: string): void {
    this.benchedUntil.delete(url);
  }
}
