import type { Kafka, KafkaJSDeleteGroupsError } from 'kafkajs';
import type { MongoClient } from 'mongodb';

/**
 * Test namespaces (namespace.ts) are never dropped by the test that made them: a failing test
 * must not lose what shows why, and files run in parallel. On a developer's long-lived Kafka and
 * FerretDB (`npm run infra:up`) they piled up: 13,000 partitions and 476 databases after a few
 * days here, and Kafka took a minute to start on them; past the kernel's map count it cannot
 * start at all. So every test run first deletes the namespaces of runs that ended long ago. The
 * age, not "not this run", decides: another run on the same servers may be going on right now.
 */

/** Older than any test run (a whole `npm test` takes about 15 minutes). */
export const staleAfterMs = 2 * 60 * 60_000;

// `t-<label>-<base36 time><6 hex>-...` for topics and groups, `t_<label>_<...>` for databases.
const topicNamespace = /^t-[A-Za-z0-9]*-([0-9a-z]{7,})-/;
// A system's databases add the service's own suffix: `t_<label>_<...>_e`.
const databaseNamespace = /^t_[A-Za-z0-9]*_([0-9a-z]{7,})(?:_[A-Za-z0-9]+)?$/;
const firstPlausibleTime = Date.parse('2024-01-01T00:00:00Z');

function namespaceTime(name: string, pattern: RegExp): number | undefined {
  const unique = pattern.exec(name)?.[1];
  if (unique === undefined) return undefined;
  const time = Number.parseInt(unique.slice(0, -6), 36);
  return Number.isSafeInteger(time) && time >= firstPlausibleTime ? time : undefined;
}

/** True when `name` is a test namespace's topic or group made more than `staleAfterMs` before `now`. */
export function isStaleTestTopic(name: string, now: number): boolean {
  const time = namespaceTime(name, topicNamespace);
  return time !== undefined && now - time > staleAfterMs;
}

/** True when `name` is a test namespace's database made more than `staleAfterMs` before `now`. */
export function isStaleTestDatabase(name: string, now: number): boolean {
  const time = namespaceTime(name, databaseNamespace);
  return time !== undefined && now - time > staleAfterMs;
}

export interface SweptTestData {
  readonly topics: number;
  readonly groups: number;
  readonly databases: number;
}

/** Kafka takes deletions in requests of bounded size; this many names per request. */
const namesPerRequest = 200;

function inChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += namesPerRequest) {
    chunks.push(items.slice(start, start + namesPerRequest));
  }
  return chunks;
}

// kafkajs spreads its errors into its exports, which an ES module cannot import by name.
function isDeleteGroupsError(error: unknown): error is KafkaJSDeleteGroupsError {
  return error instanceof Error && error.name === 'KafkaJSDeleteGroupsError';
}

/** Deletes the stale test namespaces' topics, consumer groups and databases. */
export async function sweepStaleTestData(
  kafka: Kafka,
  mongo: MongoClient,
  now: number = Date.now(),
): Promise<SweptTestData> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((name) => isStaleTestTopic(name, now));
    const groups = (await admin.listGroups()).groups
      .map((group) => group.groupId)
      .filter((name) => isStaleTestTopic(name, now));
    let groupsDeleted = 0;
    for (const chunk of inChunks(groups)) {
      try {
        await admin.deleteGroups(chunk);
        groupsDeleted += chunk.length;
      } catch (error) {
        // A group some process still belongs to stays; its topics go all the same.
        if (!isDeleteGroupsError(error)) throw error;
        groupsDeleted += chunk.length - error.groups.length;
      }
    }
    for (const chunk of inChunks(topics)) {
      await admin.deleteTopics({ topics: chunk, timeout: 60_000 });
    }
    const databases = (await mongo.db().admin().listDatabases({ nameOnly: true })).databases
      .map((database) => database.name)
      .filter((name) => isStaleTestDatabase(name, now));
    for (const name of databases) await mongo.db(name).dropDatabase();
    return { topics: topics.length, groups: groupsDeleted, databases: databases.length };
  } finally {
    await admin.disconnect();
  }
}
