import type { AmountItem, Item } from './items.ts';
import { countValue } from './patterns.ts';
import { normalizeWord } from './stem.ts';
import {
  clockCues,
  measureWords,
  notPurchasePhrases,
  questionOpeners,
} from './tables/messageWords.ts';

/**
 * The few messages that hold a number yet clearly record no purchase. Everything else with an
 * amount becomes an expense, as a guess if need be: a person fixes a guess in a tap, but an
 * expense dropped with "no expense" is data lost.
 */

/** The phrases as word sequences, indexed by their first word, built once. */
const phrasesByFirstWord: ReadonlyMap<string, readonly (readonly string[])[]> = (() => {
  const index = new Map<string, (readonly string[])[]>();
  for (const phrase of notPurchasePhrases) {
    const words = phrase.split(/\s+/).map(normalizeWord);
    const first = words[0];
    if (first !== undefined) index.set(first, [...(index.get(first) ?? []), words]);
  }
  return index;
})();

function holdsPhrase(words: readonly string[]): boolean {
  return words.some((word, start) =>
    (phrasesByFirstWord.get(word) ?? []).some((phrase) =>
      phrase.every((wanted, offset) => words[start + offset] === wanted),
    ),
  );
}

/** A question ("is 12 too much for lunch?"), a reminder or plan, or money coming in. */
export function isClearlyNotPurchase(items: readonly Item[], text: string): boolean {
  if (text.trimEnd().endsWith('?')) return true;
  const words = items.flatMap((item) => (item.kind === 'word' ? [item.norm] : []));
  const first = items[0];
  if (first?.kind === 'word' && questionOpeners.has(first.norm)) return true;
  return holdsPhrase(words);
}

/**
 * A bare whole number that counts or measures ("3 kids", "5 km", "10 minutes") or tells the
 * time ("meeting at 3"): no money, as long as nothing else in its expense says money.
 */
export function isCountOrMeasure(amount: AmountItem, items: readonly Item[]): boolean {
  const value = countValue(amount);
  if (value === undefined) return false;
  const position = items.indexOf(amount);
  const next = items[position + 1];
  if (next?.kind === 'word' && (measureWords.has(next.norm) || measureWords.has(next.stem))) {
    return true;
  }
  // "3 kids", "2 cats": a plural right after counts it.
  if (next?.kind === 'word' && next.stem !== next.norm) return true;
  const previous = items[position - 1];
  return previous?.kind === 'word' && clockCues.has(previous.norm) && value <= 24;
}
