import type { Collection, Filter } from 'mongodb';
import type { Category } from '@cashtrack/events';
import type { ReadModelDocument } from '@cashtrack/events/mongo';
import type { ExpensesFilter } from '../domain/expenseQueries.ts';
import {
  initialExpenseState,
  type ExpenseOnRecord,
  type ExpenseParser,
  type ExpenseState,
} from '../domain/expense.ts';
import { decodeExpenseCursor, encodeExpenseCursor } from './expenseCursor.ts';

/** The projected state of one expense (the `expenses` collection). */
export type ExpenseRecord = {
  readonly userId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly category: Category;
  readonly description: string;
  readonly occurredOn: string;
  readonly source: 'MESSAGE' | 'MANUAL';
  readonly messageId: string | null;
  /**
   * The parser that made it and whether its category is still a guess (ExpenseFacts). Absent
   * in documents written before version 3 of the read model: they read as null and false.
   */
  readonly parsedBy?: ExpenseParser | null;
  readonly guessed?: boolean;
  /** `occurredAt` of ExpenseRecorded and of the last event applied. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Deleted expenses stay as tombstones, so a redelivered older event cannot revive them. */
  readonly deleted: boolean;
  /**
   * The last few events applied, newest last. A mutation waiting for its event looks its version
   * up here: another eventId at that version means a concurrent writer won (CONFLICT).
   */
  readonly appliedEvents: readonly { readonly version: number; readonly eventId: string }[];
};

export type ExpenseDocument = ReadModelDocument<ExpenseRecord>;
export type ExpensesCollection = Collection<ExpenseDocument>;

/** How many applied event ids an expense document remembers. */
export const rememberedEvents = 8;

/** An expense as the API shows it. */
export interface ExpenseView {
  readonly id: string;
  readonly userId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly category: string;
  readonly description: string;
  readonly occurredOn: string;
  readonly source: 'MESSAGE' | 'MANUAL';
  readonly messageId: string | null;
  readonly parsedBy: ExpenseParser | null;
  readonly guessed: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  /** True when built from the event because the projector had not applied it in time. */
  readonly pending: boolean;
}

export function expenseViewOf(document: ExpenseDocument): ExpenseView {
  return {
    id: document._id,
    userId: document.userId,
    amountMinor: document.amountMinor,
    currency: document.currency,
    category: document.category,
    description: document.description,
    occurredOn: document.occurredOn,
    source: document.source,
    messageId: document.messageId,
    parsedBy: document.parsedBy ?? null,
    guessed: document.guessed ?? false,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    version: document.aggregateVersion,
    pending: false,
  };
}

/** The decider's view of a document: another user's or a deleted expense reads as what it is. */
export function expenseStateOf(document: ExpenseDocument | null): ExpenseState {
  return document === null
    ? initialExpenseState
    : stateOfRecord(document, document.aggregateVersion);
}

