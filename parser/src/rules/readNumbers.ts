import type { AmountItem, Item, WordItem } from './items.ts';
import {
  articleWords,
  joinerWords,
  scaleWords,
  tensWords,
  unitWords,
} from './tables/numberWords.ts';

/**
 * Turns numerals ("12,90", "3.5k", "3 thousand") and numbers in words ("fifteen",
 * "twenty-five", "a hundred and twenty") into amount items, still without currency.
 */

type WordClass = 'unit' | 'teen' | 'tens' | 'scale' | 'closingScale' | 'article' | 'joiner';

function classify(part: string): WordClass | undefined {
  const unit = unitWords[part];
  if (unit !== undefined) return unit < 10 ? 'unit' : 'teen';
  if (tensWords[part] !== undefined) return 'tens';
  const scale = scaleWords[part];
  if (scale !== undefined) return scale.closes ? 'closingScale' : 'scale';
  if (articleWords.has(part)) return 'article';
  if (joinerWords.has(part)) return 'joiner';
  return undefined;
}

/** Which word may follow which: "twenty five" but not "five twenty" (that is a price, 5.20). */
const mayFollow: Readonly<Record<WordClass, ReadonlySet<WordClass | 'start'>>> = {
  unit: new Set(['start', 'tens', 'scale', 'closingScale', 'joiner']),
  teen: new Set(['start', 'scale', 'closingScale', 'joiner']),
  tens: new Set(['start', 'scale', 'closingScale', 'joiner']),
  scale: new Set(['unit', 'teen', 'tens', 'article']),
  closingScale: new Set(['unit', 'teen', 'tens', 'article', 'scale']),
  article: new Set(['start']),
  joiner: new Set(['scale', 'closingScale']),
};

/** The parts of a word item, splitting "twenty-five"; undefined if any part is no number word. */
function numberParts(item: Item | undefined): { part: string; cls: WordClass }[] | undefined {
  if (item?.kind !== 'word') return undefined;
  const parts = item.norm.split('-');
  const classified = parts.map((part) => ({ part, cls: classify(part) }));
  if (classified.some((entry) => entry.cls === undefined)) return undefined;
  // Hyphens only join plain number words ("twenty-five"), never articles or "and".
  if (parts.length > 1 && classified.some((e) => e.cls === 'article' || e.cls === 'joiner')) {
    return undefined;
  }
  return classified as { part: string; cls: WordClass }[];
}

/** Reads number words from `index`; returns the value and the index after the last word used. */
function readNumberWords(
  items: readonly Item[],
  index: number,
): { value: number; next: number } | undefined {
  let total = 0;
  let current = 0;
  let previous: WordClass | 'start' = 'start';
  let next = index;
  // Where the number ends so far: a trailing "a" or "and" is not part of it ("fifteen and a coffee").
  let complete: { value: number; next: number } | undefined;
  while (next < items.length) {
    const parts = numberParts(items[next]);
    if (parts === undefined) break;
    let accepted = true;
    let cursor: WordClass | 'start' = previous;
    let [runTotal, runCurrent] = [total, current];
    for (const { part, cls } of parts) {
      if (!mayFollow[cls].has(cursor)) {
        accepted = false;
        break;
      }
      if (cls === 'unit' || cls === 'teen' || cls === 'tens') {
        runCurrent += unitWords[part] ?? tensWords[part] ?? 0;
      } else if (cls === 'scale' || cls === 'closingScale') {
        const factor = scaleWords[part]?.factor ?? 1;
        const multiplied = Math.max(runCurrent, 1) * factor;
        if (cls === 'closingScale') {
          runTotal += multiplied;
          runCurrent = 0;
        } else {
          runCurrent = multiplied;
        }
      }
      cursor = cls;
    }
    if (!accepted) break;
    [total, current, previous] = [runTotal, runCurrent, cursor];
    next += 1;
    if (previous !== 'article' && previous !== 'joiner')
      complete = { value: total + current, next };
  }
  return complete;
}

function scaleAfter(item: Item | undefined): number | undefined {
  return item?.kind === 'word' ? scaleWords[item.norm]?.factor : undefined;
}

export function readNumbers(items: readonly Item[]): Item[] {
  const result: Item[] = [];
  let index = 0;
  while (index < items.length) {
    const item = items[index] as Item;
    if (item.kind === 'numeral') {
      // "3 thousand", "2 grand", "1.5 million": the scale word multiplies the numeral.
      const scale = scaleAfter(items[index + 1]);
      const last = scale === undefined ? item : (items[index + 1] as WordItem);
      const amount: AmountItem = {
        kind: 'amount',
        value: { literal: item.value.literal, factor: item.value.factor * (scale ?? 1) },
        quantity: 1,
        start: item.start,
        end: last.end,
      };
      result.push(amount);
      index += scale === undefined ? 1 : 2;
      continue;
    }
    const words = readNumberWords(items, index);
    if (words !== undefined) {
      const last = items[words.next - 1] as Item;
      result.push({
        kind: 'amount',
        value: { literal: String(words.value), factor: 1 },
        quantity: 1,
        start: item.start,
        end: last.end,
      });
      index = words.next;
      continue;
    }
    result.push(item);
    index += 1;
  }
  return result;
}
