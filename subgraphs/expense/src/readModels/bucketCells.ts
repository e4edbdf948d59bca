import type { MonthTotals, TotalsCell } from '../domain/spendingSummary.ts';
import type { TotalsCellDelta } from '../domain/spendingTotals.ts';

/**
 * A spending totals bucket's day-and-category cells as its document holds them: one text,
 * `DD category amountMinor count` per cell, cells joined by `;`, sorted by day then category,
 * and a cell back at zero (its expenses deleted or moved) left out, as summaries skip it anyway.
 *
 * One text rather than a subdocument per cell because FerretDB 1.x on SQLite decodes and
 * re-encodes every value of a document on each read and update: a bucket of 300 cells as
 * subdocuments cost 13 ms of FerretDB CPU per update, the same cells as one string 0.65 ms
 * (measured on the local build). A busy user's month holds up to 31 days times 15 categories.
 * The month's totals per category are the sums over its days, added up when read.
 */
export type PackedCells = string;

/** A cell's key in `unpackCells`'s map: `DD category`. */
function cellKey(day: string, category: string): string {
  return `${day} ${category}`;
}

export function unpackCells(packed: PackedCells): Map<string, TotalsCell> {
  const cells = new Map<string, TotalsCell>();
  if (packed === '') return cells;
  for (const text of packed.split(';')) {
    const [day = '', category = '', amountMinor = '', count = ''] = text.split(' ');
    cells.set(cellKey(day, category), { amountMinor: Number(amountMinor), count: Number(count) });
  }
  return cells;
}

export function packCells(cells: ReadonlyMap<string, TotalsCell>): PackedCells {
  return [...cells]
    .filter(([, cell]) => cell.amountMinor !== 0 || cell.count !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, cell]) => `${key} ${cell.amountMinor} ${cell.count}`)
    .join(';');
}

/** `packed` with `deltas` added to their cells. */
export function addToCells(packed: PackedCells, deltas: readonly TotalsCellDelta[]): PackedCells {
  const cells = unpackCells(packed);
  for (const delta of deltas) {
    const key = cellKey(delta.day, delta.category);
    const cell = cells.get(key);
    cells.set(key, {
      amountMinor: (cell?.amountMinor ?? 0) + delta.amountMinor,
      count: (cell?.count ?? 0) + delta.count,
    });
  }
  return packCells(cells);
}

/** The month's cells by day and category, and their sums by category, as summaries read them. */
export function totalsOfCells(packed: PackedCells): Pick<MonthTotals, 'byCategory' | 'byDay'> {
  const byCategory: Record<string, TotalsCell> = {};
  const byDay: Record<string, Record<string, TotalsCell>> = {};
  for (const [key, cell] of unpackCells(packed)) {
    const [day = '', category = ''] = key.split(' ');
    (byDay[day] ??= {})[category] = cell;
    const sum = byCategory[category];
    byCategory[category] = {
      amountMinor: (sum?.amountMinor ?? 0) + cell.amountMinor,
      count: (sum?.count ?? 0) + cell.count,
    };
  }
  return { byCategory, byDay };
}
