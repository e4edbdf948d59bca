import { isCurrency, isTimeZone, refuseUnsafeText, type PayloadOf } from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';

/** A user's profile as the user subgraph knows it (projected from `cashtrack.users`). */
export interface Profile {
  readonly email: string;
  readonly displayName: string;
  readonly currency: string;
  readonly timezone: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The last event applied, so a writer can tell its own change from a concurrent one. */
  readonly lastEventId: string;
}

export interface UpdateProfileInput {
  readonly displayName?: string | null;
  readonly currency?: string | null;
  readonly timezone?: string | null;
}

export type ProfileChanges = PayloadOf<'UserProfileUpdated'>;

const displayNameMaxLength = 100;

/**
 * Checks an `updateProfile` input (trimmed; currency upper-cased) and keeps only what differs
 * from `current`. Returns undefined when nothing would change, so no event is published.
 * Throws BAD_USER_INPUT, INVALID_CHARACTERS (a control or bidi formatting character in the
 * display name), INVALID_CURRENCY or INVALID_TIMEZONE naming the field.
 */
export function decideProfileUpdate(
  current: Profile,
  input: UpdateProfileInput,
): ProfileChanges | undefined {
  const changes: { displayName?: string; currency?: string; timezone?: string } = {};
  if (input.displayName !== undefined && input.displayName !== null) {
    const displayName = input.displayName.trim();
    if (displayName === '' || displayName.length > displayNameMaxLength) {
      throw new CodedError(
        'BAD_USER_INPUT',
        `Display name must be 1 to ${displayNameMaxLength} characters`,
        { field: 'displayName' },
      );
    }
    refuseUnsafeText(displayName, 'singleLine', 'displayName', 'Display name');
    if (displayName !== current.displayName) changes.displayName = displayName;
  }
  if (input.currency !== undefined && input.currency !== null) {
    const currency = input.currency.trim().toUpperCase();
    if (!isCurrency(currency)) {
      throw new CodedError('INVALID_CURRENCY', `${input.currency} is not an ISO-4217 currency`, {
        field: 'currency',
      });
    }
    if (currency !== current.currency) changes.currency = currency;
  }
  if (input.timezone !== undefined && input.timezone !== null) {
    const timezone = input.timezone.trim();
    if (!isTimeZone(timezone)) {
      throw new CodedError('INVALID_TIMEZONE', `${input.timezone} is not an IANA time zone`, {
        field: 'timezone',
      });
    }
    if (timezone !== current.timezone) changes.timezone = timezone;
  }
  return Object.keys(changes).length === 0 ? undefined : changes;
}
