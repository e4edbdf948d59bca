import { createHash } from 'node:crypto';

/**
 * Ids that are the same every time the same message is handled, so a redelivered message
 * republishes the same expense ids and event ids and the projector drops the duplicates.
 * Name-based UUIDs in the manner of RFC 9562 version 5: SHA-1 over a namespace and a name.
 */

/** CashTrack's namespace for parser-made ids (a random UUID, fixed forever). */
const parserNamespace = '7f0c6a62-4f4e-4b0e-9d1f-2a8e1c5b3d90';

export function nameBasedUuid(name: string, namespace = parserNamespace): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of the expense at `position` in message `messageId`. */
export function expenseIdFor(messageId: string, position: number): string {
  return nameBasedUuid(`expense:${messageId}:${position}`);
}

/** The id of an event the parser publishes in reaction to event `causeEventId`. */
export function reactionEventIdFor(causeEventId: string, what: string): string {
  return nameBasedUuid(`event:${causeEventId}:${what}`);
}
