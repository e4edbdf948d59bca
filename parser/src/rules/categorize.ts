import type { Category } from '@cashtrack/events';
import type { Item } from './items.ts';
import { stem } from './stem.ts';
import { categoryKeywords } from './tables/categoryKeywords.ts';

/** Picks the category of an expense from its words with the keyword table. */

interface Keyword {
  readonly stems: readonly string[];
  readonly category: Category;
  readonly priority: number;
}

/** The table indexed by each phrase's first word, built once: lookups stay cheap per message. */
const byFirstStem: ReadonlyMap<string, readonly Keyword[]> = (() => {
  const index = new Map<string, Keyword[]>();
  for (const group of categoryKeywords) {
    for (const phrase of group.phrases) {
      const stems = phrase.split(/\s+/).map(stem);
      const first = stems[0];
      if (first === undefined) continue;
      const keyword = { stems, category: group.category, priority: group.priority ?? 0 };
      index.set(first, [...(index.get(first) ?? []), keyword]);
    }
  }
  return index;
})();

function matchesAt(items: readonly Item[], index: number, stems: readonly string[]): boolean {
  return stems.every((wanted, offset) => {
    const item = items[index + offset];
    return item?.kind === 'word' && item.stem === wanted;
  });
}

/** The most specific keyword among `items` (see the table), or undefined when none matches. */
export function categorize(items: readonly Item[]): Category | undefined {
  let best: Keyword | undefined;
  items.forEach((item, index) => {
    if (item.kind !== 'word') return;
    for (const keyword of byFirstStem.get(item.stem) ?? []) {
      if (!matchesAt(items, index, keyword.stems)) continue;
      const better =
        best === undefined ||
        keyword.stems.length > best.stems.length ||
        (keyword.stems.length === best.stems.length && keyword.priority > best.priority);
      if (better) best = keyword;
    }
  });
  return best?.category;
}
