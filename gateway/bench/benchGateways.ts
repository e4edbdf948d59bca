/**
 * The three gateways the bench compares, each started the same way in a process of its own
 * (gatewayProcess.ts), over the same supergraph SDL:
 *
 *   ours    `startGateway` with `readGatewayConfig()` defaults; only the rate limits are raised so
 *           they never trip (hundreds of bench people share one loopback address);
 *   apollo  a stock `@apollo/gateway` on `@apollo/server`'s standalone server, default settings,
 *           with a data source that forwards the Authorization header the subgraphs need;
 *   hive    Hive Gateway (`@graphql-hive/gateway-runtime` on node:http), default settings,
 *           propagating the Authorization header.
 *
 * The stock ones sign their subgraph requests as the gateway's, as ours does: subgraphs refuse
 * anything else.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { gatewaySignedHeaders, testSubgraphSecret } from '../../test-support/gatewaySigning.ts';
import { readGatewayConfig } from '../src/config.ts';
import { startGateway } from '../src/gatewayServer.ts';
import { startTracing } from '@cashtrack/platform/tracing';
import { signedFetcher } from '../src/replicas/signedFetcher.ts';

export const gatewayNames = ['ours', 'apollo', 'hive'] as const;
export type GatewayName = (typeof gatewayNames)[number];

export interface StartedGateway {
  readonly url: string;
  stop(): Promise<void>;
}

export interface GatewaySetting {
  readonly supergraphSdl: string;
  readonly jwksUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
}

export function startBenchGateway(
  name: GatewayName,
  setting: GatewaySetting,
): Promise<StartedGateway> {
  switch (name) {
    case 'ours':
      return startOurs(setting);
    case 'apollo':
      return startApollo(setting.supergraphSdl);
    case 'hive':
      return startHive(setting.supergraphSdl);
  }
}

async function startOurs(setting: GatewaySetting): Promise<StartedGateway> {
  const unlimited = { capacity: 1_000_000_000, refillPerSecond: 1_000_000_000 };
  // As gateway/src/index.ts does: on only when OTEL_EXPORTER_OTLP_ENDPOINT is set
  // (bench:observability), and only in our gateway's process, not in the stock ones'.
  const tracing = startTracing('gateway');
  const gateway = await startGateway(
    {
      ...readGatewayConfig(),
      port: 0,
      jwksUrl: setting.jwksUrl,
      kafkaBrokers: setting.kafkaBrokers,
      topicPrefix: setting.topicPrefix,
      rateLimits: { perUser: unlimited, perAddress: unlimited },
    },
    setting.supergraphSdl,
  );
  return {
    url: gateway.url,
    async stop() {
      await gateway.stop();
      await tracing.shutdown();
    },
  };
}

interface StockContext {
  readonly authorization: string | undefined;
}

/** What a stock gateway needs here: the subgraphs want the caller's token. */
class ForwardAuthorization extends RemoteGraphQLDataSource<StockContext> {
  override willSendRequest(options: GraphQLDataSourceProcessOptions<StockContext>): void {
    if (!('incomingRequestContext' in options)) return;
    const { authorization } = options.context;
    if (authorization !== undefined)
      options.request.http?.headers.set('authorization', authorization);
  }
}

async function startApollo(supergraphSdl: string): Promise<StartedGateway> {
  const server = new ApolloServer<StockContext>({
    gateway: new ApolloGateway({
      supergraphSdl,
      buildService: ({ url }) => {
        // Its own default fetcher (make-fetch-happen), signing around it as ours does.
        const stock = new RemoteGraphQLDataSource({ url });
        return new ForwardAuthorization({
          url,
          fetcher: signedFetcher(testSubgraphSecret, (target, init) => stock.fetcher(target, init)),
        });
      },
    }),
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, stop: () => server.stop() };
}

async function startHive(supergraphSdl: string): Promise<StartedGateway> {
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        authorization: request.headers.get('authorization') ?? '',
      }),
    },
    // Signed as the gateway's, over the body exactly as Hive sends it.
    plugins: () => [
      {
        onFetch(payload) {
          const { url, options } = payload;
          const authorization = options.headers?.authorization;
          payload.setOptions({
            ...options,
            headers: {
              ...options.headers,
              ...gatewaySignedHeaders(url, {
                method: options.method ?? 'POST',
                body: typeof options.body === 'string' ? options.body : '',
                authorization: authorization === '' ? undefined : authorization,
              }),
            },
          });
        },
      },
    ],
  });
  // The runtime is a (request, response) handler that answers a promise node:http ignores.
  const server = createServer((request, response) => void runtime(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
