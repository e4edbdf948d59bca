/**
 * Money on screen. Amounts arrive as integer minor units plus an ISO-4217 code and are only ever
 * turned into text here, with Intl.NumberFormat; arithmetic stays in integers.
 */

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string | undefined): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Decimals the currency has (2 for USD, 0 for JPY, 3 for KWD). */
export function currencyDecimals(currency: string): number {
  try {
    return formatterFor(currency, 'en-US').resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Minor units as exact decimal text, built from integers: 5000 USD → "50.00", 1234 JPY → "1234".
 */
export function minorToDecimal(amountMinor: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  const negative = amountMinor < 0;
  const digits = String(Math.abs(amountMinor)).padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

/**
 * Formats integer minor units in their currency: formatMoney(5000, 'USD') → "$50.00".
 * Intl.NumberFormat is given the exact decimal string, so no float rounding can creep in.
 */
export function formatMoney(amountMinor: number, currency: string, locale = 'en-US'): string {
  const decimal = minorToDecimal(amountMinor, currency);
  try {
    // format() takes decimal strings exactly (Intl.NumberFormat v3); typed as number only.
    return formatterFor(currency, locale).format(decimal as unknown as number);
  } catch {
    return `${decimal} ${currency}`;
  }
}

/**
 * What a person typed as an amount, checked and normalised to the API's decimal string:
 * "12,5" → "12.50" for USD. Undefined when it is not an amount in that currency.
 */
export function normaliseAmountInput(text: string, currency: string): string | undefined {
  const decimals = currencyDecimals(currency);
  const match = /^\s*(\d{1,10})(?:[.,](\d*))?\s*$/.exec(text);
  if (match === null) return undefined;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return undefined;
  if (decimals === 0) return String(Number.parseInt(whole, 10));
  return `${String(Number.parseInt(whole, 10))}.${fraction.padEnd(decimals, '0')}`;
}