/** The aggregate state a record holds, at `version`. */
export function stateOfRecord(record: ExpenseRecord, version: number): ExpenseOnRecord {
  const { amountMinor, currency, category, description, occurredOn } = record;
  return {
    status: record.deleted ? 'deleted' : 'live',
    ownerId: record.userId,
    version,
    values: { amountMinor, currency, category, description, occurredOn },
    source: record.source,
    messageId: record.messageId,
    parsedBy: record.parsedBy ?? null,
    guessed: record.guessed ?? false,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The record of a state, with the events applied to reach it. */
export function recordOfState(
  state: ExpenseOnRecord,
  appliedEvents: ExpenseRecord['appliedEvents'],
): ExpenseRecord {
  return {
    userId: state.ownerId,
    ...state.values,
    source: state.source,
    messageId: state.messageId,
    parsedBy: state.parsedBy,
    guessed: state.guessed,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    deleted: state.status === 'deleted',
    appliedEvents,
  };
}

/**
 * Where a mutation's event stands in the read model: `applied` (ours is at its version),
 * `lost` (another event took that version: a concurrent writer won) or `waiting`.
 */
export function projectionOfEvent(
  document: ExpenseDocument | null,
  version: number,
  eventId: string,
): 'applied' | 'lost' | 'waiting' {
  if (document === null || document.aggregateVersion < version) return 'waiting';
  const atVersion = document.appliedEvents.find((applied) => applied.version === version);
  // Older than the remembered window: ours was applied long ago or lost long ago; the document
  // moved on either way, and it is what the caller gets.
  if (atVersion === undefined) return 'applied';
  return atVersion.eventId === eventId ? 'applied' : 'lost';
}

/** The viewer's live expense, or null (absent, deleted or another user's alike). */
export async function findOwnExpense(
  expenses: ExpensesCollection,
  userId: string,
  id: string,
): Promise<ExpenseDocument | null> {
  return expenses.findOne({ _id: id, userId, deleted: false });
}

export async function findOwnExpensesByIds(
  expenses: ExpensesCollection,
  userId: string,
  ids: readonly string[],
): Promise<ExpenseDocument[]> {
  if (ids.length === 0) return [];
  const found = await expenses.find({ _id: { $in: [...ids] }, userId, deleted: false }).toArray();
  const byId = new Map(found.map((document) => [document._id, document]));
  return ids.flatMap((id) => {
    const document = byId.get(id);
    return document === undefined ? [] : [document];
  });
}

export interface ExpensePage {
  readonly edges: readonly { readonly cursor: string; readonly node: ExpenseView }[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

/**
 * One page of the viewer's expenses, newest `occurredOn` first, then id descending, after
 * `after`. Served by the `{userId, deleted, occurredOn, _id}` index (or its category twin), named
 * in a hint; the description search is a case-insensitive regular expression of the escaped text,
 * applied on top of that index scan (FerretDB has no `$text`).
 *
 * The hint changes nothing on MongoDB, which would pick that index anyway. On our local FerretDB
 * build it is what lets SQLite do the work: the equalities and the `occurredOn` range go through the
 * index, rows come back in sort order, and reading stops after `first + 1` matches (see
 * infra/ferretdb/patches/README.md). That is also why the cursor adds `occurredOn <= cursor date`,
 * which its `$or` already implies: the `$or` is only checked row by row.
 */
export async function listOwnExpenses(
  expenses: ExpensesCollection,
  userId: string,
  filter: ExpensesFilter,
  first: number,
  after: string | undefined,
): Promise<ExpensePage> {
  const cursor = after === undefined ? undefined : decodeExpenseCursor(after);
  const query: Record<string, unknown> = { userId, deleted: false };
  const occurredOn: { $gte?: string; $lte?: string } = {};
  if (filter.from !== undefined) occurredOn.$gte = filter.from;
  const latest = earlierDate(filter.to, cursor?.occurredOn);
  if (latest !== undefined) occurredOn.$lte = latest;
  if (Object.keys(occurredOn).length > 0) query.occurredOn = occurredOn;
  if (filter.category !== undefined) query.category = filter.category;
  if (filter.search !== undefined) {
    query.description = { $regex: escapeRegExp(filter.search), $options: 'i' };
  }
  if (cursor !== undefined) {
    query.$or = [
      { occurredOn: { $lt: cursor.occurredOn } },
      { occurredOn: cursor.occurredOn, _id: { $lt: cursor.id } },
    ];
  }
  const documents = await expenses
    .find(query as Filter<ExpenseDocument>)
    .sort({ occurredOn: -1, _id: -1 })
    .hint(
      filter.category === undefined ? expenseIndexes.byUserDate : expenseIndexes.byUserCategoryDate,
    )
    .limit(first + 1)
    .toArray();
  return {
    edges: documents.slice(0, first).map((document) => ({
      cursor: encodeExpenseCursor({ occurredOn: document.occurredOn, id: document._id }),
      node: expenseViewOf(document),
    })),
    hasNextPage: documents.length > first,
    hasPreviousPage: after !== undefined,
  };
}

/** The earlier of two optional calendar dates (`YYYY-MM-DD` compares as text). */
function earlierDate(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Names of the indexes `listOwnExpenses` hints at; `prepareExpenses` creates them. */
const expenseIndexes = { byUserDate: 'byUserDate', byUserCategoryDate: 'byUserCategoryDate' };

/**
 * One index per query shape: by user and date, and by user, category and date. Every field in them
 * holds a single string or boolean, never an array: our FerretDB build relies on that for hinted
 * queries.
 */
export async function prepareExpenses(expenses: Collection<ExpenseDocument>): Promise<void> {
  await expenses.createIndexes([
    {
      key: { userId: 1, deleted: 1, occurredOn: -1, _id: -1 },
      name: expenseIndexes.byUserDate,
    },
    {
      key: { userId: 1, deleted: 1, category: 1, occurredOn: -1, _id: -1 },
      name: expenseIndexes.byUserCategoryDate,
    },
  ]);
}
