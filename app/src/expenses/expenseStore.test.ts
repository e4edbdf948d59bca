import { ExpenseStore, type Expense } from './expenseStore';

function expense(id: string, occurredOn: string, overrides: Partial<Expense> = {}): Expense {
  return {
    id,
    amount: { amountMinor: 500, currency: 'USD' },
    category: 'dining',
    description: 'coffee',
    occurredOn,
    source: 'MESSAGE',
    messageId: 'm1',
    parsedBy: 'RULES',
    guessed: false,
    createdAt: '2026-11-24T10:00:00Z',
    version: 1,
    ...overrides,
  };
}

describe('ExpenseStore', () => {
  it('keeps the API order, newest first, whatever order pages and changes arrive in', () => {
    const store = new ExpenseStore();
    store.receivePage([expense('b', '2026-11-20'), expense('a', '2026-11-20')], true);
    store.applyChange({
      cursor: 'c1',
      kind: 'ADDED',
      expenseId: 'c',
      expense: expense('c', '2026-11-24'),
      message: null,
    });
    expect(store.getSnapshot().expenses.map((e) => e.id)).toEqual(['c', 'b', 'a']);
  });

  it('ignores an older version and a change to a deleted expense', () => {
    const store = new ExpenseStore();
    store.upsert(expense('a', '2026-11-20', { version: 3, description: 'new' }));
    store.receivePage([expense('a', '2026-11-20', { version: 2, description: 'old' })], false);
    expect(store.get('a')?.description).toBe('new');
    store.applyChange({
      cursor: 'c2',
      kind: 'DELETED',
      expenseId: 'a',
      expense: null,
      message: null,
    });
    store.upsert(expense('a', '2026-11-20', { version: 4 }));
    expect(store.getSnapshot().expenses).toEqual([]);
  });

  it('shows a message pending, then what the parser made of it, even if the change came first', () => {
    const store = new ExpenseStore();
    store.addLocalMessage('local:1', 'coffee 5');
    store.applyChange({
      cursor: 'c1',
      kind: 'ADDED',
      expenseId: 'x',
      expense: expense('x', '2026-11-24', { messageId: 'm1' }),
      message: { id: 'm1', text: 'coffee 5', status: 'PARSED', reason: null },
    });
    store.messageAccepted('local:1', { id: 'm1', status: 'PENDING', reason: null, expenses: [] });
    const [message] = store.getSnapshot().messages;
    expect(store.getSnapshot().messages).toHaveLength(1);
    expect(message).toMatchObject({
      key: 'local:1',
      id: 'm1',
      status: 'PARSED',
      expenseIds: ['x'],
    });
  });

  it('keeps only what matches the filter', () => {
    const store = new ExpenseStore();
    store.setFilter({ category: 'groceries' });
    store.upsert(expense('a', '2026-11-20'));
    store.upsert(expense('b', '2026-11-20', { category: 'groceries' }));
    expect(store.getSnapshot().expenses.map((e) => e.id)).toEqual(['b']);
  });
});
