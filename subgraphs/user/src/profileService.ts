import type { Collection } from 'mongodb';
import { newEvent, type EventProducer } from '@cashtrack/events';
import { CodedError, waitFor, type Logger } from '@cashtrack/platform';
import { decideProfileUpdate, type UpdateProfileInput } from './domain/profile.ts';
import type { ProfileDocument } from './projections/profilesProjection.ts';

/** `User` as GraphQL shows it. */
export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly currency: string;
  readonly timezone: string;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
}

export interface ProfileService {
  /**
   * The viewer's own profile, waiting up to `profileWaitMs` for one still on its way from
   * sign-up (read-your-writes); null if it does not appear.
   */
  ownProfile(viewerId: string): Promise<UserView | null>;
  /**
   * Publishes `UserProfileUpdated` with the next version of the viewer's profile and waits until
   * it is projected, so the answer shows the change.
   */
  updateProfile(
    viewerId: string,
    input: UpdateProfileInput,
    correlationId: string,
  ): Promise<UserView>;
}

export interface ProfileServiceDependencies {
  readonly profiles: Collection<ProfileDocument>;
  readonly producer: Pick<EventProducer, 'publish'>;
  readonly profileWaitMs: number;
  readonly updateWaitMs: number;
  readonly now: () => Date;
  readonly log: Logger;
}

function view(document: ProfileDocument): UserView {
  return {
    id: document._id,
    email: document.email,
    displayName: document.displayName,
    currency: document.currency,
    timezone: document.timezone,
    createdAt: document.createdAt.toISOString(),
  };
}

export function createProfileService(deps: ProfileServiceDependencies): ProfileService {
  const { profiles } = deps;

  /** The profile once `accept` holds for it, or undefined after `timeoutMs`. */
  async function awaitProfile(
    userId: string,
    timeoutMs: number,
    accept: (document: ProfileDocument) => boolean = () => true,
  ): Promise<ProfileDocument | undefined> {
    try {
      return await waitFor(
        async () => {
          const document = await profiles.findOne({ _id: userId });
          return document !== null && accept(document) ? document : undefined;
        },
        { timeoutMs, intervalMs: 20, maxIntervalMs: 200, description: `profile of ${userId}` },
      );
    } catch (error) {
      if (error instanceof CodedError && error.code === 'WAIT_TIMEOUT') return undefined;
      throw error;
    }
  }

  return {
    async ownProfile(viewerId) {
      const document = await awaitProfile(viewerId, deps.profileWaitMs);
      return document === undefined ? null : view(document);
    },

    async updateProfile(viewerId, input, correlationId) {
      const current = await awaitProfile(viewerId, deps.profileWaitMs);
      if (current === undefined) throw new CodedError('NOT_FOUND', 'No profile for this user');
      const changes = decideProfileUpdate(current, input);
      if (changes === undefined) return view(current);
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
      return view(projected);
    },
  };
}
