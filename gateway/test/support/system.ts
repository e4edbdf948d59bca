import { readFile } from 'node:fs/promises';
import { composeSupergraph } from '../../../schema/src/composeSupergraph.ts';
import { subgraphDefinitions } from '../../../schema/src/subgraphs.ts';
import {
  startIdentityStack,
  type IdentityStack,
} from '../../../subgraphs/auth/test/support/identityStack.ts';
import { authConfigFromEnv, type AuthConfig } from '../../../subgraphs/auth/src/config.ts';
import type { UserConfig } from '../../../subgraphs/user/src/config.ts';
import { expenseConfigFromEnv, type ExpenseConfig } from '../../../subgraphs/expense/src/config.ts';
import {
  startExpenseSubgraph,
  type RunningExpenseSubgraph,
} from '../../../subgraphs/expense/src/expenseSubgraph.ts';
import { parserWorkerConfigFromEnv } from '../../../parser/src/worker/config.ts';
import {
  startParserWorker,
  type RunningParserWorker,
} from '../../../parser/src/worker/parserWorker.ts';
import { readGatewayConfig, type GatewayConfig } from '../../src/config.ts';
import { startGateway, type RunningGateway } from '../../src/gatewayServer.ts';
import { defaultSocketLimits } from '../../src/subscriptions/socketLimits.ts';

/** The whole system in-process for one test file: every subgraph on a free port, then the gateway. */
export interface RunningSystem {
  readonly identity: IdentityStack;
  readonly expense: RunningExpenseSubgraph;
  readonly parser: RunningParserWorker;
  readonly gateway: RunningGateway;
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:38123/graphql. */
  readonly graphqlUrl: string;
  stop(): Promise<void>;
}

export interface SystemOptions {
  readonly auth?: Partial<AuthConfig>;
  readonly user?: Partial<UserConfig>;
  readonly expense?: Partial<ExpenseConfig>;
  readonly gateway?: Partial<GatewayConfig>;
  /** Extra replicas per subgraph, by name, added to the one started here. */
  readonly extraReplicas?: Readonly<Record<string, readonly string[]>>;
}

/** Generous limits so only the tests about limits meet them. */
const relaxedRateLimits: GatewayConfig['rateLimits'] = {
  perUser: { capacity: 10_000, refillPerSecond: 10_000 },
  perAddress: { capacity: 10_000, refillPerSecond: 10_000 },
};

/**
 * Every test client connects from loopback, and some open hundreds of sockets (or thousands, in
 * bench:subscriptions, many as one user): only socketLimits.e2e.test.ts meets these.
 */
const relaxedSocketLimits: GatewayConfig['socketLimits'] = {
  ...defaultSocketLimits,
  maxSocketsPerAddress: 1_000_000,
  maxSocketsPerUser: 1_000_000,
};

/**
 * Every test client signs up from loopback, some hundreds of people in one file (the 200
 * subscribers), past auth's per-address sign-up limit: only abuseLimits.e2e.test.ts meets it.
 */
function relaxedSignUps(): Partial<AuthConfig> {
  const throttle = authConfigFromEnv().loginThrottle;
  return {
    loginThrottle: { ...throttle, signUp: { ...throttle.signUp, freeAttempts: 1_000_000 } },
  };
}

export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const identity = await startIdentityStack({
    auth: { ...relaxedSignUps(), ...options.auth },
    user: options.user,
  });
  const { namespace } = identity;
  const jwksUrl = `${identity.auth.url}/.well-known/jwks.json`;
  const expense = await startExpenseSubgraph({
    ...expenseConfigFromEnv(),
    port: 0,
    database: `${namespace.database}_e`,
    topicPrefix: namespace.topicPrefix,
    jwksUrl,
    ...options.expense,
  });
  const parser = await startParserWorker(
    {
      ...parserWorkerConfigFromEnv(),
      port: 0,
      database: `${namespace.database}_p`,
      topicPrefix: namespace.topicPrefix,
    },
    // Tests never call a hosted model: the rules parser, whatever the environment says.
    { env: {} },
  );
  const gateway = await startGatewayFor(identity, {
    ...options,
    expenseUrl: `${expense.url}/graphql`,
  });
  return {
    identity,
    expense,
    parser,
    gateway,
    graphqlUrl: gateway.url,
    async stop() {
      await gateway.stop();
      await parser.close();
      await expense.close();
      await identity.close();
    },
  };
}

/** A gateway over subgraphs already running, e.g. a second one with other limits. */
export async function startGatewayFor(
  identity: IdentityStack,
  options: Pick<SystemOptions, 'gateway' | 'extraReplicas'> & { readonly expenseUrl?: string } = {},
): Promise<RunningGateway> {
  const urls: Record<string, string> = {
    auth: `${identity.auth.url}/graphql`,
    user: `${identity.user.url}/graphql`,
    ...(options.expenseUrl === undefined ? {} : { expense: options.expenseUrl }),
  };
  const subgraphs = await Promise.all(
    subgraphDefinitions().map(async (subgraph) => ({
      name: subgraph.name,
      url: urls[subgraph.name] ?? subgraph.url,
      sdl: await readFile(subgraph.sdlPath, 'utf8'),
    })),
  );
  const config: GatewayConfig = {
    ...readGatewayConfig(),
    port: 0,
    jwksUrl: `${identity.auth.url}/.well-known/jwks.json`,
    // The file's own revocations topic, where its auth publishes `logOut`s.
    topicPrefix: identity.namespace.topicPrefix,
    rateLimits: relaxedRateLimits,
    socketLimits: relaxedSocketLimits,
    subgraphUrls: (name) => {
      const own = urls[name];
      return own === undefined ? undefined : [own, ...(options.extraReplicas?.[name] ?? [])];
    },
    ...options.gateway,
  };
  return startGateway(config, composeSupergraph(subgraphs));
}
