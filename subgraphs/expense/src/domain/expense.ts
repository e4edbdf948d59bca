import type { CashTrackEvent, EventOfType, PayloadOf } from '@cashtrack/events';
import { CodedError, UnreachableCaseError } from '@cashtrack/platform';
import type { ExpenseValues } from './expenseValues.ts';

/**
 * The Expense aggregate as a decider: `decide(command, state)` returns the events a command
 * causes, `evolve(state, event)` folds them; the `expenses` read model stores what `evolve`
 * returns. Pure: ids, versions and times come in with the command or the event.
 */

// Events -------------------------------------------------------------------------------------

/** The events of the Expense aggregate, as they travel. */
export type ExpenseEvent = EventOfType<'ExpenseRecorded' | 'ExpenseUpdated' | 'ExpenseDeleted'>;

export const expenseEventTypes = [
  'ExpenseRecorded',
  'ExpenseUpdated',
  'ExpenseDeleted',
] as const satisfies readonly ExpenseEvent['type'][];

/** An event of this aggregate before it gets its envelope (ids, correlation, time). */
export type ExpenseEventDraft =
  | {
      readonly type: 'ExpenseRecorded';
      readonly aggregateVersion: number;
      readonly payload: PayloadOf<'ExpenseRecorded'>;
    }
  | {
      readonly type: 'ExpenseUpdated';
      readonly aggregateVersion: number;
      readonly payload: PayloadOf<'ExpenseUpdated'>;
    }
  | {
      readonly type: 'ExpenseDeleted';
      readonly aggregateVersion: number;
      readonly payload: PayloadOf<'ExpenseDeleted'>;
    };

// State --------------------------------------------------------------------------------------

/** The parser that made an expense from a message: `llm`, `rules` or `rules-learned`. */
export type ExpenseParser = NonNullable<PayloadOf<'ExpenseRecorded'>['origin']>['parser'];

/** What the events of an expense have said so far. */
export interface ExpenseFacts {
  readonly ownerId: string;
  readonly version: number;
  readonly values: ExpenseValues;
  readonly source: 'MESSAGE' | 'MANUAL';
  /** The chat message the parser found it in; null for a manual expense. */
  readonly messageId: string | null;
  /** The parser that made it; null for a manual expense. */
  readonly parsedBy: ExpenseParser | null;
  /**
   * True while the category is the parser's guess (nothing in the message decided it), so the
   * app asks the person to check it. An update clears it: `updateExpense` replaces every value,
   * so the person has chosen the category, even when they kept it.
   */
  readonly guessed: boolean;
  /** `occurredAt` of ExpenseRecorded and of the last event. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A deleted expense keeps its last values: a DELETED change shows what was deleted. */
export type ExpenseOnRecord =
  ({ readonly status: 'live' } & ExpenseFacts) | ({ readonly status: 'deleted' } & ExpenseFacts);

export type ExpenseState = { readonly status: 'absent' } | ExpenseOnRecord;

export const initialExpenseState: ExpenseState = { status: 'absent' };

// Evolve -------------------------------------------------------------------------------------

/**
 * The state after `event`. An update or deletion of an expense never recorded throws
 * PROJECTION_INVALID: its history is missing, and guessing the values would count it wrongly.
 * An update keeps a deleted expense deleted.
 */
export function evolveExpense(state: ExpenseState, event: ExpenseEvent): ExpenseOnRecord {
  switch (event.type) {
    case 'ExpenseRecorded': {
      const { amountMinor, currency, category, description, occurredOn } = event.payload;
      return {
        status: 'live',
        ownerId: event.userId,
        version: event.aggregateVersion,
        values: { amountMinor, currency, category, description, occurredOn },
        source: event.payload.source,
        messageId: event.payload.origin?.messageId ?? null,
        parsedBy: event.payload.origin?.parser ?? null,
        guessed: event.payload.origin?.guessed === true,
        createdAt: event.occurredAt,
        updatedAt: event.occurredAt,
      };
    }
    case 'ExpenseUpdated': {
      if (state.status === 'absent') throw withoutHistory(event);
      const { amountMinor, currency, category, description, occurredOn } = event.payload;
      return {
        ...state,
        version: event.aggregateVersion,
        values: { amountMinor, currency, category, description, occurredOn },
        guessed: false,
        updatedAt: event.occurredAt,
      };
    }
    case 'ExpenseDeleted':
      if (state.status === 'absent') throw withoutHistory(event);
      return {
        ...state,
        status: 'deleted',
        version: event.aggregateVersion,
        updatedAt: event.occurredAt,
      };
    default:
      throw new UnreachableCaseError(event);
  }
}

function withoutHistory(event: CashTrackEvent): CodedError {
  return new CodedError(
    'PROJECTION_INVALID',
    `${event.type} ${event.eventId} needs an earlier event of ${event.aggregateId}`,
  );
}

// Commands -----------------------------------------------------------------------------------

export interface RecordExpense {
  readonly type: 'RecordExpense';
  readonly userId: string;
  readonly values: ExpenseValues;
}

export interface UpdateExpense {
  readonly type: 'UpdateExpense';
  readonly userId: string;
  readonly values: ExpenseValues;
  /** The version the client last saw; a different current version is a CONFLICT. */
  readonly expectedVersion?: number;
}

export interface DeleteExpense {
  readonly type: 'DeleteExpense';
  readonly userId: string;
  readonly expectedVersion?: number;
}

export type ExpenseCommand = RecordExpense | UpdateExpense | DeleteExpense;

// Decide -------------------------------------------------------------------------------------

/**
 * Throws NOT_FOUND for an expense that does not exist, was deleted or is another user's (the
 * same answer, so ids reveal nothing), CONFLICT for a stale `expectedVersion` or a second
 * RecordExpense with the same id.
 */
export function decideExpense(command: ExpenseCommand, state: ExpenseState): ExpenseEventDraft[] {
  switch (command.type) {
    case 'RecordExpense':
      if (state.status !== 'absent') {
        throw new CodedError('CONFLICT', 'An expense with this id already exists');
      }
      return [
        {
          type: 'ExpenseRecorded',
          aggregateVersion: 1,
          payload: { ...command.values, source: 'MANUAL', origin: null },
        },
      ];
    case 'UpdateExpense': {
      const live = requireOwnLiveExpense(state, command.userId, command.expectedVersion);
      return [
        { type: 'ExpenseUpdated', aggregateVersion: live.version + 1, payload: command.values },
      ];
    }
    case 'DeleteExpense': {
      const live = requireOwnLiveExpense(state, command.userId, command.expectedVersion);
      return [{ type: 'ExpenseDeleted', aggregateVersion: live.version + 1, payload: {} }];
    }
    default:
      throw new UnreachableCaseError(command);
  }
}

function requireOwnLiveExpense(
  state: ExpenseState,
  userId: string,
  expectedVersion: number | undefined,
): Extract<ExpenseState, { status: 'live' }> {
  if (state.status !== 'live' || state.ownerId !== userId) {
    throw new CodedError('NOT_FOUND', 'No such expense');
  }
  if (expectedVersion !== undefined && expectedVersion !== state.version) {
    throw new CodedError(
      'CONFLICT',
      `The expense changed since version ${expectedVersion}; it is at version ${state.version} now`,
      { currentVersion: state.version },
    );
  }
  return state;
}
