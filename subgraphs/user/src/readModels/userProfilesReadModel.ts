import type { Collection, Db } from 'mongodb';
import type { ReadModelDocument } from '@cashtrack/events/mongo';
import { CodedError, waitFor } from '@cashtrack/platform';
import type { Profile } from '../domain/profile.ts';

/** `userServiceDB.profiles`: one document per user, `_id` = userId. */
export type ProfileDocument = ReadModelDocument<Profile & Record<string, unknown>>;
export type UserProfilesCollection = Collection<ProfileDocument>;

/** A collection handle is only a name; read by `_id` only, so no index to create. */
export function userProfilesCollection(db: Db): UserProfilesCollection {
  return db.collection<ProfileDocument>('profiles');
}

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

export function userViewOf(document: ProfileDocument): UserView {
  return {
    id: document._id,
    email: document.email,
    displayName: document.displayName,
    currency: document.currency,
    timezone: document.timezone,
    createdAt: document.createdAt.toISOString(),
  };
}

/**
 * The profile once `accept` holds for it, or undefined after `timeoutMs`: a profile can still be
 * on its way from sign-up, or a change on its way from `updateProfile` (read-your-writes).
 */
export async function awaitProfile(
  profiles: UserProfilesCollection,
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

/**
 * The viewer's own profile, waiting up to `waitMs` for one still on its way from sign-up; null if
 * it does not appear.
 */
export async function ownProfile(
  profiles: UserProfilesCollection,
  viewerId: string,
  waitMs: number,
): Promise<UserView | null> {
  const document = await awaitProfile(profiles, viewerId, waitMs);
  return document === undefined ? null : userViewOf(document);
}
