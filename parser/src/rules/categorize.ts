import type { Category } from '@cashtrack/events';
import type { Item } from './items.ts';
import { stem } from './stem.ts';
import { categoryEmoji } from './tables/categoryEmoji.ts';
import { categoryKeywords, type CategoryKeywords } from './tables/categoryKeywords.ts';
import { categoryWordsAbroad } from './tables/categoryWordsAbroad.ts';
import { phraseBoundaries } from './tables/messageWords.ts';

/** Picks the category of an expense from its words with the keyword tables. */

export interface Keyword {
  /** The phrase's words, folded (see `stem.ts`); compared with each item's `norm` when exact. */
  readonly words: readonly string[];
  readonly exact: boolean;
  readonly category: Category;
  readonly priority: number;
}

/** A phrase table indexed by each phrase's first word, so lookups stay cheap per message. */
export type KeywordIndex = ReadonlyMap<string, readonly Keyword[]>;

export function indexKeywords(groups: readonly CategoryKeywords[]): KeywordIndex {
  const index = new Map<string, Keyword[]>();
  for (const group of groups) {
    const exact = group.exact ?? false;
    for (const phrase of group.phrases) {
      const words = phrase
        .toLowerCase()
        .split(/\s+/)
        .map((word) => (exact ? word : stem(word)));
      const first = words[0];
      if (first === undefined) continue;
      const keyword = { words, exact, category: group.category, priority: group.priority ?? 0 };
      index.set(first, [...(index.get(first) ?? []), keyword]);
    }
  }
  return index;
}

const tableIndex = indexKeywords([...categoryKeywords, ...categoryWordsAbroad, ...categoryEmoji]);

function matchesAt(items: readonly Item[], index: number, keyword: Keyword): boolean {
  return keyword.words.every((wanted, offset) => {
    const item = items[index + offset];
    return item?.kind === 'word' && (keyword.exact ? item.norm : item.stem) === wanted;
  });
}

/** A keyword found among an expense's items, with where it sits. */
export interface KeywordMatch {
  readonly keyword: Keyword;
  /** Before the first boundary word ("snacks" in "snacks at the gas station"). */
  readonly inHead: boolean;
  /** Index just after its last word. */
  readonly end: number;
}

/**
 * Which of two matches says more about what was bought: a specific word over a generic one
 * ("vet bill"), the head of the phrase over the place ("snacks at the gas station"), the last
 * word of a compound, which names the thing ("gas station coffee", "train station parking"),
 * then the longer phrase ("gym membership" over "membership"), then the higher priority.
 */
function outranks(a: KeywordMatch, b: KeywordMatch): boolean {
  const aGeneric = a.keyword.priority < 0;
  const bGeneric = b.keyword.priority < 0;
  if (aGeneric !== bGeneric) return bGeneric;
  if (a.inHead !== b.inHead) return a.inHead;
  if (a.end !== b.end) return a.end > b.end;
  if (a.keyword.words.length !== b.keyword.words.length) {
    return a.keyword.words.length > b.keyword.words.length;
  }
  return a.keyword.priority > b.keyword.priority;
}

/** The best match of `index` among `items` (see `outranks`), or undefined when none matches. */
export function bestKeyword(items: readonly Item[], index: KeywordIndex): KeywordMatch | undefined {
  let best: KeywordMatch | undefined;
  let inHead = true;
  items.forEach((item, position) => {
    if (item.kind !== 'word') return;
    if (phraseBoundaries.has(item.norm)) inHead = false;
    const consider = (keyword: Keyword): void => {
      if (!matchesAt(items, position, keyword)) return;
      const match = { keyword, inHead, end: position + keyword.words.length };
      if (best === undefined || outranks(match, best)) best = match;
    };
    index.get(item.stem)?.forEach(consider);
    // Exact phrases are indexed as written: "courses" is found by its norm, not its stem.
    if (item.norm !== item.stem) index.get(item.norm)?.forEach(consider);
  });
  return best;
}

/** The category the keyword tables give `items`, and whether only a generic word chose it. */
export function categorize(
  items: readonly Item[],
): { readonly category: Category; readonly generic: boolean } | undefined {
  const match = bestKeyword(items, tableIndex);
  return match === undefined
    ? undefined
    : { category: match.keyword.category, generic: match.keyword.priority < 0 };
}
