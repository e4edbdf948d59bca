import { errorMessage } from '@cashtrack/platform';

/** Where a consumer stands: handling, draining after `stop`, done, or stopped by a fatal error. */
export type DeliveryState = 'running' | 'stopping' | 'stopped' | 'failed';

export interface PartitionStats {
  readonly topic: string;
  readonly partition: number;
  /** The next offset this consumer will handle. */
  readonly nextOffset: string;
  readonly highWatermark: string;
  readonly lag: number;
}

/** What happened to the events of one topic. */
export interface TopicCounts {
  processed: number;
  deadLettered: number;
  retries: number;
}

export interface TopicStats extends Readonly<TopicCounts> {
  readonly topic: string;
}

export interface EventConsumerStats {
  readonly state: DeliveryState;
  /** Totals over every topic. */
  readonly processed: number;
  readonly deadLettered: number;
  readonly retries: number;
  /** The same counts per topic this consumer has handled events of. */
  readonly topics: readonly TopicStats[];
  /** Messages behind the end of the partitions this member has fetched from. */
  readonly lag: number;
  readonly partitions: readonly PartitionStats[];
  readonly lastError: string | null;
}

/**
 * The counters behind `EventConsumerStats`, kept per topic as plain fields: a delivery looks its
 * topic's counts up once per batch (`countsOf`), so counting an event on the hot path stays one
 * increment; `snapshot` builds the figures, totals included, for health checks and metrics.
 */
export class DeliveryStatistics {
  lastError: string | null = null;
  private readonly positions = new Map<string, PartitionStats>();
  private readonly byTopic = new Map<string, TopicCounts>();

  /** The live counts of `topic`, to increment. */
  countsOf(topic: string): TopicCounts {
    let counts = this.byTopic.get(topic);
    if (counts === undefined) {
      counts = { processed: 0, deadLettered: 0, retries: 0 };
      this.byTopic.set(topic, counts);
    }
    return counts;
  }

  /** Totals over every topic. */
  totals(): TopicCounts {
    const totals = { processed: 0, deadLettered: 0, retries: 0 };
    for (const counts of this.byTopic.values()) {
      totals.processed += counts.processed;
      totals.deadLettered += counts.deadLettered;
      totals.retries += counts.retries;
    }
    return totals;
  }

  noteError(error: unknown): void {
    this.lastError = errorMessage(error);
  }

  /** Records that `topic[partition]` was handled up to `nextOffset` (exclusive). */
  recordPosition(
    topic: string,
    partition: number,
    nextOffset: number,
    highWatermark: string,
  ): void {
    this.positions.set(`${topic}:${partition}`, {
      topic,
      partition,
      nextOffset: String(nextOffset),
      highWatermark,
      lag: Math.max(0, Number(highWatermark) - nextOffset),
    });
  }

  /** Forgets partitions that moved to another member, so the lag is only this member's own. */
  keepPartitions(isAssigned: (topic: string, partition: number) => boolean): void {
    for (const [key, position] of this.positions) {
      if (!isAssigned(position.topic, position.partition)) this.positions.delete(key);
    }
  }

  snapshot(state: DeliveryState): EventConsumerStats {
    const partitions = [...this.positions.values()];
    return {
      state,
      ...this.totals(),
      topics: [...this.byTopic].map(([topic, counts]) => ({ topic, ...counts })),
      lag: partitions.reduce((sum, position) => sum + position.lag, 0),
      partitions,
      lastError: this.lastError,
    };
  }
}
