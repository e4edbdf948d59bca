/** Dates already found valid; events mostly carry recent dates, so this stays small. */
const knownDates = new Set<string>();
const maxKnownDates = 10_000;

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30), as `occurredOn` is. */
export function isCalendarDate(value: string): boolean {
  if (knownDates.has(value)) return true;
  const valid = checkCalendarDate(value);
  if (valid && knownDates.size < maxKnownDates) knownDates.add(value);
  return valid;
}

function checkCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}
