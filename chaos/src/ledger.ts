/**
 * What the chaos run records and observes, shared by the workload (which writes it) and the
 * invariant checks (which judge it). Plain data, so the checks stay pure.
 */

export interface ExpenseValues {
  readonly amountMinor: number;
  readonly category: string;
  readonly description: string;
  readonly occurredOn: string;
}

export type Operation =
  | {
      readonly kind: 'logExpense';
      readonly text: string;
      /** How many expenses the rules parser finds in `text` (0: the message is rejected). */
      readonly expectedExpenses: number;
      /** Known once acknowledged. */
      readonly messageId?: string;
    }
  | {
      readonly kind: 'addExpense';
      /** A tag unique in the run, carried in the description, to recognise an unacknowledged add. */
      readonly tag: string;
      readonly values: ExpenseValues;
      readonly expenseId?: string;
      readonly version?: number;
    }
  | {
      readonly kind: 'updateExpense';
      readonly expenseId: string;
      readonly values: ExpenseValues;
      readonly version?: number;
    }
  | { readonly kind: 'deleteExpense'; readonly expenseId: string };

export type OperationKind = Operation['kind'];

/** One write a user made, in the order that user made them (one at a time per user). */
export interface OperationRecord {
  readonly userId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** The gateway answered with data and no error: the write must never be lost. */
  readonly acknowledged: boolean;
  /** For a failed write: its error code, or the transport failure. The outcome is unknown. */
  readonly errorCode?: string;
  /** A write made before the user's subscriber was known to listen: not expected to be heard. */
  readonly warmUp?: boolean;
  readonly operation: Operation;
}

/** One change a subscriber heard, in the order it heard them. */
export interface HeardChange {
  readonly cursor: string;
  readonly kind: 'ADDED' | 'UPDATED' | 'DELETED' | 'REJECTED';
  readonly expenseId: string | null;
  readonly version: number | null;
  readonly messageId: string | null;
}

export interface SubscriberLog {
  readonly userId: string;
  /**
   * The first change heard (the warm-up's), after which every change counts: the reference
   * replay starts after it, and every later acknowledged write must be heard.
   */
  readonly baseCursor: string | undefined;
  /** Everything heard after `baseCursor`, across every reconnection. */
  readonly heard: readonly HeardChange[];
  readonly reconnects: number;
}

export interface ObservedExpense extends ExpenseValues {
  readonly id: string;
  readonly version: number;
  readonly source: 'MESSAGE' | 'MANUAL';
  readonly messageId: string | null;
}

export interface ObservedMessage {
  readonly id: string;
  readonly text: string;
  readonly status: 'PENDING' | 'PARSED' | 'REJECTED';
}

export interface ObservedGroup {
  readonly key: string;
  readonly totalMinor: number;
  readonly count: number;
}

export interface ObservedSummary {
  readonly groupBy: 'CATEGORY' | 'DAY' | 'MONTH';
  /** The range asked for; it covers every expense the workload writes. */
  readonly from: string;
  readonly to: string;
  readonly totalMinor: number;
  readonly count: number;
  readonly groups: readonly ObservedGroup[];
}

/** A user's state as the gateway answers it once the system has settled. */
export interface ObservedUser {
  readonly userId: string;
  /** Every live (not deleted) expense, from the paged `expenses` query. */
  readonly expenses: readonly ObservedExpense[];
  /** The acknowledged messages and those the expenses name, by id. */
  readonly messages: ReadonlyMap<string, ObservedMessage>;
  readonly summaries: readonly ObservedSummary[];
  /** A fresh subscription's replay after the subscriber's `baseCursor`: the reference history. */
  readonly replay: readonly HeardChange[];
}

export interface FaultRecord {
  readonly target: string;
  readonly killedAt: number;
  /** When the target answered ready again; undefined when it never did. */
  readonly readyAt: number | undefined;
  readonly error?: string;
}
