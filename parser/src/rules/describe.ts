import type { Category } from '@cashtrack/events';
import { maxDescriptionLength } from '../extraction/types.ts';
import type { Item } from './items.ts';
import { isSeparator } from './segments.ts';
import { fillerWords } from './tables/messageWords.ts';

/**
 * The short label of an expense, in the user's own words: what is left of its stretch of the
 * message once amounts, dates and shares are taken out, without filler at the edges.
 * "Spent $50 on groceries today" → "groceries"; "€12 lunch with Anna" → "lunch with Anna".
 */

function isText(item: Item): boolean {
  return item.kind === 'word' || item.kind === 'punct';
}

function isEdgeNoise(item: Item): boolean {
  return (
    item.kind === 'punct' ||
    isSeparator(item) ||
    (item.kind === 'word' && fillerWords.has(item.norm))
  );
}

function trimmed(run: readonly Item[]): readonly Item[] {
  let from = 0;
  let to = run.length;
  while (from < to && isEdgeNoise(run[from] as Item)) from += 1;
  while (to > from && isEdgeNoise(run[to - 1] as Item)) to -= 1;
  return run.slice(from, to);
}

/** Runs of consecutive words and punctuation, split wherever something else sits between. */
function textRuns(items: readonly Item[]): Item[][] {
  const runs: Item[][] = [[]];
  for (const item of items) {
    if (isText(item)) runs[runs.length - 1]?.push(item);
    else runs.push([]);
  }
  return runs;
}

function capped(label: string): string {
  const characters = [...label];
  return characters.length <= maxDescriptionLength
    ? label
    : characters.slice(0, maxDescriptionLength).join('').trimEnd();
}

/** The stretch of the message `items` cover, as written (one line, cut to the maximum). */
export function quote(items: readonly Item[], text: string): string {
  const first = items[0];
  const last = items[items.length - 1];
  if (first === undefined || last === undefined) return 'expense';
  return capped(text.slice(first.start, last.end).replace(/\s+/g, ' ').trim()) || 'expense';
}

export function describe(items: readonly Item[], text: string, category: Category): string {
  const parts = textRuns(items)
    .map(trimmed)
    .filter((run) => run.length > 0)
    .map((run) => text.slice((run[0] as Item).start, (run[run.length - 1] as Item).end));
  const label = parts.join(' ').replace(/\s+/g, ' ').trim();
  if (label === '') return category === 'other' ? 'expense' : category.replace('_', ' ');
  return capped(label);
}
