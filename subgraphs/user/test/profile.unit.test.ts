import { describe, expect, it } from '@jest/globals';
import { newEvent } from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';
import { decideProfileUpdate, type Profile } from '../src/domain/profile.ts';
import { evolveProfile } from '../src/projections/userProfilesProjection.ts';

const userId = '6c1f3a8e-9b0e-4a57-8a3e-2f1d4c5b6a70';
const t0 = new Date('2026-11-24T10:00:00.000Z');
const current: Profile = {
  email: 'ann@example.com',
  displayName: 'Ann',
  currency: 'USD',
  timezone: 'UTC',
  createdAt: t0,
  updatedAt: t0,
  lastEventId: 'e-1',
};

function refusal(input: Parameters<typeof decideProfileUpdate>[1]): unknown {
  try {
    decideProfileUpdate(current, input);
  } catch (error) {
    return error instanceof CodedError ? { code: error.code, field: error.details.field } : error;
  }
  return undefined;
}

describe('profile updates', () => {
  it('given new values, when deciding, then only what differs is changed, cleaned up', () => {
    expect(
      decideProfileUpdate(current, {
        displayName: ' Ann ',
        currency: ' eur ',
        timezone: 'Europe/Berlin',
      }),
    ).toEqual({ currency: 'EUR', timezone: 'Europe/Berlin' });
  });

  it('given nothing that differs, when deciding, then there is nothing to publish', () => {
    expect(
      decideProfileUpdate(current, { displayName: 'Ann', currency: 'usd', timezone: null }),
    ).toBeUndefined();
    expect(decideProfileUpdate(current, {})).toBeUndefined();
  });

  it('given an unknown currency, time zone or blank name, then the field is named', () => {
    expect(refusal({ currency: 'XYZ' })).toEqual({ code: 'INVALID_CURRENCY', field: 'currency' });
    expect(refusal({ currency: 'US' })).toEqual({ code: 'INVALID_CURRENCY', field: 'currency' });
    expect(refusal({ timezone: 'Europe/Atlantis' })).toEqual({
      code: 'INVALID_TIMEZONE',
      field: 'timezone',
    });
    expect(refusal({ displayName: '' })).toEqual({ code: 'BAD_USER_INPUT', field: 'displayName' });
    expect(refusal({ displayName: 'x'.repeat(101) })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'displayName',
    });
  });

  it('given a display name with a control or bidi formatting character, then it is refused', () => {
    for (const displayName of ['Ann\u0000', 'Ann\u202e', 'Ann\u2069', 'Ann\tB']) {
      expect(refusal({ displayName })).toEqual({
        code: 'INVALID_CHARACTERS',
        field: 'displayName',
      });
    }
    expect(decideProfileUpdate(current, { displayName: '<i>Ann</i>' })).toEqual({
      displayName: '<i>Ann</i>',
    });
  });
});

describe('the profiles read model', () => {
  const registered = newEvent({
    type: 'UserRegistered',
    userId,
    aggregateId: userId,
    aggregateVersion: 1,
    payload: { email: 'ann@example.com', displayName: 'Ann', currency: 'USD', timezone: 'UTC' },
    correlationId: 'c-1',
    now: t0,
  });
  const updated = newEvent({
    type: 'UserProfileUpdated',
    userId,
    aggregateId: userId,
    aggregateVersion: 2,
    payload: { timezone: 'Asia/Tokyo' },
    correlationId: 'c-2',
    now: new Date(t0.getTime() + 60_000),
  });

  it('given UserRegistered, then the profile starts with its values and sign-up time', () => {
    expect(evolveProfile(null, registered)).toEqual({
      email: 'ann@example.com',
      displayName: 'Ann',
      currency: 'USD',
      timezone: 'UTC',
      createdAt: t0,
      updatedAt: t0,
      lastEventId: registered.eventId,
    });
  });

  it('given UserProfileUpdated, then only the fields it carries change', () => {
    const after = evolveProfile(evolveProfile(null, registered), updated);
    expect(after).toMatchObject({
      displayName: 'Ann',
      currency: 'USD',
      timezone: 'Asia/Tokyo',
      createdAt: t0,
    });
    expect(after.lastEventId).toBe(updated.eventId);
  });
});
