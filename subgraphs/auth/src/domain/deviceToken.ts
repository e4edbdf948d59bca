import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device tokens ("device cookies", as OWASP calls them): what marks a client as known to an
 * account for log-in throttling. Auth hands one out with every session started by `signUp` or
 * `logIn`, bound to the email; the app keeps it and sends it with later log-ins. It is not a
 * credential (the password is still needed); it only lets its holder skip the counters that
 * other people's failures fill, so an attacker cannot slow a person down on their own device.
 *
 * `dt1.<device id>.<HMAC-SHA256(key, "<device id>:<email>")>`, verified without any lookup; the
 * key lives in `authServiceDB.secrets` like the refresh-token key, so every replica agrees.
 * A device's own failures are counted by its id, so a stolen token buys no more guesses than a
 * fresh address would.
 */

const prefix = 'dt1';
/** Far longer than any token we issue: a longer one is refused before any hashing. */
const maxTokenLength = 128;

function mac(key: Buffer, deviceId: string, email: string): Buffer {
  return createHmac('sha256', key).update(`${deviceId}:${email}`).digest();
}

/** A new device token for `email` (normalised). */
export function issueDeviceToken(key: Buffer, email: string): string {
  const deviceId = randomBytes(16).toString('base64url');
  return `${prefix}.${deviceId}.${mac(key, deviceId, email).toString('base64url')}`;
}

/**
 * The device id of `token` when it is one auth issued for `email`; undefined otherwise (absent,
 * malformed, forged, or issued for another account), which simply makes the client unknown.
 */
export function knownDeviceId(
  key: Buffer,
  email: string,
  token: string | null | undefined,
): string | undefined {
  if (typeof token !== 'string' || token.length > maxTokenLength) return undefined;
  const [version, deviceId, signature, extra] = token.split('.');
  if (version !== prefix || deviceId === undefined || signature === undefined) return undefined;
  if (extra !== undefined || deviceId === '') return undefined;
  const expected = mac(key, deviceId, email);
  const presented = Buffer.from(signature, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return undefined;
  }
  return deviceId;
}
