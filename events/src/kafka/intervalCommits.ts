import type { Logger } from '@cashtrack/platform';

/** A partition's next offset to read, as Kafka's OffsetCommit takes it (the handled one + 1). */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface IntervalCommitsOptions {
  /** How long a handled offset may wait for its commit. */
  readonly intervalMs: number;
  /** Sends one OffsetCommit; rejects if the broker refused it. */
  readonly commit: (offsets: readonly PartitionOffset[]) => Promise<void>;
  /** False once nothing more may be committed (the consumer failed). */
  readonly mayCommit: () => boolean;
  readonly logger: Logger;
}

export interface IntervalCommits {
  /** Notes `offset` of `topic`/`partition` as handled; it is committed within the interval. */
  handled(topic: string, partition: number, offset: string): void;
  /** Forgets the partitions this member no longer owns: their new owner commits them. */
  keepPartitions(owned: (topic: string, partition: number) => boolean): void;
  /** Commits everything handled so far, now; resolves once the broker has it (or refused it). */
  flush(): Promise<void>;
  /** Drops the pending timer; what is not committed yet stays uncommitted. */
  cancel(): void;
}

const keyOf = (topic: string, partition: number): string => `${partition}\u0000${topic}`;

/**
 * Commits handled offsets once per interval, off the fetch path. kafkajs with `autoCommit`
 * sends an OffsetCommit after every batch and only then fetches again, so at a few events a
 * second each event waited for a commit round trip (the projector's and parser's "fetch" hop
 * in `bench:subscriptions`). A crash now redelivers at most the events handled in the last
 * interval, which the handlers take idempotently; a clean stop and a rebalance flush first.
 * Commits never overlap, and a failed one leaves its offsets pending for the next.
 */
export function createIntervalCommits(options: IntervalCommitsOptions): IntervalCommits {
  const { intervalMs, commit, mayCommit, logger } = options;
  const pending = new Map<string, PartitionOffset>();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  async function commitPending(): Promise<void> {
    if (pending.size === 0 || !mayCommit()) return;
    const sent = [...pending.values()];
    try {
      await commit(sent);
      for (const offset of sent) {
        const key = keyOf(offset.topic, offset.partition);
        if (pending.get(key) === offset) pending.delete(key);
      }
    } catch (error) {
      // Still pending: the next commit carries it, or the next owner reads it again.
      logger.warn({ err: error, partitions: sent.length }, 'offset commit failed; kept pending');
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    inFlight = inFlight.then(commitPending);
    return inFlight;
  }

  return {
    handled(topic, partition, offset) {
      pending.set(keyOf(topic, partition), {
        topic,
        partition,
        offset: (BigInt(offset) + 1n).toString(),
      });
      if (timer !== undefined) return;
      timer = setTimeout(() => void flush(), intervalMs);
      // A pending commit must not keep a process alive that has nothing else to do.
      timer.unref();
    },
    keepPartitions(owned) {
      for (const [key, offset] of pending) {
        if (!owned(offset.topic, offset.partition)) pending.delete(key);
      }
    },
    flush,
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
