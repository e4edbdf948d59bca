import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorCodes, postGraphQL, waitFor } from '@cashtrack/test-support';
import { gatewayClient, gql } from './support/apolloClient.ts';
import { subscriptionClient } from './support/subscriptionClient.ts';
import {
  logInThroughGateway,
  signUpThroughGateway,
  type GatewaySession,
} from './support/signUp.ts';
import { startGatewayFor, startSystem, type RunningSystem } from './support/system.ts';

/**
 * `logOut` ends the access token it was called with, everywhere tokens are checked: HTTP at the
 * gateway, each subgraph, open sockets, and a gateway started after the log-out.
 * `logOutEverywhere` does the same for every session of the account, on every device.
 */

let system: RunningSystem;
const signUp = () => signUpThroughGateway(system.graphqlUrl, 'leaving');

const me = gql`
  query {
    me {
      id
    }
  }
`;
const meText = 'query { me { id } }';

async function logOut(session: GatewaySession): Promise<void> {
  const answer = await gatewayClient(system.graphqlUrl, session.accessToken).mutate<{
    logOut: boolean;
  }>(
    gql`
      mutation ($refreshToken: String!) {
        logOut(refreshToken: $refreshToken)
      }
    `,
    { refreshToken: session.refreshToken },
  );
  expect(answer.data?.logOut).toBe(true);
}

beforeAll(async () => {
  system = await startSystem({ auth: { passwordHashCost: { log2N: 12, r: 8, p: 1 } } });
});

afterAll(async () => {
  await system.stop();
});

