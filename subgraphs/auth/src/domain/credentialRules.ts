import { CodedError } from '@cashtrack/platform';

/** What a sign-up or log-in must look like before any hashing or database work is done. */

export const passwordMinLength = 8;
export const passwordMaxLength = 256;
export const displayNameMaxLength = 100;
const emailMaxLength = 320;

/**
 * A pragmatic address check: one `@`, no spaces, a dotted domain. Deliverability is the
 * mailbox's business; this only keeps obvious typos out and matches what the event schema accepts.
 */
const emailShape = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Trimmed and lower-cased, so `Ann@Example.com ` and `ann@example.com` are one account. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export function isAcceptableEmail(email: string): boolean {
  return email.length <= emailMaxLength && emailShape.test(email);
}

export interface SignUpInput {
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
}

/** The sign-up input cleaned up, or `BAD_USER_INPUT` naming the first field that is wrong. */
export function validateSignUp(input: SignUpInput): SignUpInput {
  const email = normalizeEmail(input.email);
  if (!isAcceptableEmail(email)) {
    throw badInput('email', 'Enter a valid email address');
  }
  const passwordProblem = passwordRuleBroken(input.password);
  if (passwordProblem !== undefined) throw badInput('password', passwordProblem);
  const displayName = input.displayName.trim();
  if (displayName === '' || displayName.length > displayNameMaxLength) {
    throw badInput('displayName', `Display name must be 1 to ${displayNameMaxLength} characters`);
  }
  return { email, password: input.password, displayName };
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordRuleBroken(password: string): string | undefined {
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
