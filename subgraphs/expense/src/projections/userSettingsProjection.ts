import {
  applyToReadModel,
  type CashTrackEvent,
  type EventOfType,
  type Evolve,
  type ProjectionResult,
} from '@cashtrack/events';
import { UnreachableCaseError } from '@cashtrack/platform';
import {
  defaultUserSettings,
  type UserSettingsCollection,
  type UserSettingsRecord,
} from '../readModels/userSettingsReadModel.ts';

/** The user events this service cares about: they carry the currency and time zone. */
export type UserEvent = EventOfType<'UserRegistered' | 'UserProfileUpdated'>;

export function isUserEvent(event: CashTrackEvent): event is UserEvent {
  return event.type === 'UserRegistered' || event.type === 'UserProfileUpdated';
}

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

export function projectUserSettings(
  settings: UserSettingsCollection,
  event: UserEvent,
): Promise<ProjectionResult> {
  return applyToReadModel(settings, event, evolveUserSettings);
}
