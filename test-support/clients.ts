import { Kafka, logLevel } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { envList, envString } from '@cashtrack/platform';

/** A kafkajs client for the broker the global setup provided. */
export function kafkaForTests(clientId = 'cashtrack-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    logLevel: logLevel.ERROR,
  });
}

export interface TestDatabase {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

/** A connected client and a database of its own; `close()` drops the database and disconnects. */
export async function mongoForTests(database: string): Promise<TestDatabase> {
  const client = await new MongoClient(
    envString('MONGO_URL', 'mongodb://127.0.0.1:27017'),
  ).connect();
  const db = client.db(database);
  return {
    client,
    db,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}