describe('an access token after logOut', () => {
  it('is refused over HTTP by the gateway and by the subgraphs, and another session goes on', async () => {
    const leaving = await signUp();
    const staying = await signUp();
    // Verified (and remembered by the gateway's cache) before the log-out.
    expect((await gatewayClient(system.graphqlUrl, leaving.accessToken).query(me)).codes).toEqual(
      [],
    );
    const direct = await postGraphQL(
      system.identity.user.url,
      meText,
      {},
      {
        token: leaving.accessToken,
      },
    );
    expect(errorCodes(direct)).toEqual([]);

    await logOut(leaving);

    // At once on the gateway that carried the logOut; the others hear it through Kafka.
    const refused = await gatewayClient(system.graphqlUrl, leaving.accessToken).query(me);
    expect(refused.status).toBe(401);
    expect(refused.codes).toEqual(['UNAUTHENTICATED']);
    for (const subgraph of [
      system.identity.user.url,
      system.identity.auth.url,
      system.expense.url,
    ]) {
      await waitFor(
        async () => {
          const answer = await postGraphQL(
            subgraph,
            meProbe(subgraph),
            {},
            {
              token: leaving.accessToken,
            },
          );
          return errorCodes(answer).includes('UNAUTHENTICATED');
        },
        { timeoutMs: 5_000, description: `${subgraph} to refuse the token` },
      );
    }
    expect((await gatewayClient(system.graphqlUrl, staying.accessToken).query(me)).codes).toEqual(
      [],
    );
  });

  it('closes an open socket speaking with it with 4420 within a couple of seconds, on another gateway replica too', async () => {
    const leaving = await signUp();
    // A second replica: it hears of the logOut (carried by the first) only through Kafka.
    const replica = await startGatewayFor(system.identity, {
      expenseUrl: `${system.expense.url}/graphql`,
    });
    try {
      const sockets = [
        subscriptionClient(system.graphqlUrl, leaving.accessToken),
        subscriptionClient(replica.url, leaving.accessToken),
      ];
      for (const socket of sockets)
        socket.subscribe('subscription { expenseChanged { cursor kind } }');
      await waitFor(() => system.expense.liveSubscriptionsOf(leaving.user.id) >= 2, {
        description: 'both subscriptions to be live',
      });
      const loggedOutAt = Date.now();
      await logOut(leaving);
      await waitFor(() => sockets.every((socket) => socket.closures.length > 0), {
        timeoutMs: 5_000,
        description: 'both sockets to be closed',
      });
      for (const socket of sockets) {
        expect(socket.closures[0]).toEqual({ code: 4420, reason: 'Access token revoked' });
      }
      expect(Date.now() - loggedOutAt).toBeLessThan(3_000);
      expect((await gatewayClient(replica.url, leaving.accessToken).query(me)).codes).toEqual([
        'UNAUTHENTICATED',
      ]);

      // Nor can it open a new one.
      const again = subscriptionClient(replica.url, leaving.accessToken);
      await waitFor(() => again.closures.length > 0, {
        description: 'the new socket to be refused',
      });
      expect(again.closures[0]?.code).toBe(4403);
      for (const socket of [...sockets, again]) await socket.dispose();
    } finally {
      await replica.stop();
    }
  });

  it('ends at once however the logOut was asked: aliased, in a named fragment, from the web', async () => {
    const leaving = await signUp();
    const answer = await fetch(system.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${leaving.accessToken}`,
        'x-cashtrack-session': 'cookie',
        cookie: `cashtrack_refresh=${encodeURIComponent(leaving.refreshToken)}`,
      },
      body: JSON.stringify({
        query: `mutation ($refreshToken: String!) { ...Leave }
          fragment Leave on Mutation { goodbye: logOut(refreshToken: $refreshToken) }`,
        variables: { refreshToken: 'cookie' },
      }),
    });
    expect(await answer.json()).toEqual({ data: { goodbye: true } });
    // The web app's refresh cookie is cleared, and the gateway that carried it refuses the token.
    expect(answer.headers.get('set-cookie')).toMatch(/^cashtrack_refresh=; Max-Age=0;/);
    const refused = await gatewayClient(system.graphqlUrl, leaving.accessToken).query(me);
    expect(refused.codes).toEqual(['UNAUTHENTICATED']);
  });

  it("logging out another of one's sessions ends that session and the token used, not the caller's session", async () => {
    const phone = await signUp();
    const laptop = await logInThroughGateway(system.graphqlUrl, phone);

    await logOut({ ...phone, refreshToken: laptop.refreshToken });

    expect((await gatewayClient(system.graphqlUrl, phone.accessToken).query(me)).codes).toEqual([
      'UNAUTHENTICATED',
    ]);
    await waitFor(
      async () =>
        (await gatewayClient(system.graphqlUrl, laptop.accessToken).query(me)).codes.includes(
          'UNAUTHENTICATED',
        ),
      { timeoutMs: 5_000, description: "the laptop's session to be refused" },
    );
    // The phone's session goes on: a renewed token of it works on the same gateway.
    const renewed = await gatewayClient(system.graphqlUrl).mutate<{
      refreshSession: { accessToken: string };
    }>(
      gql`
        mutation ($refreshToken: String!) {
          refreshSession(refreshToken: $refreshToken) {
            accessToken
          }
        }
      `,
      { refreshToken: phone.refreshToken },
    );
    const renewedToken = renewed.data?.refreshSession.accessToken;
    if (renewedToken === undefined) throw new Error(`refresh failed: ${JSON.stringify(renewed)}`);
    expect((await gatewayClient(system.graphqlUrl, renewedToken).query(me)).codes).toEqual([]);
  });

  it('is refused by a gateway started after the log-out', async () => {
    const leaving = await signUp();
    await logOut(leaving);
    const restarted = await startGatewayFor(system.identity, {
      expenseUrl: `${system.expense.url}/graphql`,
    });
    try {
      const answer = await gatewayClient(restarted.url, leaving.accessToken).query(me);
      expect(answer.status).toBe(401);
      expect(answer.codes).toEqual(['UNAUTHENTICATED']);
    } finally {
      await restarted.stop();
    }
  });
});

describe('logOutEverywhere', () => {
  it("ends the account's sessions on every device: tokens, refresh tokens and open sockets", async () => {
    const phone = await signUp();
    const laptop = await logInThroughGateway(system.graphqlUrl, phone);
    const staying = await signUp();
    // The laptop speaks to another replica, which hears of the phone's request only through Kafka.
    const replica = await startGatewayFor(system.identity, {
      expenseUrl: `${system.expense.url}/graphql`,
    });
    try {
      const socket = subscriptionClient(replica.url, laptop.accessToken);
      socket.subscribe('subscription { expenseChanged { cursor kind } }');
      await waitFor(() => system.expense.liveSubscriptionsOf(phone.user.id) >= 1, {
        description: "the laptop's subscription to be live",
      });

      const answer = await gatewayClient(system.graphqlUrl, phone.accessToken).mutate<{
        logOutEverywhere: number;
      }>(gql`
        mutation {
          logOutEverywhere
        }
      `);
      expect(answer.data?.logOutEverywhere).toBe(2);

      expect((await gatewayClient(system.graphqlUrl, phone.accessToken).query(me)).codes).toEqual([
        'UNAUTHENTICATED',
      ]);
      await waitFor(() => socket.closures.length > 0, {
        timeoutMs: 5_000,
        description: "the laptop's socket to be closed",
      });
      expect(socket.closures[0]).toEqual({ code: 4420, reason: 'Access token revoked' });
      for (const gateway of [system.graphqlUrl, replica.url]) {
        expect((await gatewayClient(gateway, laptop.accessToken).query(me)).codes).toEqual([
          'UNAUTHENTICATED',
        ]);
      }
      const refreshed = await gatewayClient(system.graphqlUrl).mutate(
        gql`
          mutation ($refreshToken: String!) {
            refreshSession(refreshToken: $refreshToken) {
              accessToken
            }
          }
        `,
        { refreshToken: laptop.refreshToken },
      );
      expect(refreshed.codes).toEqual(['INVALID_REFRESH_TOKEN']);
      expect((await gatewayClient(replica.url, staying.accessToken).query(me)).codes).toEqual([]);
      await socket.dispose();
    } finally {
      await replica.stop();
    }
  });
});

/** An operation on `subgraph` that needs a signed-in caller. */
function meProbe(subgraph: string): string {
  if (subgraph === system.identity.user.url) return meText;
  if (subgraph === system.identity.auth.url) return 'mutation { logOut(refreshToken: "x") }';
  return 'query { expenses(first: 1) { edges { node { id } } } }';
}
