// Kafka plumbing: topics, the producer, the consumer adapter over the delivery core, rebuilds
// from a topic, and the access-token revocation listener every verifier runs.
export { ensureTopics } from './ensureTopics.ts';
export type { EnsureTopicsOptions } from './ensureTopics.ts';
export { createEventProducer } from './producer.ts';
export type { EventProducer, EventProducerOptions } from './producer.ts';
export { runEventConsumer } from './eventConsumer.ts';
export type { EventConsumer, EventConsumerOptions } from './eventConsumer.ts';
export { createIntervalCommits } from './intervalCommits.ts';
export type { IntervalCommits, PartitionOffset } from './intervalCommits.ts';
export { rebuildReadModel } from './replay.ts';
export type { RebuildReadModelOptions, RebuildResult } from './replay.ts';
export { startRevocationListener } from './revocationListener.ts';
export type { RevocationListener, RevocationListenerOptions } from './revocationListener.ts';
