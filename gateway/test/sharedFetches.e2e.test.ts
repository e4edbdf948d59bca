import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUpThroughGateway, type GatewaySession } from './support/signUp.ts';
import { startSystem, type RunningSystem } from './support/system.ts';

/**
 * Identical queries of one token in flight at once share their subgraph fetches
 * (sharedQueryFetches.ts); this checks, through the real gateway, what sharing must never change:
 * whose data a query sees. Read-your-writes needs a fetch held in flight across a mutation, which
 * sharedQueryFetches.unit.test.ts and releaseSharedFetches.unit.test.ts arrange exactly.
 */

let system: RunningSystem;

const listQuery = 'query SharedList { expenses(first: 100) { edges { node { id description } } } }';
const addMutation = 'mutation ($input: ExpenseInput!) { addExpense(input: $input) { id } }';

interface ListAnswer {
  readonly data?: { expenses: { edges: { node: { id: string; description: string } }[] } };
  readonly errors?: unknown;
}

async function post<Answer>(
  session: GatewaySession,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer> {
  const response = await fetch(system.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}

async function listedIds(session: GatewaySession): Promise<string[]> {
  const answer = await post<ListAnswer>(session, listQuery);
  if (answer.data === undefined) throw new Error(JSON.stringify(answer.errors));
  return answer.data.expenses.edges.map((edge) => edge.node.id);
}

async function addExpense(session: GatewaySession, description: string): Promise<{ id: string }> {
  const answer = await post<{
    data?: { addExpense: { id: string } };
    errors?: unknown;
  }>(session, addMutation, {
    input: { amount: '4.20', currency: 'USD', category: 'dining', description },
  });
  if (answer.data === undefined) throw new Error(JSON.stringify(answer.errors));
  return answer.data.addExpense;
}

beforeAll(async () => {
  system = await startSystem({ auth: { passwordHashCost: { log2N: 12, r: 8, p: 1 } } });
});

afterAll(async () => {
  await system.stop();
});

describe('identical queries in flight at once', () => {
  it('answer each person with their own data when two people send the same text together', async () => {
    const [ana, ben] = await Promise.all([
      signUpThroughGateway(system.graphqlUrl, 'ana'),
      signUpThroughGateway(system.graphqlUrl, 'ben'),
    ]);
    const anas = await addExpense(ana, 'ana coffee');
    const bens = await addExpense(ben, 'ben coffee');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) => listedIds(index % 2 === 0 ? ana : ben)),
    );
    answers.forEach((ids, index) => {
      expect(ids).toEqual(index % 2 === 0 ? [anas.id] : [bens.id]);
    });
  });
});
