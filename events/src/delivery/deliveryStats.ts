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

export interface EventConsumerStats {
  readonly state: DeliveryState;
  readonly processed: number;
  readonly deadLettered: number;
  readonly retries: number;
  /** Messages behind the end of the partitions this member has fetched from. */
  readonly lag: number;
  readonly partitions: readonly PartitionStats[];
  readonly lastError: string | null;
}

/**
 * The counters behind `EventConsumerStats`, kept as plain fields so counting an event on the hot
 * path is one increment; `snapshot` builds the figures for health checks.
 */
export class DeliveryStatistics {
  processed = 0;
  deadLettered = 0;
  retries = 0;
  lastError: string | null = null;
  private readonly positions = new Map<string, PartitionStats>();

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
      processed: this.processed,
      deadLettered: this.deadLettered,
      retries: this.retries,
      lag: partitions.reduce((sum, position) => sum + position.lag, 0),
      partitions,
      lastError: this.lastError,
    };
  }
}
