import type { EventConsumerStats, TopicStats } from '@cashtrack/events';
import { Counter, Gauge, type Registry } from 'prom-client';

/** What the figures are read from: a running consumer's own statistics. */
export interface StatisticsSource {
  stats(): EventConsumerStats;
}

/**
 * Kafka consumers' figures, read from each consumer's `stats()` when scraped, so handling a
 * message costs nothing more. The counters restart at zero with a new consumer, which
 * Prometheus's `rate()` reads as a counter reset.
 */
export class ConsumerMetrics {
  private readonly consumers = new Map<string, StatisticsSource>();

  constructor(registry: Registry) {
    const consumers = this.consumers;
    const mirroredCounter = (name: string, help: string, read: (counts: TopicStats) => number) =>
      new Counter({
        name,
        help,
        labelNames: ['group', 'topic'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const [group, consumer] of consumers) {
            for (const counts of consumer.stats().topics) {
              this.inc({ group, topic: counts.topic }, read(counts));
            }
          }
        },
      });
    mirroredCounter(
      'kafka_consumer_events_handled_total',
      'Events a consumer group member handled, per topic.',
      (counts) => counts.processed,
    );
    mirroredCounter(
      'kafka_consumer_events_retried_total',
      'Handling attempts retried after a failure, per topic.',
      (counts) => counts.retries,
    );
    mirroredCounter(
      'kafka_consumer_events_dead_lettered_total',
      'Events parked on the dead-letter topic, per source topic.',
      (counts) => counts.deadLettered,
    );
    new Gauge({
      name: 'kafka_consumer_lag',
      help: 'Messages behind the partition end, per group and partition this member holds.',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [group, consumer] of consumers) {
          for (const { topic, partition, lag } of consumer.stats().partitions) {
            this.set({ group, topic, partition: String(partition) }, lag);
          }
        }
      },
    });
    new Gauge({
      name: 'kafka_consumer_running',
      help: '1 while the consumer is running; 0 while it stops, once stopped, or failed.',
      labelNames: ['group'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [group, consumer] of consumers) {
          this.set({ group }, consumer.stats().state === 'running' ? 1 : 0);
        }
      },
    });
  }

  /** Reports `consumer` as `group` from now on, in place of any earlier one of that name. */
  watch(group: string, consumer: StatisticsSource): void {
    this.consumers.set(group, consumer);
  }
}
