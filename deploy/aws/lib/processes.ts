import { allTopicNames, deadLetterTopic, topics } from '../../../events/src/topics.ts';
import type { DeploymentProfile, DistributedProfile } from './profiles.ts';
import { tracingEnvironment } from './traceCollector.ts';

/** The private DNS namespace (Cloud Map) the processes find each other in. */
export const serviceNamespace = 'cashtrack.internal';

/**
 * Every topic a process may create, read or write: the event topics and their dead letters
 * (`ensureTopics`, run by every process at start), and the expense subgraph's change notices
 * (`changeNotificationsTopic`; a test holds this copy to it).
 */
export const kafkaTopics: readonly string[] = [...allTopicNames(), 'cashtrack.expense-changes'];

const expenseChanges = 'cashtrack.expense-changes';

/**
 * The topics a process reads and the ones it writes, from its consumers and what it publishes.
 * A consumer also writes the dead letters of what it reads (`<topic>.dlq`).
 */
export interface TopicUse {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}

/**
 * Topics read by listeners that skip what they cannot use rather than park it: the revocation
 * listener (events/src/kafka/revocationListener.ts) and the change notices.
 */
const readWithoutDeadLetters: readonly string[] = [topics.accessTokenRevocations, expenseChanges];

/** Every topic `use` lets a process write: what it publishes and its dead letters. */
export function writtenTopics(use: TopicUse): string[] {
  const deadLetters = use.reads
    .filter((topic) => !readWithoutDeadLetters.includes(topic))
    .map(deadLetterTopic);
  return [...new Set([...use.writes, ...deadLetters])];
}

/** A secret a process reads from Secrets Manager into this environment variable. */
export type SecretName = 'subgraphSharedSecret' | 'mongoUrl' | 'openAiApiKey';

/** The consumer groups a process uses. */
export interface KafkaGroups {
  /** Consumer groups with a fixed name (e.g. `parser-worker`). */
  readonly named: readonly string[];
  /** Consumer groups named `<prefix><random id>`, one per replica, deleted when it stops. */
  readonly perReplicaPrefixes: readonly string[];
}

/**
 * One CashTrack process as docker-compose.yml runs it, and as the CDK app runs it: the same
 * name, entry point, port and environment variables (a test compares the two).
 */
export interface ProcessSpec {
  /** The compose service name, the container name and the host name others call it by. */
  readonly name: 'gateway' | 'auth' | 'user' | 'expense' | 'parser-worker';
  readonly taskSize: keyof DistributedProfile['tasks'];
  /** `SERVICE_ENTRY`: the image's one entry point picks the process by it. */
  readonly entry: string;
  readonly port: number;
  /** Plain settings; secrets never go here. */
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretName>>;
  readonly kafkaGroups: KafkaGroups;
  readonly topics: TopicUse;
  /** The processes this one calls, by name: their ports are the only ones it may reach. */
  readonly calls: readonly ProcessSpec['name'][];
  /**
   * The consumer group and topic whose lag scales this process out, when its work is consuming
   * (the parser worker, the expense projector).
   */
  readonly scalesOnLagOf?: { readonly group: string; readonly topic: string };
}

const revocationGroups = ['access-token-revocations-'];

/**
 * How a process reaches another: on one host by its container name through a link, as in compose
 * (`auth`); distributed by its Cloud Map name (`auth.cashtrack.internal`).
 */
function hostOf(profile: DeploymentProfile, name: ProcessSpec['name']): string {
  return profile.shape === 'single-host' ? name : `${name}.${serviceNamespace}`;
}

/**
 * Where Kafka and MongoDB are: on one host the broker and MongoDB containers, reached as compose
 * reaches them (the URL holds no password: nothing outside the task reaches MongoDB); distributed,
 * MSK (its brokers and IAM variables come from the Kafka construct) and Atlas, whose connection
 * string holds a password and so is a secret.
 */
function dataSettings(profile: DeploymentProfile): {
  readonly kafka: Readonly<Record<string, string>>;
  readonly mongo: {
    environment: Readonly<Record<string, string>>;
    secrets: Readonly<Record<string, SecretName>>;
  };
} {
  if (profile.shape === 'single-host') {
    return {
      kafka: { KAFKA_BROKERS: 'kafka:9092' },
      mongo: { environment: { MONGO_URL: 'mongodb://mongo:27017' }, secrets: {} },
    };
  }
  return {
    kafka: { KAFKA_REPLICATION_FACTOR: String(Math.min(profile.kafka.brokers, 3)) },
    mongo: { environment: {}, secrets: { MONGO_URL: 'mongoUrl' } },
  };
}

