import { readDecimal } from './decimal.ts';
import type { AmountItem, Item } from './items.ts';

/**
 * A tiny matcher for the phrase tables (dates, quantities, splits). A pattern is a list of
 * elements, each matching one item (or, for a gap, a few words); tables build them with the
 * constructors below so they read like the phrases they describe.
 */

export type Element =
  | { readonly type: 'word'; readonly words: ReadonlySet<string>; readonly optional: boolean }
  | { readonly type: 'weekday'; readonly names: Readonly<Record<string, number>> }
  | { readonly type: 'count'; readonly min: number; readonly max: number }
  | { readonly type: 'amount' }
  | { readonly type: 'dateLiteral' }
  | { readonly type: 'gap'; readonly max: number };

export interface Pattern {
  readonly elements: readonly Element[];
}

/** One of these words (or punctuation marks such as "@" and "×"), compared folded. */
export function word(...words: string[]): Element {
  return { type: 'word', words: new Set(words), optional: false };
}

/** Like `word`, but the phrase also matches without it. */
export function optionalWord(...words: string[]): Element {
  return { type: 'word', words: new Set(words), optional: true };
}

/** A weekday name from `names` (luxon numbering, 1 = Monday … 7 = Sunday); captured. */
export function weekday(names: Readonly<Record<string, number>>): Element {
  return { type: 'weekday', names };
}

/** A whole number without currency in [min, max], such as the 2 of "2 x 12"; captured. */
export function count(min: number, max: number): Element {
  return { type: 'count', min, max };
}

/** A number that may be money, with or without its currency; captured. */
export function amount(): Element {
  return { type: 'amount' };
}

/** A date written in digits; captured. */
export function dateLiteral(): Element {
  return { type: 'dateLiteral' };
}

/** Up to `max` ordinary words, kept in the message (the "coffees" of "3 coffees at 4 each"). */
export function gap(max: number): Element {
  return { type: 'gap', max };
}

export interface Captures {
  readonly count?: number;
  readonly amount?: AmountItem;
  readonly weekday?: number;
  readonly dateLiteral?: string;
}

export interface Match {
  /** Index of the first matched item. */
  readonly from: number;
  /** Index just after the last matched item. */
  readonly to: number;
  readonly captures: Captures;
  /** Words matched by gaps: they stay in the message for the description. */
  readonly kept: readonly Item[];
}

/** Digits alone, short enough that `Number` reads them exactly: most counts people write. */
const plainDigits = /^\d{1,15}$/;

/** The whole number an unmarked amount stands for, or undefined ("2", "two", not "2.5", "$2"). */
export function countValue(item: Item): number | undefined {
  if (item.kind !== 'amount' || item.currency !== undefined || item.quantity !== 1)
    return undefined;
  // Asked for every amount by several phrase tables; plain digits need no exact decimal.
  if (plainDigits.test(item.value.literal)) {
    const value = Number(item.value.literal) * item.value.factor;
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const decimal = readDecimal(item.value.literal, 2);
  if (decimal === undefined) return undefined;
  const scale = 10n ** BigInt(decimal.scale);
  if (decimal.mantissa % scale !== 0n) return undefined;
  const value = Number(decimal.mantissa / scale) * item.value.factor;
  return Number.isSafeInteger(value) ? value : undefined;
}

function matchWord(item: Item, words: ReadonlySet<string>): boolean {
  if (item.kind === 'word') return words.has(item.norm) || words.has(item.stem);
  return item.kind === 'punct' && words.has(item.norm);
}

function matchElements(
  items: readonly Item[],
  position: number,
  elements: readonly Element[],
  next: number,
  captures: Captures,
  kept: readonly Item[],
): { to: number; captures: Captures; kept: readonly Item[] } | undefined {
  const element = elements[next];
  if (element === undefined) return { to: position, captures, kept };
  if (element.type === 'gap') {
    // Shortest gap first: the phrase should bind the nearest words it can.
    for (let length = 0; length <= element.max; length += 1) {
      if (length > 0 && items[position + length - 1]?.kind !== 'word') return undefined;
      const words = length === 0 ? kept : [...kept, ...items.slice(position, position + length)];
      const found = matchElements(items, position + length, elements, next + 1, captures, words);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const item = items[position];
  const captured = item === undefined ? undefined : matchOne(item, element, captures);
  if (captured !== undefined) {
    const found = matchElements(items, position + 1, elements, next + 1, captured, kept);
    if (found !== undefined) return found;
  }
  if (element.type === 'word' && element.optional) {
    return matchElements(items, position, elements, next + 1, captures, kept);
  }
  return undefined;
}

/**
 * Whether a pattern could start at `item`, judged by its first element alone: most patterns
 * fail there, and this check costs no allocation. Optional words and gaps may match nothing,
 * so a pattern opening with one is always tried.
 */
function mayStartAt(item: Item, element: Element | undefined): boolean {
  if (element === undefined) return false;
  switch (element.type) {
    case 'word':
      return element.optional || matchWord(item, element.words);
    case 'weekday':
      return item.kind === 'word';
    case 'count':
    case 'amount':
      return item.kind === 'amount';
    case 'dateLiteral':
      return item.kind === 'dateLiteral';
    case 'gap':
      return true;
  }
}

function matchOne(item: Item, element: Element, captures: Captures): Captures | undefined {
  switch (element.type) {
    case 'word':
      return matchWord(item, element.words) ? captures : undefined;
    case 'weekday': {
      const day = item.kind === 'word' ? element.names[item.norm] : undefined;
      return day === undefined ? undefined : { ...captures, weekday: day };
    }
    case 'count': {
      const value = countValue(item);
      return value !== undefined && value >= element.min && value <= element.max
        ? { ...captures, count: value }
        : undefined;
    }
    case 'amount':
      return item.kind === 'amount' ? { ...captures, amount: item } : undefined;
    case 'dateLiteral':
      return item.kind === 'dateLiteral' ? { ...captures, dateLiteral: item.text } : undefined;
    case 'gap':
      return undefined;
  }
}

/** The longest match of any pattern starting at `position`, with the pattern that made it. */
export function longestMatchAt<P extends Pattern>(
  items: readonly Item[],
  position: number,
  patterns: readonly P[],
): { match: Match; pattern: P } | undefined {
  let best: { match: Match; pattern: P } | undefined;
  const item = items[position];
  if (item === undefined) return undefined;
  for (const pattern of patterns) {
    if (!mayStartAt(item, pattern.elements[0])) continue;
    const found = matchElements(items, position, pattern.elements, 0, {}, []);
    if (found === undefined || found.to === position) continue;
    if (best === undefined || found.to > best.match.to) {
      best = { match: { from: position, ...found }, pattern };
    }
  }
  return best;
}

/**
 * Replaces every match of `patterns`, scanning left to right, with what `replace` makes of it.
 * When `replace` declines (returns undefined), the items stay as they were.
 */
export function rewrite<P extends Pattern>(
  items: readonly Item[],
  patterns: readonly P[],
  replace: (match: Match, pattern: P) => readonly Item[] | undefined,
): Item[] {
  const result: Item[] = [];
  let position = 0;
  while (position < items.length) {
    const found = longestMatchAt(items, position, patterns);
    const replacement = found === undefined ? undefined : replace(found.match, found.pattern);
    if (found !== undefined && replacement !== undefined) {
      result.push(...replacement);
      position = found.match.to;
    } else {
      const item = items[position];
      if (item !== undefined) result.push(item);
      position += 1;
    }
  }
  return result;
}
