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
  ])('given the email %p, then it is refused as BAD_USER_INPUT on email', (email) => {
    expect(refusal({ email, password: 'long enough', displayName: 'Ann' })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'email',
    });
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
