import currencyCodes from 'currency-codes';
import { CodedError } from '@cashtrack/platform';

/**
 * Money is an integer count of minor units plus an ISO-4217 code, never a float. This module is
 * the one place that knows how many decimals a currency has and how to read and write amounts.
 */

/** Codes in ISO 4217 that are not money people spend: metals, SDR, test and "no currency". */
const notSpendable = new Set([
  'XAG',
  'XAU',
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  'XDR',
  'XPD',
  'XPT',
  'XSU',
  'XTS',
  'XUA',
  'XXX',
]);

/** The largest amount accepted anywhere, in major units. */
export const maxAmountMajor = 1_000_000_000;

/**
 * Decimals of each spendable code looked up so far. `currency-codes` searches its table linearly
 * (several microseconds), and every decoded event checks a currency, so answers are remembered;
 * only valid codes are stored, so the map stays as small as ISO 4217.
 */
const knownDigits = new Map<string, number>();

function lookUpDigits(code: string): number | undefined {
  const known = knownDigits.get(code);
  if (known !== undefined) return known;
  if (!/^[A-Z]{3}$/.test(code) || notSpendable.has(code)) return undefined;
  const digits = currencyCodes.code(code)?.digits;
  if (digits !== undefined) knownDigits.set(code, digits);
  return digits;
}

export function isCurrency(code: string): boolean {
  return lookUpDigits(code) !== undefined;
}

/** How many decimals the currency has (2 for USD, 0 for JPY, 3 for KWD). */
export function currencyDigits(code: string): number {
  const digits = lookUpDigits(code);
  if (digits === undefined) {
    throw new CodedError('INVALID_CURRENCY', `"${code}" is not an ISO-4217 currency code`, {
      currency: code,
    });
  }
  return digits;
}

/**
 * Reads a decimal string such as "50", "50.5" or "1234.56" as minor units of `currency`.
 * Rejects anything else with a code: `INVALID_AMOUNT` (not a plain positive decimal),
 * `TOO_MANY_DECIMALS` (more than the currency has), `AMOUNT_OUT_OF_RANGE` (0, or above 1e9).
 */
export function parseAmountToMinor(amount: string, currency: string): number {
  const digits = currencyDigits(currency);
  const match = /^(\d{1,10})(?:\.(\d+))?$/.exec(amount.trim());
  if (match === null) {
    throw new CodedError(
      'INVALID_AMOUNT',
      `Amount "${amount}" must be a decimal number such as 12.50`,
      {
        amount,
      },
    );
  }
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    throw new CodedError(
      'TOO_MANY_DECIMALS',
      `${currency} amounts have at most ${digits} decimal${digits === 1 ? '' : 's'}, got "${amount}"`,
      { amount, currency, digits },
    );
  }
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  assertAmountInRange(minor, currency);
  return minor;
}

/** Throws `AMOUNT_OUT_OF_RANGE` unless 0 < amount <= 1e9 major units. */
export function assertAmountInRange(amountMinor: number, currency: string): void {
  const limit = maxAmountMajor * 10 ** currencyDigits(currency);
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > limit) {
    throw new CodedError(
      'AMOUNT_OUT_OF_RANGE',
      `Amount must be more than 0 and at most ${maxAmountMajor.toLocaleString('en-US')} ${currency}`,
      { amountMinor, currency },
    );
  }
}

/** Minor units as the decimal string clients show: 5000 USD → "50.00", 1500 JPY → "1500". */
export function formatMinor(amountMinor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const absolute = Math.abs(amountMinor);
  if (digits === 0) return `${sign}${absolute}`;
  const scale = 10 ** digits;
  const whole = Math.floor(absolute / scale);
  const fraction = String(absolute % scale).padStart(digits, '0');
  return `${sign}${whole}.${fraction}`;
}
