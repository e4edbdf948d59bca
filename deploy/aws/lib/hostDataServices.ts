/**
 * The broker and the database the small profile runs next to our processes, as docker compose
 * runs them: the same images, and the broker configured by the same variables (a test compares
 * them with docker-compose.yml). The data directories are on the host's data volume.
 */
export interface HostDataService {
  readonly name: 'kafka' | 'mongo';
  readonly image: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  /** Where the container keeps its data; the host directory is `/data/<name>`. */
  readonly dataPath: string;
  readonly healthCommand: readonly string[];
}

/** apache/kafka runs as this user id; its data directory must belong to it. */
export const kafkaImageUserId = 1000;

export const kafkaService: HostDataService = {
  name: 'kafka',
  image: 'apache/kafka:3.9.1',
  environment: {
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
    KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
    KAFKA_NUM_PARTITIONS: '6',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
    // The image's default log directory is under /tmp, inside the container: the event log must
    // be on the data volume, or a replaced container starts with no events.
    KAFKA_LOG_DIRS: '/var/lib/kafka/data',
  },
  dataPath: '/var/lib/kafka/data',
  healthCommand: [
    'CMD-SHELL',
    '/opt/kafka/bin/kafka-topics.sh --bootstrap-server localhost:9092 --list >/dev/null',
  ],
};

export const mongoService: HostDataService = {
  name: 'mongo',
  image: 'mongo:7.0',
  environment: {},
  // WiredTiger takes half of (memory - 1 GiB) by default, which on a shared 4 GiB host is the
  // processes' share; our data for a few hundred people fits a quarter of a GiB of cache.
  command: ['--wiredTigerCacheSizeGB', '0.25'],
  dataPath: '/data/db',
  healthCommand: ['CMD', 'mongosh', '--quiet', '--eval', 'db.runCommand({ ping: 1 }).ok'],
};
