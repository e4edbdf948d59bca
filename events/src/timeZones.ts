/**
 * IANA time zone names as the runtime's Intl knows them. `Intl.supportedValuesOf('timeZone')`
 * leaves out `UTC` and the aliases Intl still accepts, so the test is "Intl can format in it".
 * Constructing a DateTimeFormat costs tens of microseconds, and every decoded event may carry a
 * zone, so answers are remembered (the set of names is small and fixed).
 */
const known = new Map<string, boolean>();

export function isTimeZone(value: string): boolean {
  const cached = known.get(value);
  if (cached !== undefined) return cached;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    valid = value.trim() !== '';
  } catch {
    valid = false;
  }
  // Only valid names are remembered, so garbage input cannot grow the cache without bound.
  if (valid) known.set(value, true);
  return valid;
}
