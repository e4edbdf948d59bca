import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  errorCodes,
  postGraphQL,
  startLocalSystem,
  testSubgraphSecret,
  type LocalSystem,
  type ServiceName,
} from '@cashtrack/test-support';
import { limitCodes, subgraphAbuses } from '../../gateway/test/support/subgraphAbuse.ts';

/**
 * Security review, item 1, as it happened: the abuse that grew the expense subgraph to 4 GB and
 * killed it, sent to every subgraph process (real processes, as `npm start` runs them, on a
 * private Kafka and FerretDB), unsigned and signed as the gateway. Every process must stay up,
 * small and answering.
 */

const subgraphs: readonly ServiceName[] = ['auth', 'user', 'expense'];
let system: LocalSystem;
let token: string;
let userId: string;

/** Resident memory of a running service, in MiB. */
async function residentMiB(name: ServiceName): Promise<number> {
  const status = await readFile(`/proc/${system.pid(name) ?? 0}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

beforeAll(async () => {
  // The children sign and verify with the secret this test signs with.
  system = await startLocalSystem({ env: { SUBGRAPH_SHARED_SECRET: testSubgraphSecret } });
  const signUp = await postGraphQL<{ signUp: { accessToken: string; user: { id: string } } }>(
    system.gatewayUrl,
    'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }',
    {
      input: {
        email: `abuse.${Date.now()}@example.com`,
        password: 'correct horse battery',
        displayName: 'Abuse Test',
      },
    },
  );
  const session = signUp.data?.signUp;
  if (session === undefined) throw new Error(`sign-up failed: ${JSON.stringify(signUp.errors)}`);
  token = session.accessToken;
  userId = session.user.id;
  for (const description of ['coffee', 'lunch', 'bus']) {
    const added = await postGraphQL(
      system.gatewayUrl,
      'mutation ($input: ExpenseInput!) { addExpense(input: $input) { id } }',
      { input: { amount: '3.50', category: 'dining', description } },
      { token },
    );
    expect(errorCodes(added)).toEqual([]);
  }
}, 240_000);

afterAll(async () => {
  await system?.dispose();
}, 60_000);

describe('the abuse that killed the expense subgraph, against every subgraph process', () => {
  it('is refused (401 unsigned, 400 signed) and every process stays up, small and answering', async () => {
    for (const name of subgraphs) {
      for (const abuse of subgraphAbuses(userId)) {
        for (let attempt = 0; attempt < 3; attempt += 1) {
          const unsigned = await postGraphQL(
            system.serviceUrl(name),
            abuse.query,
            abuse.variables,
            {
              token,
              unsigned: true,
            },
          );
          expect({
            name,
            abuse: abuse.name,
            status: unsigned.status,
            codes: errorCodes(unsigned),
          }).toEqual({
            name,
            abuse: abuse.name,
            status: 401,
            codes: ['GATEWAY_SIGNATURE_REQUIRED'],
          });
          const signed = await postGraphQL(system.serviceUrl(name), abuse.query, abuse.variables, {
            token,
          });
          expect({
            name,
            abuse: abuse.name,
            status: signed.status,
            data: signed.data ?? null,
          }).toEqual({
            name,
            abuse: abuse.name,
            status: 400,
            data: null,
          });
          if (name === 'expense') {
            expect(errorCodes(signed)).toEqual([expect.stringMatching(limitCodes)]);
          }
        }
      }
    }

    expect(system.unexpectedExits()).toEqual([]);
    for (const name of subgraphs) {
      expect({ name, running: system.isRunning(name) }).toEqual({ name, running: true });
      expect({ name, ready: (await fetch(`${system.serviceUrl(name)}/ready`)).status }).toEqual({
        name,
        ready: 200,
      });
      // Nothing was built: a subgraph at rest is well under this.
      expect({ name, small: (await residentMiB(name)) < 1024 }).toEqual({ name, small: true });
    }
    const page = await postGraphQL<{ me: { expenses: { edges: unknown[] } } }>(
      system.gatewayUrl,
      '{ me { expenses(first: 5) { edges { node { id user { displayName } } } } } }',
      {},
      { token },
    );
    expect(errorCodes(page)).toEqual([]);
    expect(page.data?.me.expenses.edges).toHaveLength(3);
  }, 120_000);
});
