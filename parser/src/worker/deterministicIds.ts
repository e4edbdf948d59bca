import { v5 as nameBasedUuid } from 'uuid';

/**
 * Ids that are the same every time the same message is handled, so a redelivered message
 * republishes the same expense ids and event ids and the projector drops the duplicates.
 * Name-based UUIDs (RFC 9562 version 5, from the uuid package): SHA-1 over a namespace and a name.
 */

/** CashTrack's namespace for parser-made ids (a random UUID, fixed forever). */
const parserNamespace = '7f0c6a62-4f4e-4b0e-9d1f-2a8e1c5b3d90';

/** The id of the expense at `position` in message `messageId`. */
export function expenseIdFor(messageId: string, position: number): string {
  return nameBasedUuid(`expense:${messageId}:${position}`, parserNamespace);
}

/** The id of an event the parser publishes in reaction to event `causeEventId`. */
export function reactionEventIdFor(causeEventId: string, what: string): string {
  return nameBasedUuid(`event:${causeEventId}:${what}`, parserNamespace);
}
