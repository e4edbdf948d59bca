import type { Admin, Kafka } from 'kafkajs';
import {
  createLogger,
  kafkaReplicationFactorSetting,
  readSetting,
  retryAtStartup,
} from '@cashtrack/platform';
import { allTopicNames } from '../topics.ts';

export interface EnsureTopicsOptions {
  /** Put in front of every topic name (tests use `testNamespace().topicPrefix`). Default ''. */
  readonly prefix?: string;
  /** Partitions of a topic this call creates; existing topics are left as they are. Default 6. */
  readonly partitions?: number;
  /** Default `KAFKA_REPLICATION_FACTOR` (1: one local broker); a cluster sets its broker count. */
  readonly replicationFactor?: number;
}

const log = createLogger('events-topics');

/**
 * Creates whichever event topics and `<topic>.dlq` topics are missing; safe to call from every
 * process at startup (the broker refuses auto-creation). Event topics keep every event
 * (`retention.ms=-1`) because read models are rebuilt from them; dead-letter topics too, so a
 * poison message waits until someone looks at it. Returns the names it created. A broker that is
 * still starting, or still placing the leaders of topics just created, is waited for.
 */
export function ensureTopics(
  client: Admin | Kafka,
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  return retryAtStartup(`Kafka topics${options.prefix ? ` ${options.prefix}*` : ''}`, () =>
    createMissingTopics(client, options),
  );
}

async function createMissingTopics(
  client: Admin | Kafka,
  options: EnsureTopicsOptions,
): Promise<string[]> {
  const {
    prefix = '',
    partitions = 6,
    replicationFactor = readSetting(kafkaReplicationFactorSetting),
  } = options;
  const ownAdmin = 'createTopics' in client ? undefined : client.admin();
  const admin = ownAdmin ?? (client as Admin);
  if (ownAdmin !== undefined) await ownAdmin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = allTopicNames(prefix).filter((topic) => !existing.has(topic));
    if (missing.length === 0) return [];
    // Another process may create the same topics at the same moment; kafkajs treats
    // TOPIC_ALREADY_EXISTS as success, so racing callers both succeed.
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      })),
    });
    log.info({ topics: missing, partitions }, 'created topics');
    return missing;
  } finally {
    if (ownAdmin !== undefined) await ownAdmin.disconnect();
  }
}
