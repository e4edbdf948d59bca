import { applyToReadModel, type ProjectionResult } from '@cashtrack/events/mongo';
import { type CashTrackEvent, type EventOfType } from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';
import type { Profile } from '../domain/profile.ts';
import type { UserProfilesCollection } from '../readModels/userProfilesReadModel.ts';

type UserEvent = EventOfType<'UserRegistered'> | EventOfType<'UserProfileUpdated'>;

/** The event types this read model handles; the rest of `cashtrack.users` is ignored. */
const profileEventTypes: ReadonlySet<string> = new Set(['UserRegistered', 'UserProfileUpdated']);

function isUserEvent(event: CashTrackEvent): event is UserEvent {
  return profileEventTypes.has(event.type);
}

/** The profile after `event`. Pure. */
export function evolveProfile(current: Profile | null, event: UserEvent): Profile {
  const at = new Date(event.occurredAt);
  switch (event.type) {
    case 'UserRegistered':
      return {
        email: event.payload.email,
        displayName: event.payload.displayName,
        currency: event.payload.currency,
        timezone: event.payload.timezone,
        createdAt: at,
        updatedAt: at,
        lastEventId: event.eventId,
      };
    case 'UserProfileUpdated':
      if (current === null) {
        // Version checks make this unreachable (a profile update is never version 1).
        throw new CodedError('PROFILE_MISSING', 'UserProfileUpdated for a user never registered');
      }
      return {
        ...current,
        displayName: event.payload.displayName ?? current.displayName,
        currency: event.payload.currency ?? current.currency,
        timezone: event.payload.timezone ?? current.timezone,
        updatedAt: at,
        lastEventId: event.eventId,
      };
  }
}

/**
 * Applies one event of `cashtrack.users` to the profiles, once: a redelivered or duplicated
 * event (same aggregateVersion) changes nothing. An event that would skip a version throws, so
 * the consumer retries it and then dead-letters it where someone will look.
 */
export async function projectUserEvent(
  profiles: UserProfilesCollection,
  event: CashTrackEvent,
): Promise<ProjectionResult | undefined> {
  if (!isUserEvent(event)) return undefined;
  const result = await applyToReadModel(profiles, event, (current, userEvent: UserEvent) => ({
    ...evolveProfile(current, userEvent),
  }));
  if (result.outcome === 'gap') {
    throw new CodedError(
      'PROFILE_VERSION_GAP',
      `User ${event.aggregateId} misses events before version ${event.aggregateVersion}`,
      {
        have: result.version,
      },
    );
  }
  return result;
}
