import { describe, expect, it } from '@jest/globals';
import { SharedQueryFetches } from '../src/replicas/sharedQueryFetches.ts';

interface Answer {
  readonly data: { expenses: string[] };
}

/** A subgraph fetch the test answers when it chooses, counting how many were started. */
function subgraph(): {
  readonly started: () => number;
  readonly fetch: () => Promise<Answer>;
  readonly answer: (index: number, expenses: string[]) => void;
  readonly fail: (index: number, error: Error) => void;
} {
  const pending: { resolve: (answer: Answer) => void; reject: (error: Error) => void }[] = [];
  return {
    started: () => pending.length,
    fetch: () =>
      new Promise<Answer>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
    answer: (index, expenses) => pending[index]?.resolve({ data: { expenses } }),
    fail: (index, error) => pending[index]?.reject(error),
  };
}

const copy = (answer: Answer): Answer => structuredClone(answer);
const query = 'expense\nBearer token-1\n\nquery { expenses { id } }\n{}';

describe('SharedQueryFetches', () => {
  it('lets identical fetches of one user in flight at once share one, each with its own copy', async () => {
    const shared = new SharedQueryFetches(copy);
    const expense = subgraph();
    const first = shared.fetch('user-1', query, expense.fetch);
    const second = shared.fetch('user-1', query, expense.fetch);
    expense.answer(0, ['e1']);
    const [a, b] = await Promise.all([first, second]);
    expect(expense.started()).toBe(1);
    expect(a).toEqual({ data: { expenses: ['e1'] } });
    expect(b).toEqual(a);
    a.data.expenses.push('merged into the first answer only');
    expect(b.data.expenses).toEqual(['e1']);
  });

  it('never shares between different keys, e.g. two tokens of one user', async () => {
    const shared = new SharedQueryFetches(copy);
    const expense = subgraph();
    const first = shared.fetch('user-1', query, expense.fetch);
    const other = shared.fetch('user-1', query.replace('token-1', 'token-2'), expense.fetch);
    expect(expense.started()).toBe(2);
    expense.answer(0, ['e1']);
    expense.answer(1, ['e2']);
    expect(await first).toEqual({ data: { expenses: ['e1'] } });
    expect(await other).toEqual({ data: { expenses: ['e2'] } });
  });

  it('never lets a query join a fetch that began before the same user’s latest mutation completed', async () => {
    const shared = new SharedQueryFetches(copy);
    const expense = subgraph();
    const beforeWrite = shared.fetch('user-1', query, expense.fetch);
    shared.mutationCompleted('user-1');
    const afterWrite = shared.fetch('user-1', query, expense.fetch);
    expect(expense.started()).toBe(2);
    // The fetch from before the write answers last, without the new expense.
    expense.answer(1, ['e1', 'written']);
    expense.answer(0, ['e1']);
    expect(await afterWrite).toEqual({ data: { expenses: ['e1', 'written'] } });
    expect(await beforeWrite).toEqual({ data: { expenses: ['e1'] } });
  });

  it('lets a query join a fetch that began after that user’s latest mutation completed', async () => {
    const shared = new SharedQueryFetches(copy);
    const expense = subgraph();
    shared.mutationCompleted('user-1');
    const first = shared.fetch('user-1', query, expense.fetch);
    const second = shared.fetch('user-1', query, expense.fetch);
    expect(expense.started()).toBe(1);
    expense.answer(0, ['e1', 'written']);
    expect(await second).toEqual(await first);
  });

  it('keeps sharing a user’s fetches when another user’s mutation completes', async () => {
    const shared = new SharedQueryFetches(copy);
    const expense = subgraph();
    const first = shared.fetch('user-1', query, expense.fetch);
    shared.mutationCompleted('user-2');
    const second = shared.fetch('user-1', query, expense.fetch);
    expect(expense.started()).toBe(1);
    expense.answer(0, ['e1']);
    expect(await second).toEqual(await first);
  });

  it('fails every sharer of a failed fetch, and the next request fetches anew', async () => {
    const shared = new SharedQueryFetches(copy);
    const expense = subgraph();
    const first = shared.fetch('user-1', query, expense.fetch);
    const second = shared.fetch('user-1', query, expense.fetch);
    expense.fail(0, new Error('ECONNRESET'));
    await expect(first).rejects.toThrow('ECONNRESET');
    await expect(second).rejects.toThrow('ECONNRESET');
    expect(shared.joinable()).toBe(0);
    const third = shared.fetch('user-1', query, expense.fetch);
    expect(expense.started()).toBe(2);
    expense.answer(1, ['e1']);
    expect(await third).toEqual({ data: { expenses: ['e1'] } });
  });

  it('starts a fresh fetch once the shared one has answered', async () => {
    const shared = new SharedQueryFetches(copy);
    const expense = subgraph();
    const first = shared.fetch('user-1', query, expense.fetch);
    expense.answer(0, ['e1']);
    await first;
    const later = shared.fetch('user-1', query, expense.fetch);
    expect(expense.started()).toBe(2);
    expense.answer(1, ['e1', 'e2']);
    expect(await later).toEqual({ data: { expenses: ['e1', 'e2'] } });
  });
});
