import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import { ApiError } from '../api/errors';
import { operationName, tokenPayload, webSession } from '../auth/sessionTestKit';
import { SignedInProvider } from '../shell/AppContext';
import { ExpenseStore, type Expense } from './expenseStore';
import { ExpensesScreen } from './ExpensesScreen';

const groceries: Expense = {
  id: 'e1',
  amount: { amountMinor: 5000, currency: 'USD' },
  category: 'groceries',
  description: 'groceries',
  occurredOn: '2026-11-24',
  source: 'MESSAGE',
  messageId: 'm0',
  parsedBy: 'RULES',
  guessed: false,
  createdAt: '2026-11-24T10:00:00Z',
  version: 1,
};

/**
 * Signs in (the fake gateway renews the session and answers the app's other operations with
 * `handle`) and shows the expenses screen, as the signed-in app would.
 */
async function showExpenses(
  handle: (name: string, variables: unknown) => unknown,
  store?: ExpenseStore,
): Promise<void> {
  const session = webSession(async (document, variables) => {
    const name = operationName(document as TypedDocumentNode<unknown, unknown>);
    if (name === 'RefreshSession') {
      return { refreshSession: { ...tokenPayload(1, Date.now()), refreshToken: '' } } as never;
    }
    if (name === 'Me') return { me: null } as never;
    return handle(name, variables) as never;
  });
  await session.restore();
  render(
    <SignedInProvider session={session} live={false} store={store}>
      <ExpensesScreen />
    </SignedInProvider>,
  );
}

const onePage = {
  expenses: {
    edges: [{ cursor: 'c1', node: groceries }],
    pageInfo: { hasNextPage: false, endCursor: 'c1' },
  },
};

describe('ExpensesScreen', () => {
  it('lists expenses with money formatted from minor units', async () => {
    await showExpenses(() => onePage);
    expect(await screen.findByText('$50.00')).toBeTruthy();
    expect(
      screen.getByRole('button', { name: /^groceries, \$50\.00, groceries, 2026-11-24/ }),
    ).toBeTruthy();
  });

  it('shows a message as pending at once, then the expense a live change brings', async () => {
    let answer: ((value: unknown) => void) | undefined;
    const store = new ExpenseStore();
    await showExpenses((name) => {
      if (name === 'Expenses') return onePage;
      if (name === 'LogExpense') return new Promise((resolve) => (answer = resolve));
      return {};
    }, store);
    await screen.findByText('$50.00');
    fireEvent.changeText(screen.getByLabelText('What did you spend?'), 'coffee 4');
    fireEvent(screen.getByLabelText('What did you spend?'), 'submitEditing');
    expect(await screen.findByText('coffee 4')).toBeTruthy();
    expect(screen.getByText('Reading…')).toBeTruthy();
    await act(async () => {
      answer?.({
        logExpense: { id: 'm1', text: 'coffee 4', status: 'PENDING', reason: null, expenses: [] },
      });
    });
    act(() => {
      store.applyChange({
        cursor: 'k1',
        kind: 'ADDED',
        expenseId: 'e2',
        expense: {
          ...groceries,
          id: 'e2',
          amount: { amountMinor: 400, currency: 'USD' },
          category: 'dining',
          description: 'coffee',
          messageId: 'm1',
        },
        message: { id: 'm1', text: 'coffee 4', status: 'PARSED', reason: null },
      });
    });
    expect(await screen.findByText('$4.00')).toBeTruthy();
    expect(screen.queryByText('Reading…')).toBeNull();
  });

  it('asks the person to check a guessed category, and stops asking once they saved it', async () => {
    const guess: Expense = { ...groceries, category: 'other', description: 'bento', guessed: true };
    const updates: unknown[] = [];
    await showExpenses((name, variables) => {
      if (name === 'Expenses') {
        return { expenses: { ...onePage.expenses, edges: [{ cursor: 'c1', node: guess }] } };
      }
      if (name === 'UpdateExpense') {
        updates.push(variables);
        return {
          updateExpense: { ...guess, category: 'dining', guessed: false, version: 2 },
        };
      }
      return {};
    });
    fireEvent.press(await screen.findByRole('button', { name: 'Check category of bento, $50.00' }));
    expect(screen.getByText(/The parser guessed this category/)).toBeTruthy();
    fireEvent.press(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(updates).toMatchObject([
        { id: 'e1', input: { category: 'other', description: 'bento' } },
      ]),
    );
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: /^Check category/ })).toBeNull(),
    );
    expect(screen.getByRole('button', { name: /^bento, \$50\.00, dining/ })).toBeTruthy();
  });

  it('takes an optimistic delete back and says why when the API refuses it', async () => {
    await showExpenses((name) => {
      if (name === 'Expenses') return onePage;
      if (name === 'DeleteExpense')
        throw new ApiError('RATE_LIMITED', 'slow', { retryAfterSeconds: 7 });
      return {};
    });
    fireEvent.press(await screen.findByRole('button', { name: /^groceries, \$50\.00/ }));
    fireEvent.press(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Too many requests. Try again in 7 seconds.')).toBeTruthy();
    await waitFor(() => expect(screen.getByText('$50.00')).toBeTruthy());
  });
  it('renders a window of a 1,000-expense list, not every row (virtualised)', async () => {
    const edges = Array.from({ length: 1_000 }, (_, i) => ({
      cursor: `c${i}`,
      node: {
        ...groceries,
        id: `e${String(1_000 - i).padStart(4, '0')}`,
        description: `item ${i}`,
      },
    }));
    await showExpenses(() => ({
      expenses: { edges, pageInfo: { hasNextPage: false, endCursor: 'c999' } },
    }));
    await screen.findByText('item 0');
    const rows = screen.getAllByRole('button', { name: /^item \d+, \$50\.00/ });
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(200);
    expect(screen.queryByText('item 999')).toBeNull();
  });
});
