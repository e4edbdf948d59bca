import type { Collection } from 'mongodb';
import type { ReadModelDocument } from '@cashtrack/events/mongo';

/** A user's currency and time zone (`_id` = userId), projected from `cashtrack.users`. */
export type UserSettingsRecord = {
  readonly currency: string;
  readonly timezone: string;
};

export type UserSettingsDocument = ReadModelDocument<UserSettingsRecord>;
export type UserSettingsCollection = Collection<UserSettingsDocument>;

/** DESIGN.md's defaults, for a user whose registration has not reached this service yet. */
export const defaultUserSettings: UserSettingsRecord = { currency: 'USD', timezone: 'UTC' };

export async function userSettingsOf(
  settings: UserSettingsCollection,
  userId: string,
): Promise<UserSettingsRecord> {
  const document = await settings.findOne({ _id: userId });
  return document === null
    ? defaultUserSettings
    : { currency: document.currency, timezone: document.timezone };
}

/** Read by `_id` only. */
export async function prepareUserSettings(_settings: UserSettingsCollection): Promise<void> {}
