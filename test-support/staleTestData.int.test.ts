import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { envString } from '@cashtrack/platform';
import { kafkaForTests } from './clients.ts';
import { testNamespace } from './namespace.ts';
import { staleAfterMs, sweepStaleTestData } from './staleTestData.ts';

/**
 * The sweep on the real broker and server: a namespace made three hours ago goes (topic, group,
 * database), this run's stays. Only namespaces older than any run are touched, so the sweep is
 * safe beside the other test files running now.
 */

const kafka = kafkaForTests('stale-test-data-test');
const admin = kafka.admin();
let mongo: MongoClient;

const current = testNamespace();
const uniqueThen = `${(Date.now() - staleAfterMs - 3_600_000).toString(36)}abc123`;
const old = {
  topicPrefix: `t-staleTestData-${uniqueThen}-`,
  database: `t_staleTestData_${uniqueThen}`,
};

beforeAll(async () => {
  mongo = await new MongoClient(envString('MONGO_URL', 'mongodb://127.0.0.1:27017')).connect();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: `${old.topicPrefix}cashtrack.expenses`, numPartitions: 1 },
      { topic: `${current.topicPrefix}cashtrack.expenses`, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  const consumer = kafka.consumer({ groupId: `${old.topicPrefix}projector` });
  await consumer.connect();
  await consumer.subscribe({ topics: [`${old.topicPrefix}cashtrack.expenses`] });
  await consumer.run({ eachMessage: async () => undefined });
  await consumer.disconnect();
  await mongo
    .db(old.database)
    .collection('expenses')
    .insertOne({ _id: 'kept?' } as never);
  await mongo
    .db(current.database)
    .collection('expenses')
    .insertOne({ _id: 'kept' } as never);
});

afterAll(async () => {
  await admin
    .deleteTopics({ topics: [`${current.topicPrefix}cashtrack.expenses`] })
    .catch(() => undefined);
  await admin.disconnect();
  await mongo.db(current.database).dropDatabase();
  await mongo.close();
});

describe('sweeping stale test data', () => {
  it('deletes the topics, groups and database of a namespace older than any run, and nothing newer', async () => {
    const swept = await sweepStaleTestData(kafka, mongo);
    expect(swept.topics).toBeGreaterThanOrEqual(1);
    expect(swept.databases).toBeGreaterThanOrEqual(1);

    const topics = await admin.listTopics();
    expect(topics).not.toContain(`${old.topicPrefix}cashtrack.expenses`);
    expect(topics).toContain(`${current.topicPrefix}cashtrack.expenses`);
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId);
    expect(groups).not.toContain(`${old.topicPrefix}projector`);
    const databases = (await mongo.db().admin().listDatabases({ nameOnly: true })).databases.map(
      (database) => database.name,
    );
    expect(databases).not.toContain(old.database);
    expect(databases).toContain(current.database);
  });
});
