import { planReadModelBatch, type Evolve } from '@cashtrack/events/mongo';
import { type EventOfType } from '@cashtrack/events';
import { UnreachableCaseError } from '@cashtrack/platform';
import { readModelNames } from '../readModels/readModelNames.ts';
import {
  defaultUserSettings,
  prepareUserSettings,
  type UserSettingsDocument,
  type UserSettingsRecord,
} from '../readModels/userSettingsReadModel.ts';
import { gapsOf, isPositionedEventOf, type ReadModelProjection } from './readModelProjection.ts';

/** The user events this service cares about: they carry the currency and time zone. */
const userEventTypes = ['UserRegistered', 'UserProfileUpdated'] as const;

type UserEvent = EventOfType<(typeof userEventTypes)[number]>;

const isPositionedUserEvent = isPositionedEventOf(userEventTypes);

/**
 * `userSettings`: the currency and time zone `logExpense` sends to the parser and `addExpense`
 * judges "today" by. A small copy of the user subgraph's data, so a command never waits on
 * another service.
 */
export const evolveUserSettings: Evolve<UserSettingsRecord, UserEvent> = (current, event) => {
  switch (event.type) {
    case 'UserRegistered':
      return { currency: event.payload.currency, timezone: event.payload.timezone };
    case 'UserProfileUpdated': {
      const base = current ?? defaultUserSettings;
      return {
        currency: event.payload.currency ?? base.currency,
        timezone: event.payload.timezone ?? base.timezone,
      };
    }
    default:
      throw new UnreachableCaseError(event);
  }
};

/** One document per user, versioned like an aggregate: only the next version is applied. */
export const userSettingsProjection: ReadModelProjection = {
  name: readModelNames.userSettings,
  companions: [],
  version: 1,
  eventTypes: userEventTypes,
  bind(database) {
    const settings = database.collection<UserSettingsDocument>(readModelNames.userSettings);
    return {
      prepare: () => prepareUserSettings(settings),
      async plan(events) {
        const userEvents = events.filter(isPositionedUserEvent).map(({ event }) => event);
        const batch = await planReadModelBatch(settings, userEvents, evolveUserSettings);
        return {
          gaps: gapsOf(userEvents, batch.results),
          changes: [],
          commit: () => batch.commit(),
        };
      },
    };
  },
};
