/**
 * An instant in UTC as `Date.toISOString()` writes it: `YYYY-MM-DDTHH:MM:SS`, an optional
 * fraction of 1 to 9 digits, then `Z`. Accepts exactly what `Date.parse` reads from that form
 * (months 1-12, days 1-31 whatever the month, hour 24 only as 24:00:00 with a zero fraction), in
 * one pass over the characters: the pattern and `Date.parse` together cost half a microsecond,
 * and every event's envelope carries an instant.
 */
export function isUtcInstant(value: string): boolean {
  const length = value.length;
  if (length !== 20 && (length < 22 || length > 30)) return false;
  if (value.charCodeAt(length - 1) !== letterZ) return false;
  for (const [index, separator] of separators) {
    if (value.charCodeAt(index) !== separator) return false;
  }
  const year = twoDigits(value, 0) * 100 + twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const second = twoDigits(value, 17);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (hour < 0 || hour > 24 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  let fractionIsZero = true;
  if (length > 20) {
    if (value.charCodeAt(19) !== fullStop) return false;
    for (let index = 20; index < length - 1; index += 1) {
      const digit = value.charCodeAt(index) - digitZero;
      if (digit < 0 || digit > 9) return false;
      if (digit !== 0) fractionIsZero = false;
    }
  }
  return hour < 24 || (minute === 0 && second === 0 && fractionIsZero);
}

const letterZ = 0x5a;
const fullStop = 0x2e;
const digitZero = 0x30;
const separators: readonly (readonly [number, number])[] = [
  [4, 0x2d],
  [7, 0x2d],
  [10, 0x54],
  [13, 0x3a],
  [16, 0x3a],
];

/** The two decimal digits at `index` as a number, or -1 when either is not a digit. */
function twoDigits(value: string, index: number): number {
  const tens = value.charCodeAt(index) - digitZero;
  const units = value.charCodeAt(index + 1) - digitZero;
  if (tens < 0 || tens > 9 || units < 0 || units > 9) return -1;
  return tens * 10 + units;
}
