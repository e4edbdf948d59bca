/**
 * The parser works on a list of items: the tokenizer makes words, punctuation, symbols and raw
 * numerals; later passes replace runs of them with meaning (amounts, dates, divisors). Every item
 * keeps its character span in the message so descriptions can quote the user's own words.
 */

export interface Span {
  /** Offset of the first character in the message. */
  readonly start: number;
  /** Offset just after the last character. */
  readonly end: number;
}

/** A number as written: the literal digits (separators still in) times a factor ("3.5k"). */
export interface NumberValue {
  /** Digits with the user's separators, such as "1,200.50"; read once the currency is known. */
  readonly literal: string;
  /** 1, or 1000 for "3.5k" and "3 thousand". */
  readonly factor: number;
}

export interface WordItem extends Span {
  readonly kind: 'word';
  readonly text: string;
  /** Lower-case with straight apostrophes. */
  readonly norm: string;
  /** `norm` without a plural or possessive "s", to match table phrases. */
  readonly stem: string;
}

export interface PunctItem extends Span {
  readonly kind: 'punct';
  readonly text: string;
  readonly norm: string;
}

export interface SymbolItem extends Span {
  readonly kind: 'symbol';
  readonly text: string;
}

export interface NumeralItem extends Span {
  readonly kind: 'numeral';
  readonly value: NumberValue;
}

/** A date written with digits ("11/20", "2026-11-20"), resolved by the date pass. */
export interface DateLiteralItem extends Span {
  readonly kind: 'dateLiteral';
  readonly text: string;
}

/** Text that looks numeric but is never money: clock times and percentages. */
export interface IgnoredItem extends Span {
  readonly kind: 'ignored';
}

export interface AmountItem extends Span {
  readonly kind: 'amount';
  readonly value: NumberValue;
  /** The currency written next to the number, if any. */
  readonly currency?: string;
  /** "2 x 12" is an amount of 12 with quantity 2. */
  readonly quantity: number;
}

export interface DateItem extends Span {
  readonly kind: 'date';
  /** YYYY-MM-DD in the user's time zone. */
  readonly isoDate: string;
}

/** "split 4 ways": the user's share is the amount divided by `ways`. */
export interface DivisorItem extends Span {
  readonly kind: 'divisor';
  readonly ways: number;
}

export type Item =
  | WordItem
  | PunctItem
  | SymbolItem
  | NumeralItem
  | DateLiteralItem
  | IgnoredItem
  | AmountItem
  | DateItem
  | DivisorItem;

/** The span from the first to the last of `items`, which must not be empty. */
export function spanOf(items: readonly Span[]): Span {
  const first = items[0];
  const last = items[items.length - 1];
  if (first === undefined || last === undefined) throw new RangeError('spanOf needs items');
  return { start: first.start, end: last.end };
}
