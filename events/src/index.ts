export { categories, isCategory } from './categories.ts';
export type { Category } from './categories.ts';
export {
  assertAmountInRange,
  currencyDigits,
  formatMinor,
  isCurrency,
  maxAmountMajor,
  parseAmountToMinor,
} from './money.ts';
export { isTimeZone } from './timeZones.ts';
export { isCalendarDate } from './calendarDate.ts';
export { isEmailAddress, maxEmailLength } from './emailAddress.ts';
export {
  forbiddenCharacterIn,
  isSafeText,
  refuseUnsafeText,
  stripForbiddenCharacters,
} from './safeText.ts';
export type { TextKind } from './safeText.ts';

// Contracts: the envelope, the event types and the codec.
export type { EventEnvelope } from './envelope.ts';
export {
  eventCatalog,
  eventTypes,
  isEventType,
  topicForEventType,
  currentVersion,
} from './eventCatalog.ts';
export type { CashTrackEvent, EventOfType, EventType, PayloadOf } from './eventCatalog.ts';
export { newEvent, causedBy } from './newEvent.ts';
export type { NewEventInput } from './newEvent.ts';
export { encodeEvent, decodeEvent, parseEvent } from './codec.ts';
export type { EncodedEvent, EventHeaders, EventMessage } from './codec.ts';
export { EventValidationError } from './eventValidationError.ts';
export type { EventIssue } from './eventValidationError.ts';

// Topics.
export { topics, topicNames, allTopicNames, deadLetterTopic } from './topics.ts';
export type { TopicKey, TopicName } from './topics.ts';

// Delivery contracts: what a handler receives and how failures are classified. The Kafka side is
// in '@cashtrack/events/kafka', the MongoDB side in '@cashtrack/events/mongo'.
export type {
  EventContext,
  EventHandler,
  EventBatchHandler,
  EventHandling,
  BatchContext,
  PositionedEvent,
} from './delivery/eventHandling.ts';
export type { EventConsumerStats, PartitionStats, TopicStats } from './delivery/deliveryStats.ts';
export {
  defaultRetryPolicy,
  defaultClassifyError,
  isOutage,
  retryDelayMs,
  PoisonEventError,
  FatalConsumerError,
} from './retryPolicy.ts';
export type { RetryPolicy, FailureAction } from './retryPolicy.ts';
export { deadLetterHeaders } from './deadLetter.ts';

// The outbox's document shape (the relay that publishes it is in '@cashtrack/events/mongo').
export { documentWithOutbox, withOutbox } from './outbox.ts';
export type { OutboxEntry, WithOutbox } from './outbox.ts';