/** Every process of the system, from what each one's config reads (subgraphs/*\/src/config.ts, …). */
export function processSpecs(profile: DeploymentProfile): readonly ProcessSpec[] {
  const modelSecrets: Readonly<Record<string, SecretName>> =
    profile.parserModel === 'openai' ? { OPENAI_API_KEY: 'openAiApiKey' } : {};
  const { kafka, mongo } = dataSettings(profile);
  const tracing = tracingEnvironment(profile);
  const jwksUrl = `http://${hostOf(profile, 'auth')}:4001/.well-known/jwks.json`;
  return [
    {
      name: 'auth',
      taskSize: 'auth',
      entry: 'subgraphs/auth/src/index.ts',
      port: 4001,
      environment: { AUTH_HOST: '0.0.0.0', ...kafka, ...mongo.environment, ...tracing },
      secrets: { SUBGRAPH_SHARED_SECRET: 'subgraphSharedSecret', ...mongo.secrets },
      // Auth applies its own revocations from its database; it consumes nothing.
      kafkaGroups: { named: [], perReplicaPrefixes: [] },
      // UserRegistered; AccessTokenRevoked and SessionRevoked when a person logs out.
      topics: { reads: [], writes: [topics.users, topics.accessTokenRevocations] },
      calls: [],
    },
    {
      name: 'user',
      taskSize: 'user',
      entry: 'subgraphs/user/src/index.ts',
      port: 4002,
      environment: {
        USER_HOST: '0.0.0.0',
        AUTH_JWKS_URL: jwksUrl,
        ...kafka,
        ...mongo.environment,
        ...tracing,
      },
      secrets: { SUBGRAPH_SHARED_SECRET: 'subgraphSharedSecret', ...mongo.secrets },
      kafkaGroups: { named: ['user-profiles'], perReplicaPrefixes: revocationGroups },
      // UserProfileUpdated.
      topics: { reads: [topics.users, topics.accessTokenRevocations], writes: [topics.users] },
      // JWKS: auth's public keys, to verify access tokens.
      calls: ['auth'],
    },
    {
      name: 'expense',
      taskSize: 'expense',
      entry: 'subgraphs/expense/src/index.ts',
      port: 4003,
      environment: {
        EXPENSE_HOST: '0.0.0.0',
        AUTH_JWKS_URL: jwksUrl,
        ...kafka,
        ...mongo.environment,
        ...tracing,
      },
      secrets: { SUBGRAPH_SHARED_SECRET: 'subgraphSharedSecret', ...mongo.secrets },
      kafkaGroups: {
        named: ['expense-projector'],
        perReplicaPrefixes: [...revocationGroups, 'expense-changes-'],
      },
      // The projector reads the expense and user events; ExpenseMessageSubmitted, the expense
      // commands' events and the change notices are its own.
      topics: {
        reads: [
          topics.expenses,
          topics.expenseMessages,
          topics.users,
          topics.accessTokenRevocations,
          expenseChanges,
        ],
        writes: [topics.expenseMessages, topics.expenses, expenseChanges],
      },
      calls: ['auth'],
      scalesOnLagOf: { group: 'expense-projector', topic: 'cashtrack.expenses' },
    },
    {
      name: 'parser-worker',
      taskSize: 'parserWorker',
      entry: 'parser/src/worker/index.ts',
      port: 4004,
      environment: {
        PARSER_HOST: '0.0.0.0',
        OPENAI_MODEL: 'gpt-4o-mini',
        PARSER_DAILY_TOKEN_BUDGET: '20000',
        ...kafka,
        ...mongo.environment,
        ...tracing,
      },
      secrets: { ...mongo.secrets, ...modelSecrets },
      // `parser-vocabulary`: the learned-terms projector (parser/src/vocabulary; a test holds it).
      kafkaGroups: { named: ['parser-worker', 'parser-vocabulary'], perReplicaPrefixes: [] },
      // ExpenseRecorded and ExpenseMessageRejected; it learns from ExpenseCategoryCorrected.
      topics: { reads: [topics.expenseMessages, topics.expenses], writes: [topics.expenses] },
      calls: [],
      scalesOnLagOf: { group: 'parser-worker', topic: 'cashtrack.expense-messages' },
    },
    {
      name: 'gateway',
      taskSize: 'gateway',
      entry: 'gateway/src/index.ts',
      port: 4000,
      environment: {
        GATEWAY_HOST: '0.0.0.0',
        AUTH_JWKS_URL: jwksUrl,
        SUBGRAPH_AUTH_URLS: `http://${hostOf(profile, 'auth')}:4001/graphql`,
        SUBGRAPH_USER_URLS: `http://${hostOf(profile, 'user')}:4002/graphql`,
        SUBGRAPH_EXPENSE_URLS: `http://${hostOf(profile, 'expense')}:4003/graphql`,
        // The front door (load balancer or CloudFront) is the one proxy in front: its
        // x-forwarded-for entry is the client.
        GATEWAY_TRUST_PROXY: '1',
        ...kafka,
        ...tracing,
      },
      secrets: { SUBGRAPH_SHARED_SECRET: 'subgraphSharedSecret' },
      kafkaGroups: { named: [], perReplicaPrefixes: revocationGroups },
      topics: { reads: [topics.accessTokenRevocations], writes: [] },
      calls: ['auth', 'user', 'expense'],
    },
  ];
}
