import { toMinorUnits } from '../rules/decimal.ts';
import type { NumberValue } from '../rules/items.ts';
import { readNumbers } from '../rules/readNumbers.ts';
import { tokenize } from '../rules/tokenize.ts';

/**
 * Whether the text backs an amount the model returned: the amount must be a number written in
 * the message (digits, words such as "fifteen", "3.5k"), or such a number times or shared by
 * another number in it ("2 x 12" is 24, "90 split 3 ways" is 30). A model that invents or
 * inflates an amount, by mistake or because the message told it to, is caught here.
 * Read with the rules parser's own tokenizer and number reader, so both agree on what a number is.
 */

/** Counts larger than this are not quantities or shares ("2 x 12", "split 4 ways"). */
const maxMultiplier = 1000;

/** The numbers of a message, read once per message and reused for every expense in the answer. */
export function numbersInText(text: string): NumberValue[] {
  const values: NumberValue[] = [];
  for (const item of readNumbers(tokenize(text))) {
    if (item.kind === 'amount') values.push(item.value);
  }
  // "split in half" and "half each" share by two without writing the number.
  if (/\bhalf\b/i.test(text)) values.push({ literal: '2', factor: 1 });
  return values;
}

function minorOrUndefined(
  value: NumberValue,
  currency: string,
  quantity: number,
  ways: number,
): number | undefined {
  try {
    return toMinorUnits(value, currency, quantity, ways);
  } catch {
    // Not readable in this currency ("10.5" yen) or out of range: it supports nothing.
    return undefined;
  }
}

/** Small whole numbers in the text, the only ones that can be counts or shares. */
function multipliers(values: readonly NumberValue[]): number[] {
  const counts = new Set<number>();
  for (const value of values) {
    if (!/^\d+$/.test(value.literal)) continue;
    const count = Number(value.literal) * value.factor;
    if (count >= 2 && count <= maxMultiplier) counts.add(count);
  }
  return [...counts];
}

export function isAmountSupported(
  amountMinor: number,
  currency: string,
  values: readonly NumberValue[],
): boolean {
  const counts = multipliers(values);
  for (const value of values) {
    if (minorOrUndefined(value, currency, 1, 1) === amountMinor) return true;
    for (const count of counts) {
      if (minorOrUndefined(value, currency, count, 1) === amountMinor) return true;
      if (minorOrUndefined(value, currency, 1, count) === amountMinor) return true;
    }
  }
  return false;
}
