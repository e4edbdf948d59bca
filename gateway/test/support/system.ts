import { readFile } from 'node:fs/promises';
import { composeSupergraph } from '../../../schema/src/composeSupergraph.ts';
import { subgraphDefinitions } from '../../../schema/src/subgraphs.ts';
import {
  startIdentityStack,
  type IdentityStack,
} from '../../../subgraphs/auth/test/support/identityStack.ts';
import type { AuthConfig } from '../../../subgraphs/auth/src/config.ts';
import type { UserConfig } from '../../../subgraphs/user/src/config.ts';
import { readGatewayConfig, type GatewayConfig } from '../../src/config.ts';
import { startGateway, type RunningGateway } from '../../src/gatewayServer.ts';

/** The whole system in-process for one test file: every subgraph on a free port, then the gateway. */
export interface RunningSystem {
  readonly identity: IdentityStack;
  readonly gateway: RunningGateway;
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:38123/graphql. */
  readonly graphqlUrl: string;
  stop(): Promise<void>;
}

export interface SystemOptions {
  readonly auth?: Partial<AuthConfig>;
  readonly user?: Partial<UserConfig>;
  readonly gateway?: Partial<GatewayConfig>;
  /** Extra replicas per subgraph, by name, added to the one started here. */
  readonly extraReplicas?: Readonly<Record<string, readonly string[]>>;
}

/** Generous limits so only the tests about limits meet them. */
const relaxedRateLimits: GatewayConfig['rateLimits'] = {
  perUser: { capacity: 10_000, refillPerSecond: 10_000 },
  perAddress: { capacity: 10_000, refillPerSecond: 10_000 },
};

export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const identity = await startIdentityStack({ auth: options.auth, user: options.user });
  const gateway = await startGatewayFor(identity, options);
  return {
    identity,
    gateway,
    graphqlUrl: gateway.url,
    async stop() {
      await gateway.stop();
      await identity.close();
    },
  };
}

/** A gateway over subgraphs already running, e.g. a second one with other limits. */
export async function startGatewayFor(
  identity: IdentityStack,
  options: Pick<SystemOptions, 'gateway' | 'extraReplicas'> = {},
): Promise<RunningGateway> {
  const urls: Record<string, string> = {
    auth: `${identity.auth.url}/graphql`,
    user: `${identity.user.url}/graphql`,
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
    rateLimits: relaxedRateLimits,
    subgraphUrls: (name) => {
      const own = urls[name];
      return own === undefined ? undefined : [own, ...(options.extraReplicas?.[name] ?? [])];
    },
    ...options.gateway,
  };
  return startGateway(config, composeSupergraph(subgraphs));
}
