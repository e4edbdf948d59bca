import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorCodes, postGraphQL, type GraphQLAnswer } from '@cashtrack/test-support';
import { limitCodes, subgraphAbuses } from './support/subgraphAbuse.ts';
import { startSystem, type RunningSystem } from './support/system.ts';

// Security review, item 1 (see support/subgraphAbuse.ts), with every subgraph in this process.

let system: RunningSystem;
let token: string;
let userId: string;
const gatewayBase = () => system.graphqlUrl.replace(/\/graphql$/, '');
const abuses = () => subgraphAbuses(userId);

function subgraphUrls(): Record<string, string> {
  return {
    auth: system.identity.auth.url,
    user: system.identity.user.url,
    expense: system.expense.url,
  };
}

async function everyProcessAnswers(): Promise<void> {
  for (const [name, url] of Object.entries(subgraphUrls())) {
    expect({ name, ready: (await fetch(`${url}/ready`)).status }).toEqual({ name, ready: 200 });
    const service = await postGraphQL(url, '{ _service { sdl } }');
    expect({ name, status: service.status, codes: errorCodes(service) }).toEqual({
      name,
      status: 200,
      codes: [],
    });
  }
  const page = await postGraphQL<{ me: { expenses: { edges: unknown[] } } }>(
    gatewayBase(),
    '{ me { displayName expenses(first: 5) { edges { node { id user { displayName } } } } } }',
    {},
    { token, unsigned: true },
  );
  expect(errorCodes(page)).toEqual([]);
  expect(page.data?.me.expenses.edges.length).toBe(3);
}

beforeAll(async () => {
  system = await startSystem();
  const signUp = await postGraphQL<{ signUp: { accessToken: string; user: { id: string } } }>(
    gatewayBase(),
    `mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }`,
    {
      input: {
        email: `abuse.${Date.now()}@example.com`,
        password: 'correct horse battery',
        displayName: 'Abuse Test',
      },
    },
    { unsigned: true },
  );
  const session = signUp.data?.signUp;
  if (session === undefined) throw new Error(`sign-up failed: ${JSON.stringify(signUp.errors)}`);
  token = session.accessToken;
  userId = session.user.id;
  // A few expenses, so that every level of the nesting has something to multiply.
  for (const description of ['coffee', 'lunch', 'bus']) {
    const added = await postGraphQL(
      gatewayBase(),
      'mutation ($input: ExpenseInput!) { addExpense(input: $input) { id } }',
      { input: { amount: '3.50', category: 'dining', description } },
      { token, unsigned: true },
    );
    expect(errorCodes(added)).toEqual([]);
  }
});

afterAll(async () => {
  await system.stop();
});

describe('the abuse that killed the expense subgraph, against every subgraph', () => {
  it('is refused unsigned with 401 GATEWAY_SIGNATURE_REQUIRED, before any work', async () => {
    for (const [name, url] of Object.entries(subgraphUrls())) {
      for (const abuse of abuses()) {
        const answer = await postGraphQL(url, abuse.query, abuse.variables, {
          token,
          unsigned: true,
        });
        expect({
          name,
          abuse: abuse.name,
          status: answer.status,
          codes: errorCodes(answer),
        }).toEqual({ name, abuse: abuse.name, status: 401, codes: ['GATEWAY_SIGNATURE_REQUIRED'] });
      }
    }
    await everyProcessAnswers();
  });

  it('is refused signed as the gateway with HTTP 400 and a limit code, and everything still answers', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    for (const [name, url] of Object.entries(subgraphUrls())) {
      for (const abuse of abuses()) {
        for (let attempt = 0; attempt < 3; attempt += 1) {
          const answer: GraphQLAnswer = await postGraphQL(url, abuse.query, abuse.variables, {
            token,
          });
          expect({
            name,
            abuse: abuse.name,
            status: answer.status,
            data: answer.data ?? null,
          }).toEqual({ name, abuse: abuse.name, status: 400, data: null });
          // The expense subgraph has every field, so only a limit stops it; the others do not
          // have `expenses` on User (validation) or `_entities` at all.
          if (name === 'expense') {
            expect(errorCodes(answer)).toEqual([expect.stringMatching(limitCodes)]);
          }
        }
      }
    }
    // Every subgraph runs in this process: whatever they built would be here.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
    await everyProcessAnswers();
  });

  it('has user representations bounded at the user subgraph too', async () => {
    const answer = await postGraphQL(
      system.identity.user.url,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id displayName } } }',
      { r: Array.from({ length: 10_000 }, () => ({ __typename: 'User', id: userId })) },
      { token },
    );
    expect({ status: answer.status, codes: errorCodes(answer) }).toEqual({
      status: 400,
      codes: ['TOO_MANY_REPRESENTATIONS'],
    });
  });
});
