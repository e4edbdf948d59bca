import { assertAmountInRange, currencyDigits } from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';
import type { NumberValue } from './items.ts';

/**
 * Reading numbers as people type them, into exact integers: never a float. "12,90" is a decimal
 * comma, "1,200" and "1.200.000" are thousands, "1,200.50" and "1.200,50" have both.
 */

export interface Decimal {
  /** All digits as one integer: 1,200.50 → 120050. */
  readonly mantissa: bigint;
  /** How many of those digits are decimals: 1,200.50 → 2. */
  readonly scale: number;
}

/** Thousands groups: 1 to 3 leading digits (no leading zero), then groups of exactly 3. */
function isGrouped(integerPart: string, separator: string): boolean {
  const groups = integerPart.split(separator);
  const [first, ...others] = groups;
  return (
    first !== undefined &&
    /^[1-9]\d{0,2}$/.test(first) &&
    others.length > 0 &&
    others.every((group) => /^\d{3}$/.test(group))
  );
}

/**
 * Which separator is the decimal point, or undefined when every separator groups thousands.
 * A single separator before exactly three digits groups thousands ("1,200"), except a point when
 * the currency really has three decimals ("1.234" KWD).
 */
function decimalSeparator(literal: string, currencyDigits: number): string | undefined {
  const separators = literal.match(/[.,]/g) ?? [];
  const last = separators[separators.length - 1];
  if (last === undefined) return undefined;
  if (new Set(separators).size === 2) return last;
  if (separators.length > 1) return undefined;
  const lastIndex = literal.lastIndexOf(last);
  const fraction = literal.slice(lastIndex + 1);
  const thousands =
    fraction.length === 3 && isGrouped(literal, last) && (last === ',' || currencyDigits < 3);
  return thousands ? undefined : last;
}

/** Reads a numeral such as "1,200.50"; undefined when its separators make no sense. */
export function readDecimal(literal: string, currencyDigits: number): Decimal | undefined {
  if (!/^\d+(?:[.,]\d+)*$/.test(literal)) return undefined;
  const point = decimalSeparator(literal, currencyDigits);
  const cut = point === undefined ? literal.length : literal.lastIndexOf(point);
  const integerPart = literal.slice(0, cut);
  const fraction = point === undefined ? '' : literal.slice(cut + 1);
  const grouping = /[.,]/.exec(integerPart)?.[0];
  if (grouping !== undefined && !isGrouped(integerPart, grouping)) return undefined;
  const digits = integerPart.replace(/[.,]/g, '') + fraction;
  return { mantissa: BigInt(digits), scale: fraction.length };
}

/**
 * The total in minor units of `currency` for `quantity` items of `value`, shared `ways` ways.
 * Sharing rounds half up to the nearest minor unit ($100 split 3 ways is $33.33), as a person
 * settling a bill would. Throws `INVALID_AMOUNT`, `TOO_MANY_DECIMALS` ("10.5 yen") or
 * `AMOUNT_OUT_OF_RANGE` (0, or above the limit).
 */
export function toMinorUnits(value: NumberValue, currency: string, quantity = 1, ways = 1): number {
  const digits = currencyDigits(currency);
  const decimal = readDecimal(value.literal, digits);
  if (decimal === undefined) {
    throw new CodedError('INVALID_AMOUNT', `"${value.literal}" is not a number I can read`, {
      literal: value.literal,
    });
  }
  const numerator =
    decimal.mantissa * BigInt(value.factor) * BigInt(quantity) * 10n ** BigInt(digits);
  const denominator = 10n ** BigInt(decimal.scale);
  if (numerator % denominator !== 0n) {
    throw new CodedError(
      'TOO_MANY_DECIMALS',
      `${currency} amounts have at most ${digits} decimal${digits === 1 ? '' : 's'}, got ${value.literal}`,
      { literal: value.literal, currency, digits },
    );
  }
  const total = numerator / denominator;
  const share = ways === 1 ? total : (2n * total + BigInt(ways)) / (2n * BigInt(ways));
  // Past the safe range Number() loses digits; assertAmountInRange refuses it either way.
  const minor =
    share > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER + 1 : Number(share);
  assertAmountInRange(minor, currency);
  return minor;
}
