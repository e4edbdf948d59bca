/**
 * What the gateway bench asks: its people, their expenses, and the three rounds of requests.
 *
 *   single      one person, the same `me { expenses(first: 50) { … user { displayName } } }`
 *               query from every loop (what a gateway that merges identical requests wins);
 *   manyUsers   the same query shape, each request from the next of many people, each with
 *               their own token;
 *   mix         the app's own operations (app/src/api/operations.graphql, as the app prints
 *               them): the list page (`Expenses`, 30), `Spending` (two summaries), `Me`, and now
 *               and then an `UpdateExpense`, each person going through all of them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, print, separateOperations } from 'graphql';
import { gatewaySignedHeaders } from '../../test-support/gatewaySigning.ts';
import type { LoadRequest } from './loadGenerator.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const appOperationsPath = path.join(repoRoot, 'app', 'src', 'api', 'operations.graphql');

const nodeFields = 'id amount { amount currency } category description occurredOn';
export const singleQuery = `query GatewayBench { me { id displayName expenses(first: 50) { edges { node { ${nodeFields} user { displayName } } } } } }`;
/** The expense subgraph's own part of `singleQuery`, for the bench's `direct` target. */
export const subgraphQuery = `query GatewayBench { expenses(first: 50) { edges { node { ${nodeFields} } } } }`;

export interface BenchPerson {
  readonly token: string;
  /** Ids of the expenses added for this person, oldest first. */
  readonly expenseIds: readonly string[];
}

interface Answer {
  readonly data?: unknown;
  readonly errors?: unknown;
}

/** POSTs one operation; a subgraph URL gets it signed as the gateway's (gateways ignore that). */
export async function post(
  url: string,
  query: string,
  token: string | undefined,
  variables: Record<string, unknown> = {},
): Promise<Answer> {
  const body = JSON.stringify({ query, variables });
  const authorization = token === undefined ? undefined : `Bearer ${token}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
      ...gatewaySignedHeaders(url, { body, authorization }),
    },
    body,
  });
  const answer = (await response.json()) as Answer;
  if (response.status !== 200 || answer.errors !== undefined) {
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer).slice(0, 500)}`);
  }
  return answer;
}

/** Runs `work` over `items`, `concurrency` at a time, answers in order. */
async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

const categories = ['groceries', 'dining', 'transport', 'utilities', 'entertainment'];

function expenseInput(index: number): Record<string, string> {
  const day = String((index % 28) + 1).padStart(2, '0');
  return {
    amount: `${(index % 90) + 1}.${String(index % 100).padStart(2, '0')}`,
    currency: 'USD',
    category: categories[index % categories.length] ?? 'other',
    description: `bench expense ${index}`,
    occurredOn: `2026-10-${day}`,
  };
}

/**
 * Signs `expenseCounts.length` people up at auth and adds each `expenseCounts[i]` expenses at the
 * expense subgraph (both called directly, signed as the gateway).
 */
export async function seedPeople(
  urls: { readonly auth: string; readonly expense: string },
  expenseCounts: readonly number[],
): Promise<BenchPerson[]> {
  const mutation = 'mutation ($input: ExpenseInput!) { addExpense(input: $input) { id } }';
  const signUp =
    'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }';
  const run = `${Date.now().toString(36)}-${process.pid}`;
  const tokens = await inParallel(expenseCounts, 4, async (_count, index) => {
    const answer = await post(`${urls.auth}/graphql`, signUp, undefined, {
      input: {
        email: `bench-${run}-${index}@example.com`,
        password: 'correct horse battery',
        displayName: `Bench Person ${index}`,
      },
    });
    return (answer.data as { signUp: { accessToken: string } }).signUp.accessToken;
  });
  const additions = expenseCounts.flatMap((count, person) =>
    Array.from({ length: count }, (_, index) => ({ person, index })),
  );
  const ids = await inParallel(additions, 16, async ({ person, index }) => {
    const answer = await post(`${urls.expense}/graphql`, mutation, tokens[person] ?? '', {
      input: expenseInput(index),
    });
    return (answer.data as { addExpense: { id: string } }).addExpense.id;
  });
  return tokens.map((token, person) => ({
    token,
    expenseIds: ids.filter((_, addition) => additions[addition]?.person === person),
  }));
}

function requestFor(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): LoadRequest {
  return {
    body: JSON.stringify({ query, variables }),
    headers: { authorization: `Bearer ${token}` },
  };
}

export function singleRound(person: BenchPerson): LoadRequest[] {
  return [requestFor(person.token, singleQuery)];
}

export function manyUsersRound(people: readonly BenchPerson[]): LoadRequest[] {
  return people.map((person) => requestFor(person.token, singleQuery));
}

/** The app's operations by name, each printed with the fragments it uses, as the app sends them. */
async function appOperations(): Promise<Map<string, string>> {
  const documents = separateOperations(parse(await readFile(appOperationsPath, 'utf8')));
  return new Map(Object.entries(documents).map(([name, document]) => [name, print(document)]));
}

/** How often each operation comes in 20 requests of one person. */
const mixPattern = [
  ...Array<string>(8).fill('Expenses'),
  ...Array<string>(5).fill('Spending'),
  ...Array<string>(6).fill('Me'),
  'UpdateExpense',
];

/**
 * Every person goes through the whole pattern, each starting at another place in it, so that
 * requests in flight at once are from different people and of different operations.
 */
export async function mixRound(
  people: readonly BenchPerson[],
  today: string,
): Promise<{ round: LoadRequest[]; operations: Readonly<Record<string, number>> }> {
  const operations = await appOperations();
  const text = (name: string): string => {
    const found = operations.get(name);
    if (found === undefined) throw new Error(`the app has no operation ${name}`);
    return found;
  };
  const month = Number(today.slice(5, 7)) - 1;
  const quarterStart = new Date(Date.UTC(Number(today.slice(0, 4)), month - 2, 1))
    .toISOString()
    .slice(0, 10);
  const round: LoadRequest[] = [];
  const counts: Record<string, number> = {};
  mixPattern.forEach((_, step) => {
    people.forEach((person, index) => {
      const name = mixPattern[(index + step) % mixPattern.length] ?? 'Me';
      counts[name] = (counts[name] ?? 0) + 1;
      switch (name) {
        case 'Expenses':
          round.push(
            requestFor(person.token, text(name), {
              filter: { from: null, to: null, category: null, search: null },
              first: 30,
              after: null,
            }),
          );
          return;
        case 'Spending':
          round.push(requestFor(person.token, text(name), { from: quarterStart, to: today }));
          return;
        case 'UpdateExpense': {
          const id = person.expenseIds[step % person.expenseIds.length];
          if (id === undefined) throw new Error('a bench person has no expense to update');
          round.push(
            requestFor(person.token, text(name), {
              id,
              input: { ...expenseInput(index), description: `bench expense, edit ${step}` },
            }),
          );
          return;
        }
        default:
          round.push(requestFor(person.token, text(name)));
      }
    });
  });
  return { round, operations: counts };
}
