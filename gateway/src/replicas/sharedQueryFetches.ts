/**
 * Identical subgraph queries of one user, in flight at the same time, share one fetch: an app
 * that opens on three screens at once, or retries while its first request is still out, costs
 * the subgraph one answer.
 *
 * Read-your-writes is kept: the gateway calls `mutationCompleted(userId)` when a mutation of that
 * user has finished (before its answer is sent), and from then on no request can join a fetch
 * that began before it; those fetches still answer the requests that started them. A request
 * that could see the mutation's answer therefore starts a fetch of its own or joins one that
 * began after the write. Which fetches may be shared at all (queries only, within one token) is
 * the caller's decision, made into the key it passes.
 *
 * The first caller's answer is handed to each joiner as its own copy (`copy`), and to the first
 * caller too once anybody joined, since the gateway merges later fetches into an answer in place.
 */
export class SharedQueryFetches<Answer> {
  /** Fetches in flight, by user id, then by key. */
  private readonly inFlight = new Map<string, Map<string, InFlight<Answer>>>();

  constructor(private readonly copy: (answer: Answer) => Answer) {}

  /** `fetch()`'s answer, or a copy of an identical fetch of this user's already in flight. */
  fetch(userId: string, key: string, fetch: () => Promise<Answer>): Promise<Answer> {
    const running = this.inFlight.get(userId)?.get(key);
    if (running !== undefined) {
      running.joiners += 1;
      return running.answer.then(this.copy);
    }
    const entry: InFlight<Answer> = { answer: fetch(), joiners: 0 };
    let ofUser = this.inFlight.get(userId);
    if (ofUser === undefined) {
      ofUser = new Map();
      this.inFlight.set(userId, ofUser);
    }
    ofUser.set(key, entry);
    const settled = (): void => this.forget(userId, key, entry);
    // Registered before any joiner's, so it runs first once the answer is in: nobody joins
    // after it, and the first caller takes a copy whenever a joiner will read the original.
    return entry.answer.then(
      (answer) => {
        settled();
        return entry.joiners === 0 ? answer : this.copy(answer);
      },
      (error: unknown) => {
        settled();
        throw error;
      },
    );
  }

  /** A mutation of this user has completed: fetches that began before it take no one new. */
  mutationCompleted(userId: string): void {
    this.inFlight.delete(userId);
  }

  /** Fetches in flight now that others may still join (for tests and metrics). */
  joinable(): number {
    let count = 0;
    for (const ofUser of this.inFlight.values()) count += ofUser.size;
    return count;
  }

  private forget(userId: string, key: string, entry: InFlight<Answer>): void {
    const ofUser = this.inFlight.get(userId);
    if (ofUser?.get(key) !== entry) return;
    ofUser.delete(key);
    if (ofUser.size === 0) this.inFlight.delete(userId);
  }
}

interface InFlight<Answer> {
  readonly answer: Promise<Answer>;
  joiners: number;
}
