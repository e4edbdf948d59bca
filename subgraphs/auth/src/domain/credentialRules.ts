import { isEmailAddress, refuseUnsafeText } from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';

/** What a sign-up or log-in must look like before any hashing or database work is done. */

const passwordMinLength = 8;
const passwordMaxLength = 256;
export const displayNameMaxLength = 100;

/** Trimmed and lower-cased, so `Ann@Example.com ` and `ann@example.com` are one account. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export interface SignUpInput {
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
}

/**
 * The sign-up input cleaned up, or an error naming the first field that is wrong:
 * `INVALID_EMAIL`, `INVALID_CHARACTERS` (a control or bidi formatting character in the display
 * name), otherwise `BAD_USER_INPUT`.
 */
export function validateSignUp(input: SignUpInput): SignUpInput {
  const email = normalizeEmail(input.email);
  // The UserRegistered contract's own rule, so every address accepted here can be published.
  if (!isEmailAddress(email)) {
    throw new CodedError('INVALID_EMAIL', 'Enter a valid email address', { field: 'email' });
  }
  const passwordProblem = passwordRuleBroken(input.password);
  if (passwordProblem !== undefined) throw badInput('password', passwordProblem);
  const displayName = input.displayName.trim();
  if (displayName === '' || displayName.length > displayNameMaxLength) {
    throw badInput('displayName', `Display name must be 1 to ${displayNameMaxLength} characters`);
  }
  refuseUnsafeText(displayName, 'singleLine', 'displayName', 'Display name');
  return { email, password: input.password, displayName };
}

/** Why a new password is refused, or undefined when it is acceptable. */
function passwordRuleBroken(password: string): string | undefined {
  if (password.length < passwordMinLength) {
    return `Password must be at least ${passwordMinLength} characters`;
  }
  if (password.length > passwordMaxLength) {
    // The upper bound keeps a megabyte "password" from costing a megabyte of hashing.
    return `Password must be at most ${passwordMaxLength} characters`;
  }
  return undefined;
}

function badInput(field: string, message: string): CodedError {
  return new CodedError('BAD_USER_INPUT', message, { field });
}
