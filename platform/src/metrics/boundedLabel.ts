/**
 * Label values taken from what callers send (operation names, error codes) are kept to the
 * first `capacity` distinct ones; later newcomers all read `other`. A Prometheus series per
 * distinct value costs memory in every scraper, so no caller may mint them without end.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity: number) {}

  valueFor(candidate: string): string {
    if (this.seen.has(candidate)) return candidate;
    if (this.seen.size >= this.capacity) return 'other';
    this.seen.add(candidate);
    return candidate;
  }
}
