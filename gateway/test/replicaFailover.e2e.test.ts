import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@cashtrack/test-support';
import {
  startIdentityStack,
  type IdentityStack,
} from '../../subgraphs/auth/test/support/identityStack.ts';
import type { RunningGateway } from '../src/gatewayServer.ts';
import { gatewayClient, gql } from './support/apolloClient.ts';
import { startGatewayFor } from './support/system.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let identity: IdentityStack;
let replica: ChildProcess;
let gateway: RunningGateway;

/** A second user-subgraph replica as its own process, sharing the first one's database and group. */
async function startUserReplica(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'subgraphs/user/src/index.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        LOG_LEVEL: 'silent',
        USER_PORT: String(port),
        USER_DATABASE: `${identity.namespace.database}_u`,
        KAFKA_TOPIC_PREFIX: identity.namespace.topicPrefix,
        AUTH_JWKS_URL: `${identity.auth.url}/.well-known/jwks.json`,
      },
      stdio: 'ignore',
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor(() => fetch(`${base}/ready`).then((response) => response.ok), {
    timeoutMs: 30_000,
    description: 'the second user replica',
  });
  return { child, url: `${base}/graphql` };
}

beforeAll(async () => {
  identity = await startIdentityStack();
  const second = await startUserReplica();
  replica = second.child;
  gateway = await startGatewayFor(identity, { extraReplicas: { user: [second.url] } });
});

afterAll(async () => {
  replica?.kill('SIGKILL');
  await gateway?.stop();
  await identity?.close();
});

describe('replica failover', () => {
  it('loses no request when one of two replicas is killed under load', async () => {
    const signUp = await gatewayClient(gateway.url).mutate<{
      signUp: { accessToken: string; user: { id: string } };
    }>(gql`
      mutation {
        signUp(
          input: {
            email: "failover@example.com"
            password: "failover-pass"
            displayName: "Fail Over"
          }
        ) {
          accessToken
          user {
            id
          }
        }
      }
    `);
    const session = signUp.data?.signUp;
    if (session === undefined) throw new Error(`sign-up failed: ${JSON.stringify(signUp.errors)}`);
    const client = gatewayClient(gateway.url, session.accessToken);
    const me = gql('{ me { id } }');

    const total = 240;
    const killAfter = 60;
    let sent = 0;
    let completed = 0;
    let answeredAfterKill = 0;
    const failures: string[] = [];
    const worker = async (): Promise<void> => {
      while (sent < total) {
        sent += 1;
        const answer = await client.query<{ me: { id: string } }>(me);
        completed += 1;
        if (answer.data?.me.id !== session.user.id) failures.push(JSON.stringify(answer.errors));
        if (replica.exitCode !== null || replica.signalCode !== null) answeredAfterKill += 1;
        if (completed === killAfter) replica.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));

    expect(replica.signalCode).toBe('SIGKILL');
    expect(failures).toEqual([]);
    expect(completed).toBe(total);
    expect(answeredAfterKill).toBeGreaterThan(total / 2);
  });

  it('answers SERVICE_UNAVAILABLE, while the other subgraphs still answer, when a subgraph is down', async () => {
    const downGateway = await startGatewayFor(identity, {
      expenseUrl: `http://127.0.0.1:${await freePort()}/graphql`,
    });
    try {
      const logIn = await gatewayClient(downGateway.url).mutate<{
        logIn: { accessToken: string };
      }>(gql`
        mutation {
          logIn(input: { email: "failover@example.com", password: "failover-pass" }) {
            accessToken
          }
        }
      `);
      const token = logIn.data?.logIn.accessToken;
      if (token === undefined) throw new Error(`log-in failed: ${JSON.stringify(logIn.errors)}`);

      const client = gatewayClient(downGateway.url, token);
      const me = await client.query<{ me: { displayName: string } }>(gql('{ me { displayName } }'));
      const answer = await client.query(gql('{ expenses(first: 5) { edges { node { id } } } }'));

      expect(me.data?.me).toMatchObject({ displayName: 'Fail Over' });
      expect(answer.errors?.map((error) => error.extensions?.code)).toEqual([
        'SERVICE_UNAVAILABLE',
      ]);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ service: 'expense' });
    } finally {
      await downGateway.stop();
    }
  });
});
