import type { Collection, Db } from 'mongodb';
import type { TraceCarrier } from '@cashtrack/platform';
import type { ExpenseView } from '../readModels/expensesReadModel.ts';

/**
 * Every change subscribers hear, in order per user, so a client that reconnects with the last
 * cursor it saw gets exactly what it missed. Written by the projector after the read models have
 * the change (never before); each document is keyed by its cursor, so a redelivered event
 * rewrites the same document.
 */
export interface ChangeLogEntry {
  /** The cursor: the change's position in `cashtrack.expenses` (`eventCursor`), ordered per user. */
  readonly _id: string;
  readonly userId: string;
  readonly kind: 'ADDED' | 'UPDATED' | 'DELETED' | 'REJECTED';
  readonly expenseId: string | null;
  /** The expense after the change; for DELETED its last state; null for REJECTED. */
  readonly expense: ExpenseView | null;
  readonly messageId: string | null;
  /** When the event that made the change happened (ISO-8601 UTC). */
  readonly occurredAt: string;
  /**
   * The trace of the event that made the change (the projector's span for it), which each
   * subscriber's delivery continues; the subgraph sends it beside the change, not in it
   * (`tracedSubscriptionEvents`). Absent while tracing is off.
   */
  readonly traceContext?: TraceCarrier;
}

export type ChangeLog = Collection<ChangeLogEntry>;

export const changeLogCollectionName = 'expenseChanges';

/**
 * The index every change log read names in a hint. On MongoDB that is the plan it would pick
 * anyway; on our local FerretDB build the hint is what lets SQLite seek to the user's cursor and
 * read in order instead of decoding every user's changes (infra/ferretdb/patches/README.md).
 * Both fields are plain strings (user ids, cursors of digits and '-').
 */
const byUserCursor = { userId: 1, _id: 1 } as const;

/**
 * The cursor at which each event's change was first logged, by event id. A producer that dies
 * after publishing but before committing what it consumed (the parser worker, say) publishes the
 * same event, with the same id, again at a later offset; the projector finds it applied already
 * and would log its change a second time under the new cursor, so a subscriber would hear it
 * twice. Only the cursor recorded here is logged (again, idempotently, after a redelivery).
 */
export interface ChangeEventEntry {
  /** The event id. */
  readonly _id: string;
  readonly cursor: string;
}

export type ChangeEvents = Collection<ChangeEventEntry>;

export const changeEventsCollectionName = 'expenseChangeEvents';

/** Keyed by `_id` alone: no index to create. */
export function openChangeEvents(db: Db): ChangeEvents {
  return db.collection<ChangeEventEntry>(changeEventsCollectionName);
}

export async function openChangeLog(db: Db): Promise<ChangeLog> {
  const changeLog = db.collection<ChangeLogEntry>(changeLogCollectionName);
  await changeLog.createIndex(byUserCursor);
  return changeLog;
}

/** The user's changes after `after` (all of them for ''), oldest first, at most `limit`. */
export function changesAfter(changeLog: ChangeLog, userId: string, after: string, limit: number) {
  return changeLog
    .find({ userId, _id: { $gt: after } }, { hint: byUserCursor })
    .sort({ _id: 1 })
    .limit(limit)
    .toArray();
}

/** The user's newest cursor, or '' when they have no change yet. */
export async function latestCursor(changeLog: ChangeLog, userId: string): Promise<string> {
  const [newest] = await changeLog
    .find({ userId }, { hint: byUserCursor })
    .sort({ _id: -1 })
    .limit(1)
    .toArray();
  return newest?._id ?? '';
}
