import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { envList } from '@cashtrack/platform';
import { mongoForTests, testNamespace, waitFor, type TestDatabase } from '@cashtrack/test-support';
import { startAuthSubgraph, type RunningAuthSubgraph } from '../src/authSubgraph.ts';
import { startUserSubgraph, type RunningUserSubgraph } from '../../user/src/userSubgraph.ts';
import { postGraphQL } from '@cashtrack/test-support';
import { authTestConfig, signUp, userTestConfig } from './support/identityStack.ts';
import { kafkaDoorway, type KafkaDoorway } from './support/kafkaDoorway.ts';

describe('a sign-up while Kafka is unreachable', () => {
  const namespace = testNamespace();
  let doorway: KafkaDoorway;
  let auth: RunningAuthSubgraph;
  let user: RunningUserSubgraph | undefined;
  let authDb: TestDatabase;
  const userUrl = (): string => user?.url ?? '';

  beforeAll(async () => {
    const broker = envList('KAFKA_BROKERS', ['127.0.0.1:9092'])[0] ?? '127.0.0.1:9092';
    doorway = await kafkaDoorway(broker);
    auth = await startAuthSubgraph(authTestConfig(namespace, { kafkaBrokers: [doorway.address] }));
    authDb = await mongoForTests(`${namespace.database}_a`);
  });

  afterAll(async () => {
    await user?.close();
    await auth.close();
    await doorway.close();
    await authDb.close();
    await mongoForTests(`${namespace.database}_u`).then((db) => db.close());
  });

  it('is accepted, kept in the outbox, and published once Kafka is back: the profile appears', async () => {
    const account = await signUp(auth.url, { displayName: 'Patient' });
    const credentials = authDb.db.collection('credentials');
    const stored = await credentials.findOne({ _id: account.email } as never);
    expect(stored?.outbox).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({ type: 'UserRegistered', userId: account.user.id }),
      }),
    ]);

    await doorway.open();
    await waitFor(
      async () => {
        const document = await credentials.findOne({ _id: account.email } as never);
        return Array.isArray(document?.outbox) && document.outbox.length === 0;
      },
      { timeoutMs: 45_000, description: 'the outbox to be relayed' },
    );

    user = await startUserSubgraph(userTestConfig(namespace, auth));
    // The new consumer group reads the topic from the beginning; joining takes a moment.
    const me = await waitFor(
      async () =>
        (
          await postGraphQL(
            userUrl(),
            'query { me { id displayName } }',
            {},
            { token: account.accessToken },
          )
        ).data?.me ?? undefined,
      { timeoutMs: 20_000, description: 'the profile' },
    );
    expect(me).toEqual({ id: account.user.id, displayName: 'Patient' });
  });
});
