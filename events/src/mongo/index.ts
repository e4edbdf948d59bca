// MongoDB: the outbox relay and idempotent read-model writes.
export { prepareOutboxCollections, relayPendingOnce, startOutboxRelay } from './outboxRelay.ts';
export type {
  OutboxCollection,
  OutboxRelay,
  OutboxRelayOptions,
  RelayPassResult,
  StartOutboxRelayOptions,
} from './outboxRelay.ts';
export { applyToReadModel, isDuplicateKey } from './projection.ts';
export { planReadModelBatch, writeAllOrConflict } from './batchProjection.ts';
export type { BatchEventResult, ReadModelBatch } from './batchProjection.ts';
export type {
  Evolve,
  ProjectionOutcome,
  ProjectionResult,
  ReadModelDocument,
} from './projection.ts';
