import type { ExpenseFieldsFragment } from '../api/generated/graphql';
import type { ExpenseChange } from '../live/liveChanges';

export type Expense = ExpenseFieldsFragment;

export interface ExpenseFilter {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly category?: string | undefined;
  readonly search?: string | undefined;
}

/** One chat message as the person sees it: sent, read by the parser, or answered with a reason. */
export interface ChatMessage {
  /** Local key, stable from the moment it is typed. */
  readonly key: string;
  readonly id: string | undefined;
  readonly text: string;
  readonly status: 'SENDING' | 'PENDING' | 'PARSED' | 'REJECTED' | 'FAILED';
  /** The parser's reason (REJECTED) or the error shown (FAILED). */
  readonly reason: string | null;
  readonly expenseIds: readonly string[];
}

export interface ExpenseSnapshot {
  /** Newest first: occurredOn, then id, as the API pages them. */
  readonly expenses: readonly Expense[];
  readonly byId: ReadonlyMap<string, Expense>;
  readonly messages: readonly ChatMessage[];
  /** Expenses parsed from chat messages, whatever the list's filter. */
  readonly messageExpenses: ReadonlyMap<string, Expense>;
  /** Bumped by every change, so views of derived data (spending) know to reload. */
  readonly revision: number;
}

/** Newest first: later occurredOn, then larger id (the API's order). */
export function compareNewestFirst(a: Expense, b: Expense): number {
  if (a.occurredOn !== b.occurredOn) return a.occurredOn < b.occurredOn ? 1 : -1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

export function matchesFilter(expense: Expense, filter: ExpenseFilter): boolean {
  if (filter.from !== undefined && expense.occurredOn < filter.from) return false;
  if (filter.to !== undefined && expense.occurredOn > filter.to) return false;
  if (filter.category !== undefined && expense.category !== filter.category) return false;
  if (
    filter.search !== undefined &&
    !expense.description.toLowerCase().includes(filter.search.toLowerCase())
  ) {
    return false;
  }
  return true;
}

const statusRank: Readonly<Record<ChatMessage['status'], number>> = {
  SENDING: 0,
  FAILED: 1,
  PENDING: 1,
  PARSED: 2,
  REJECTED: 2,
};

/**
 * The expenses the app has loaded, kept in the API's order and merged from every source: pages,
 * live changes, and the app's own optimistic edits. A change older than what is held (a lower
 * `version`) is ignored, so the order in which pages and live changes arrive does not matter.
 */
export class ExpenseStore {
  private readonly expenses = new Map<string, Expense>();
  private readonly deleted = new Set<string>();
  private messages: ChatMessage[] = [];
  private filter: ExpenseFilter = {};
  private snapshot: ExpenseSnapshot = {
    expenses: [],
    byId: new Map(),
    messages: [],
    messageExpenses: new Map(),
    revision: 0,
  };
  private readonly messageExpenses = new Map<string, Expense>();
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ExpenseSnapshot => this.snapshot;

  /** A new filter: the held expenses are dropped until the first page of it arrives. */
  setFilter(filter: ExpenseFilter): void {
    this.filter = filter;
    this.expenses.clear();
    this.publish();
  }

  currentFilter(): ExpenseFilter {
    return this.filter;
  }

  /** A page from the API; `replace` for the first page of a refresh. */
  receivePage(expenses: readonly Expense[], replace: boolean): void {
    if (replace) this.expenses.clear();
    for (const expense of expenses) this.put(expense);
    this.publish();
  }

  upsert(expense: Expense): void {
    this.put(expense);
    this.publish();
  }

  remove(id: string): void {
    this.expenses.delete(id);
    this.messageExpenses.delete(id);
    this.deleted.add(id);
    this.publish();
  }

  /** Undoes an optimistic removal. */
  restore(expense: Expense): void {
    this.deleted.delete(expense.id);
    this.expenses.set(expense.id, expense);
    this.publish();
  }

  /** Puts back the value held before an optimistic edit, whatever its version. */
  revert(expense: Expense): void {
    this.expenses.set(expense.id, expense);
    this.publish();
  }

  replaceTemporary(temporaryId: string, expense: Expense | undefined): void {
    this.expenses.delete(temporaryId);
    if (expense !== undefined) this.put(expense);
    this.publish();
  }

  get(id: string): Expense | undefined {
    return this.expenses.get(id);
  }

  /** A change heard on the subscription. */
  applyChange(change: ExpenseChange): void {
    const message = change.message;
    switch (change.kind) {
      case 'ADDED':
      case 'UPDATED':
        if (change.expense !== null) this.put(change.expense);
        break;
      case 'DELETED':
        if (change.expenseId !== null) {
          this.expenses.delete(change.expenseId);
          this.messageExpenses.delete(change.expenseId);
          this.deleted.add(change.expenseId);
        }
        break;
      case 'REJECTED':
        break;
    }
    if (message !== null) {
      const expenseId = change.kind === 'ADDED' ? change.expense?.id : undefined;
      this.mergeMessage(message.id, {
        text: message.text,
        status: message.status,
        reason: message.reason,
        ...(expenseId === undefined ? {} : { expenseId }),
      });
    }
    this.publish();
  }

  /** A message the person just typed, before the API has answered. */
  addLocalMessage(key: string, text: string): void {
    this.messages = [
      ...this.messages.slice(-19),
      { key, id: undefined, text, status: 'SENDING', reason: null, expenseIds: [] },
    ];
    this.publish();
  }

  /** The API's answer to logExpense: the message's id (and what is known of it already). */
  messageAccepted(
    key: string,
    message: {
      id: string;
      status: ChatMessage['status'];
      reason: string | null;
      expenses: readonly Expense[];
    },
  ): void {
    // The subscription may have told of it first, under its id: keep one entry, the local one.
    const early = this.messages.find((m) => m.id === message.id && m.key !== key);
    this.messages = this.messages
      .filter((m) => m !== early)
      .map((m) =>
        m.key !== key
          ? m
          : {
              ...m,
              id: message.id,
              status: higher(m.status, higher(message.status, early?.status ?? 'PENDING')),
              reason: early?.reason ?? message.reason,
              expenseIds: unique([
                ...m.expenseIds,
                ...(early?.expenseIds ?? []),
                ...message.expenses.map((e) => e.id),
              ]),
            },
      );
    for (const expense of message.expenses) this.put(expense);
    this.publish();
  }

  messageFailed(key: string, reason: string): void {
    this.messages = this.messages.map((m) =>
      m.key === key ? { ...m, status: 'FAILED', reason } : m,
    );
    this.publish();
  }

  private mergeMessage(
    id: string,
    update: {
      text: string;
      status: ChatMessage['status'];
      reason: string | null;
      expenseId?: string;
    },
  ): void {
    const known = this.messages.some((m) => m.id === id);
    if (!known) {
      this.messages = [
        ...this.messages.slice(-19),
        {
          key: `remote:${id}`,
          id,
          text: update.text,
          status: update.status,
          reason: update.reason,
          expenseIds: update.expenseId === undefined ? [] : [update.expenseId],
        },
      ];
      return;
    }
    this.messages = this.messages.map((m) =>
      m.id !== id
        ? m
        : {
            ...m,
            status: higher(m.status, update.status),
            reason: update.reason ?? m.reason,
            expenseIds:
              update.expenseId === undefined
                ? m.expenseIds
                : unique([...m.expenseIds, update.expenseId]),
          },
    );
  }

  private put(expense: Expense): void {
    if (this.deleted.has(expense.id)) return;
    if (expense.messageId !== null) {
      const parsed = this.messageExpenses.get(expense.id);
      if (parsed === undefined || parsed.version <= expense.version) {
        this.messageExpenses.set(expense.id, expense);
      }
    }
    const held = this.expenses.get(expense.id);
    if (held !== undefined && held.version > expense.version) return;
    if (held === undefined && !matchesFilter(expense, this.filter)) return;
    this.expenses.set(expense.id, expense);
  }

  private publish(): void {
    const expenses = [...this.expenses.values()]
      .filter((expense) => matchesFilter(expense, this.filter))
      .sort(compareNewestFirst);
    this.snapshot = {
      expenses,
      byId: new Map(this.expenses),
      messages: this.messages,
      messageExpenses: new Map(this.messageExpenses),
      revision: this.snapshot.revision + 1,
    };
    for (const listener of this.listeners) listener();
  }
}

function higher(a: ChatMessage['status'], b: ChatMessage['status']): ChatMessage['status'] {
  return statusRank[b] > statusRank[a] ? b : a;
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
