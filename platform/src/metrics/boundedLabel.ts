/**
 * Label values taken from what callers send (operation names, error codes): values that stand
 * for a `known` one always count as themselves, and of the rest only the first `capacity`
 * distinct ones do; later newcomers all read `other`. A Prometheus series per distinct value
 * costs memory in every scraper, so no caller may mint them without end; and since newcomers are
 * served first come, known values stay out of that race, so junk sent first cannot push them
 * into `other`.
 */
export class BoundedLabel {
  private readonly admitted = new Set<string>();

  /**
   * `knownOf` says which known value a candidate stands for: by default itself; on a subgraph,
   * the client's operation a gateway planned it from (`LogExpense__expense__0`: `LogExpense`).
   */
  constructor(
    private readonly capacity: number,
    private readonly known: ReadonlySet<string> = new Set(),
    private readonly knownOf: (candidate: string) => string = (candidate) => candidate,
  ) {}

  valueFor(candidate: string): string {
    if (this.admitted.has(candidate) || this.known.has(this.knownOf(candidate))) return candidate;
    if (this.admitted.size >= this.capacity) return 'other';
    this.admitted.add(candidate);
    return candidate;
  }
}
