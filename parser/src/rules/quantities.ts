import type { AmountItem, DivisorItem, Item, WordItem } from './items.ts';
import { spanOf } from './items.ts';
import { countValue, rewrite } from './patterns.ts';
import { normalizeWord, stem } from './stem.ts';
import { countLeaders, separators } from './tables/messageWords.ts';
import { quantityPatterns, splitPatterns } from './tables/quantityPatterns.ts';

/** Quantities ("2 x 12"), shares ("split 4 ways") and counted things ("2 tickets"). */

export function applyQuantities(items: readonly Item[]): Item[] {
  return rewrite(items, quantityPatterns, (match) => {
    const { amount, count } = match.captures;
    if (amount === undefined || count === undefined) return undefined;
    const total: AmountItem = {
      ...amount,
      quantity: amount.quantity * count,
      ...spanOf(items.slice(match.from, match.to)),
    };
    return [total, ...match.kept];
  });
}

export function applySplits(items: readonly Item[]): Item[] {
  return rewrite(items, splitPatterns, (match, pattern) => {
    const ways = pattern.ways ?? match.captures.count;
    if (ways === undefined) return undefined;
    const divisor: DivisorItem = {
      kind: 'divisor',
      ways,
      ...spanOf(items.slice(match.from, match.to)),
    };
    return [divisor];
  });
}

/** Most things a message plausibly counts ("3 coffees"); beyond that a number is a price. */
const maxCountedThings = 100;

/**
 * A number that counts the word after it is not a price: in "bought 2 tickets for 30" the 2
 * counts tickets. It must be a small whole number without currency, opening the phrase (at the
 * start, or after "bought", "for", "with"...), and the word after it must be a plural or the
 * number written in words ("one coffee"). Counted numbers go back to being words, so they stay
 * in the description; when a message has no other amount they are kept as the amount.
 */
export function demoteCounts(items: readonly Item[], text: string): Item[] {
  const isCounted = (index: number): boolean => {
    const item = items[index];
    const value = item === undefined ? undefined : countValue(item);
    if (item === undefined || value === undefined || value > maxCountedThings) return false;
    const next = items[index + 1];
    if (next?.kind !== 'word' || separators.has(next.norm) || countLeaders.has(next.norm)) {
      return false;
    }
    const previous = items[index - 1];
    const opensPhrase =
      previous === undefined ||
      previous.kind === 'punct' ||
      (previous.kind === 'word' &&
        (countLeaders.has(previous.norm) || separators.has(previous.norm)));
    const written = text.slice(item.start, item.end);
    const inWords = /^\p{L}/u.test(written);
    return opensPhrase && (inWords || next.stem !== next.norm);
  };
  const counted = new Set(items.flatMap((_, index) => (isCounted(index) ? [index] : [])));
  const amounts = items.filter((item) => item.kind === 'amount').length;
  if (counted.size === 0 || counted.size === amounts) return [...items];
  return items.map((item, index) => {
    if (!counted.has(index)) return item;
    const written = text.slice(item.start, item.end);
    const norm = normalizeWord(written);
    const asWord: WordItem = {
      kind: 'word',
      text: written,
      norm,
      stem: stem(norm),
      start: item.start,
      end: item.end,
    };
    return asWord;
  });
}
