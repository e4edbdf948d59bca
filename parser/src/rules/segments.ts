import type { AmountItem, Item } from './items.ts';
import { fillerWords, separators } from './tables/messageWords.ts';

/**
 * Cuts a message into one stretch of items per amount: "gas 40 and parking 6" holds two
 * expenses. Between two amounts the cut goes at a separator ("and", "+", ","...), preferring
 * one right before the second amount ("$12 lunch with Anna and Bob and $30 dinner"). Without a
 * separator the message's own layout decides: labels first ("coffee 4 sandwich 8") cut after
 * each amount, amounts first ("$12 lunch $8 coffee") cut before each.
 */

export interface Segment {
  readonly amount: AmountItem;
  /** The items of this expense, the amount included, separators excluded. */
  readonly items: readonly Item[];
}

export function isSeparator(item: Item | undefined): boolean {
  return (item?.kind === 'word' || item?.kind === 'punct') && separators.has(item.norm);
}

/** Items that belong with the amount before them: "coffee 4 yesterday sandwich 8". */
function trailsAmount(item: Item | undefined): boolean {
  return item?.kind === 'date' || item?.kind === 'divisor' || item?.kind === 'ignored';
}

export function segment(items: readonly Item[]): Segment[] {
  const positions = items.flatMap((item, index) => (item.kind === 'amount' ? [index] : []));
  const first = positions[0];
  if (first === undefined) return [];
  const labelsFirst = items
    .slice(0, first)
    .some((item) => item.kind === 'word' && !fillerWords.has(item.norm));

  // Each cut: where the previous segment ends (exclusive) and the next one starts.
  const cuts: { end: number; start: number }[] = [];
  for (let pair = 0; pair + 1 < positions.length; pair += 1) {
    const current = positions[pair] as number;
    const next = positions[pair + 1] as number;
    const between: number[] = [];
    for (let index = current + 1; index < next; index += 1) {
      if (isSeparator(items[index])) between.push(index);
    }
    const separator = between.includes(next - 1) ? next - 1 : between[0];
    if (separator !== undefined) {
      cuts.push({ end: separator, start: separator + 1 });
    } else if (labelsFirst) {
      let end = current + 1;
      while (end < next && trailsAmount(items[end])) end += 1;
      cuts.push({ end, start: end });
    } else {
      cuts.push({ end: next, start: next });
    }
  }

  return positions.map((position, index) => {
    const start = index === 0 ? 0 : (cuts[index - 1]?.start ?? 0);
    const end = cuts[index]?.end ?? items.length;
    return { amount: items[position] as AmountItem, items: items.slice(start, end) };
  });
}
