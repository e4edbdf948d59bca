import { allTopicNames } from '../../../events/src/topics.ts';
import type { DeploymentProfile } from './profiles.ts';

/** The private DNS namespace (Cloud Map) the processes find each other in. */
export const serviceNamespace = 'cashtrack.internal';

/**
 * Every topic a process may create, read or write: the event topics and their dead letters
 * (`ensureTopics`, run by every process at start), and the expense subgraph's change notices
 * (`changeNotificationsTopic`; a test holds this copy to it).
 */
export const kafkaTopics: readonly string[] = [...allTopicNames(), 'cashtrack.expense-changes'];

/** A secret a process reads from Secrets Manager into this environment variable. */
export type SecretName = 'subgraphSharedSecret' | 'mongoUrl' | 'openAiApiKey';

/** The consumer groups a process uses; every process may use every topic of `kafkaTopics`. */
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
  /** The compose service name and the Cloud Map name, e.g. `parser-worker`. */
  readonly name: 'gateway' | 'auth' | 'user' | 'expense' | 'parser-worker';
  readonly taskSize: keyof DeploymentProfile['tasks'];
  /** `SERVICE_ENTRY`: the image's one entry point picks the process by it. */
  readonly entry: string;
  readonly port: number;
  /** Plain settings; secrets never go here. */
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretName>>;
  readonly kafkaGroups: KafkaGroups;
  /**
   * The consumer group and topic whose lag scales this process out, when its work is consuming
   * (the parser worker, the expense projector).
   */
  readonly scalesOnLagOf?: { readonly group: string; readonly topic: string };
}

const jwksUrl = `http://auth.${serviceNamespace}:4001/.well-known/jwks.json`;
const revocationGroups = ['access-token-revocations-'];

/** Every process of the system, from what each one's config reads (subgraphs/*\/src/config.ts, …). */
export function processSpecs(profile: DeploymentProfile): readonly ProcessSpec[] {
  const modelSecrets: Readonly<Record<string, SecretName>> =
    profile.parserModel === 'openai' ? { OPENAI_API_KEY: 'openAiApiKey' } : {};
  return [
    {
      name: 'auth',
      taskSize: 'auth',
      entry: 'subgraphs/auth/src/index.ts',
      port: 4001,
      environment: { AUTH_HOST: '0.0.0.0' },
      secrets: { SUBGRAPH_SHARED_SECRET: 'subgraphSharedSecret', MONGO_URL: 'mongoUrl' },
      // Auth applies its own revocations from its database; it consumes nothing.
      kafkaGroups: { named: [], perReplicaPrefixes: [] },
    },
    {
      name: 'user',
      taskSize: 'user',
      entry: 'subgraphs/user/src/index.ts',
      port: 4002,
      environment: { USER_HOST: '0.0.0.0', AUTH_JWKS_URL: jwksUrl },
      secrets: { SUBGRAPH_SHARED_SECRET: 'subgraphSharedSecret', MONGO_URL: 'mongoUrl' },
      kafkaGroups: { named: ['user-profiles'], perReplicaPrefixes: revocationGroups },
    },
    {
      name: 'expense',
      taskSize: 'expense',
      entry: 'subgraphs/expense/src/index.ts',
      port: 4003,
      environment: { EXPENSE_HOST: '0.0.0.0', AUTH_JWKS_URL: jwksUrl },
      secrets: { SUBGRAPH_SHARED_SECRET: 'subgraphSharedSecret', MONGO_URL: 'mongoUrl' },
      kafkaGroups: {
        named: ['expense-projector'],
        perReplicaPrefixes: [...revocationGroups, 'expense-changes-'],
      },
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
      },
      secrets: { MONGO_URL: 'mongoUrl', ...modelSecrets },
      kafkaGroups: { named: ['parser-worker'], perReplicaPrefixes: [] },
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
        SUBGRAPH_AUTH_URLS: `http://auth.${serviceNamespace}:4001/graphql`,
        SUBGRAPH_USER_URLS: `http://user.${serviceNamespace}:4002/graphql`,
        SUBGRAPH_EXPENSE_URLS: `http://expense.${serviceNamespace}:4003/graphql`,
        // The load balancer is the one proxy in front: its x-forwarded-for entry is the client.
        GATEWAY_TRUST_PROXY: '1',
      },
      secrets: { SUBGRAPH_SHARED_SECRET: 'subgraphSharedSecret' },
      kafkaGroups: { named: [], perReplicaPrefixes: revocationGroups },
    },
  ];
}

/** Processes the gateway calls, and so the ones whose port it may reach. */
export const subgraphNames: readonly ProcessSpec['name'][] = ['auth', 'user', 'expense'];
