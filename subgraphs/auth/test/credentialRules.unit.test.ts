import { describe, expect, it } from '@jest/globals';
import { CodedError } from '@cashtrack/platform';
import { normalizeEmail, validateSignUp } from '../src/domain/credentialRules.ts';

function refusal(input: { email: string; password: string; displayName: string }): unknown {
  try {
    validateSignUp(input);
  } catch (error) {
    return error instanceof CodedError ? { code: error.code, field: error.details.field } : error;
  }
  return undefined;
}

describe('sign-up rules', () => {
  it('given an email with spaces and capitals, when validated, then it is trimmed and lower-cased', () => {
    expect(
      validateSignUp({
        email: '  Ann@Example.COM ',
        password: 'long enough',
        displayName: ' Ann ',
      }),
    ).toEqual({
      email: 'ann@example.com',
      password: 'long enough',
      displayName: 'Ann',
    });
    expect(normalizeEmail(' X@Y.Z ')).toBe('x@y.z');
  });

  it.each([
    '',
    'ann',
    'ann@',
    '@example.com',
    'ann@example',
    'a b@example.com',
    'ann@@example.com',
    // Looks like ann@example.com, but the first letter is Cyrillic: the UserRegistered contract
    // refuses it, so sign-up must too, with a code the person's app can explain.
    '\u0430nn@example.com',
    'ann@ex\u0430mple.com',
  ])('given the email %p, then it is refused as INVALID_EMAIL on email', (email) => {
    expect(refusal({ email, password: 'long enough', displayName: 'Ann' })).toEqual({
      code: 'INVALID_EMAIL',
      field: 'email',
    });
  });

  it.each(['Ann\u0000', 'Ann\u202eevil', 'Ann\u2066', 'Ann\nBob', 'Ann\u0085'])(
    'given the display name %p, then it is refused as INVALID_CHARACTERS',
    (displayName) => {
      expect(refusal({ email: 'ann@example.com', password: 'long enough', displayName })).toEqual({
        code: 'INVALID_CHARACTERS',
        field: 'displayName',
      });
    },
  );

  it('given a display name with HTML, then it is kept as text', () => {
    expect(
      validateSignUp({
        email: 'ann@example.com',
        password: 'long enough',
        displayName: '<b>Ann</b>',
      }).displayName,
    ).toBe('<b>Ann</b>');
  });

  it('given a password of 7 or 257 characters, then it is refused; 8 and 256 are accepted', () => {
    const base = { email: 'ann@example.com', displayName: 'Ann' };
    expect(refusal({ ...base, password: 'x'.repeat(7) })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'password',
    });
    expect(refusal({ ...base, password: 'x'.repeat(257) })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'password',
    });
    expect(refusal({ ...base, password: 'x'.repeat(8) })).toBeUndefined();
    expect(refusal({ ...base, password: 'x'.repeat(256) })).toBeUndefined();
  });

  it('given a blank or overlong display name, then it is refused', () => {
    const base = { email: 'ann@example.com', password: 'long enough' };
    expect(refusal({ ...base, displayName: '   ' })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'displayName',
    });
    expect(refusal({ ...base, displayName: 'x'.repeat(101) })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'displayName',
    });
  });
});
