import { MongoClient, type Db } from 'mongodb';
import { retryAtStartup } from '../startupRetry.ts';

export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
  /** True when the server answers a ping within the driver's selection timeout. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ConnectMongoOptions {
  readonly url: string;
  /** The service's own database, e.g. `authServiceDB`. */
  readonly database: string;
  /**
   * How long an operation waits for a reachable server before failing. Default 5 000, so a
   * request during an outage fails fast instead of hanging for the driver's 30 s default.
   */
  readonly serverSelectionTimeoutMs?: number;
}

/**
 * Connects to MongoDB (or FerretDB) and selects the service's database. A server that is still
 * starting is waited for (`retryAtStartup`); one that never answers fails the start with one line
 * naming the URL without credentials.
 */
export async function connectMongo(options: ConnectMongoOptions): Promise<MongoConnection> {
  const client = await retryAtStartup(`MongoDB at ${redactUrl(options.url)}`, async () => {
    const attempt = new MongoClient(options.url, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 5_000,
    });
    try {
      return await attempt.connect();
    } catch (error) {
      await attempt.close().catch(() => undefined);
      throw error;
    }
  });
  const db = client.db(options.database);
  return {
    client,
    db,
    async ping() {
      try {
        await db.command({ ping: 1 });
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
