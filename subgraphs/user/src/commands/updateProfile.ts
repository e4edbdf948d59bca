import { newEvent } from '@cashtrack/events';
import { type EventProducer } from '@cashtrack/events/kafka';
import { CodedError, type Logger } from '@cashtrack/platform';
import { decideProfileUpdate, type UpdateProfileInput } from '../domain/profile.ts';
import {
  awaitProfile,
  userViewOf,
  type UserProfilesCollection,
  type UserView,
} from '../readModels/userProfilesReadModel.ts';

export interface UpdateProfileDependencies {
  readonly profiles: UserProfilesCollection;
  readonly producer: Pick<EventProducer, 'publish'>;
  /** How long to wait for a profile still on its way from sign-up. */
  readonly profileWaitMs: number;
  /** How long to wait for the change to be projected. */
  readonly updateWaitMs: number;
  readonly now: () => Date;
  readonly log: Logger;
}

/**
 * Publishes `UserProfileUpdated` with the next version of the viewer's profile and waits until
 * it is projected, so the answer shows the change.
 */
export async function updateProfile(
  deps: UpdateProfileDependencies,
  viewerId: string,
  input: UpdateProfileInput,
  correlationId: string,
): Promise<UserView> {
  const current = await awaitProfile(deps.profiles, viewerId, deps.profileWaitMs);
  if (current === undefined) throw new CodedError('NOT_FOUND', 'No profile for this user');
  const changes = decideProfileUpdate(current, input);
  if (changes === undefined) return userViewOf(current);
  const event = newEvent({
    type: 'UserProfileUpdated',
    userId: viewerId,
    aggregateId: viewerId,
    aggregateVersion: current.aggregateVersion + 1,
    payload: changes,
    correlationId,
    now: deps.now(),
  });
  await deps.producer.publish([event]);
  const projected = await awaitProfile(
    deps.profiles,
    viewerId,
    deps.updateWaitMs,
    (document) => document.aggregateVersion >= event.aggregateVersion,
  );
  if (projected === undefined) {
    throw new CodedError(
      'UPDATE_PENDING',
      'The change was accepted but is not visible yet; read the profile again shortly',
    );
  }
  if (
    projected.lastEventId !== event.eventId &&
    projected.aggregateVersion === event.aggregateVersion
  ) {
    // Another update took this version first; ours was ignored by the projection.
    deps.log.info({ userId: viewerId, eventId: event.eventId }, 'profile update lost a race');
    throw new CodedError('CONFLICT', 'The profile was changed at the same time; try again');
  }
  return userViewOf(projected);
}
