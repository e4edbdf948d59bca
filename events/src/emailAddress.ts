/**
 * What an email address is, for every part of CashTrack: auth checks sign-ups with it and the
 * `UserRegistered` contract validates with it, so an address auth accepts is one the event
 * accepts (a looser input rule once let a Cyrillic letter through to an `INVALID_EVENT`).
 */

/** The longest address accepted (RFC 5321 allows 64 + 1 + 255). */
export const maxEmailLength = 320;

/**
 * ASCII local part and dotted domain with a top-level label of two letters or more. This is the
 * pattern zod 3.25 uses for `.email()`, which the contract used before; it is pinned here so that
 * every event accepted so far stays accepted and a zod upgrade cannot move the rule. Addresses
 * with non-ASCII letters (SMTPUTF8) are refused: most mail systems cannot deliver to them, and
 * look-alike letters are a phishing tool.
 */
const emailPattern =
  /^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9-]*\.)+[A-Z]{2,}$/i;

/** True when `email` (already trimmed and lower-cased by the caller) is an acceptable address. */
export function isEmailAddress(email: string): boolean {
  return email.length <= maxEmailLength && emailPattern.test(email);
}
