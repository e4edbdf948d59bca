import type { PayloadOf } from '@cashtrack/events';
import { CodedError, UnreachableCaseError } from '@cashtrack/platform';
import type { ExpenseValues } from './expenseValues.ts';

/**
 * The Expense aggregate as a decider: `decide(command, state)` returns the events a command
 * causes, `evolve(state, event)` folds them. Pure: ids and versions come in with the command.
 */

// Events -------------------------------------------------------------------------------------

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

export type ExpenseState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'live';
      readonly ownerId: string;
      readonly version: number;
      readonly values: ExpenseValues;
    }
  | { readonly status: 'deleted'; readonly ownerId: string; readonly version: number };

export const initialExpenseState: ExpenseState = { status: 'absent' };

// Evolve -------------------------------------------------------------------------------------

export function evolveExpense(
  state: ExpenseState,
  ownerId: string,
  event: ExpenseEventDraft,
): ExpenseState {
  switch (event.type) {
    case 'ExpenseRecorded':
    case 'ExpenseUpdated': {
      const { amountMinor, currency, category, description, occurredOn } = event.payload;
      return {
        status: 'live',
        ownerId,
        version: event.aggregateVersion,
        values: { amountMinor, currency, category, description, occurredOn },
      };
    }
    case 'ExpenseDeleted':
      return state.status === 'absent'
        ? state
        : { status: 'deleted', ownerId, version: event.aggregateVersion };
    default:
      throw new UnreachableCaseError(event);
  }
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
