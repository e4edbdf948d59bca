import type { z } from 'zod';
import type { EventEnvelope } from './envelope.ts';
import type { EventDefinition } from './eventTypes/eventDefinition.ts';
import {
  expenseDeleted,
  expenseMessageRejected,
  expenseRecorded,
  expenseUpdated,
} from './eventTypes/expenseEvents.ts';
import { expenseCategoryCorrected } from './eventTypes/expenseCorrectionEvents.ts';
import { expenseMessageSubmitted } from './eventTypes/expenseMessageEvents.ts';
import { accessTokenRevoked, sessionRevoked } from './eventTypes/sessionEvents.ts';
import { userProfileUpdated, userRegistered } from './eventTypes/userEvents.ts';
import { topics, type TopicName } from './topics.ts';

/** Every event type CashTrack publishes, by name. Adding one here adds it to the union. */
export const eventCatalog = {
  UserRegistered: userRegistered,
  UserProfileUpdated: userProfileUpdated,
  ExpenseMessageSubmitted: expenseMessageSubmitted,
  ExpenseRecorded: expenseRecorded,
  ExpenseUpdated: expenseUpdated,
  ExpenseDeleted: expenseDeleted,
  ExpenseMessageRejected: expenseMessageRejected,
  ExpenseCategoryCorrected: expenseCategoryCorrected,
  AccessTokenRevoked: accessTokenRevoked,
  SessionRevoked: sessionRevoked,
} as const;

export type EventType = keyof typeof eventCatalog;

export const eventTypes = Object.keys(eventCatalog) as EventType[];

/** The payload of the current version of `Type`. */
export type PayloadOf<Type extends EventType> = Readonly<
  z.output<(typeof eventCatalog)[Type]['payload']>
>;

/** The event of one type; given a union of types, the union of their events. */
export type EventOfType<Type extends EventType> = Type extends EventType
  ? EventEnvelope<Type, PayloadOf<Type>>
  : never;

/** Every CashTrack event, discriminated on `type`: a switch over it can be made exhaustive. */
export type CashTrackEvent = EventOfType<EventType>;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventCatalog, value);
}

export function eventDefinition(type: EventType): EventDefinition<EventType, z.ZodTypeAny> {
  return eventCatalog[type];
}

/** The (unprefixed) topic an event type is published on. */
export function topicForEventType(type: EventType): TopicName {
  return topics[eventCatalog[type].topic];
}

/** The current schema version of an event type. */
export function currentVersion(type: EventType): number {
  return eventCatalog[type].version;
}
