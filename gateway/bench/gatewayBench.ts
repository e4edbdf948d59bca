/**
 * `npm run bench:gateway`: one representative authenticated query at fixed concurrency,
 *
 *   (a) direct  straight at the expense subgraph (its own part of the query),
 *   (b) ours    through our gateway (`startGateway` with `readGatewayConfig()` defaults; only the
 *               rate limits are raised so they never trip),
 *   (c) apollo  through a stock `@apollo/gateway` on `@apollo/server` with default settings (a
 *               data source that forwards the Authorization header, which the subgraphs need),
 *   (d) hive    through Hive Gateway (`@graphql-hive/gateway-runtime` on node:http, default
 *               settings, propagating the Authorization header),
 *
 * all over the same in-process subgraphs (auth, user, expense, as gateway/test/support/system.ts
 * starts them) and the same supergraph SDL. One user signs up; `BENCH_GATEWAY_EXPENSES` (default
 * 60) expenses are added; then each target runs `BENCH_GATEWAY_SECONDS` (default 10) after
 * `BENCH_GATEWAY_WARMUP_SECONDS` (default 2) with `BENCH_GATEWAY_CONCURRENCY` (default 16)
 * closed loops on keep-alive connections, from a child process, one target after another in
 * the order above. Everything listens on loopback; it stops by itself, then drops its databases
 * and topics.
 *
 * Needs Kafka and the MongoDB-protocol server (`npm run infra:up`). Figures go to stderr as they
 * come; the last stdout line is one JSON object. Components log at `warn` (see benchEnvironment.ts).
 */
import './benchEnvironment.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { readFile } from 'node:fs/promises';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { envInt, envList, envString, errorMessage } from '@cashtrack/platform';
import { composeSupergraph } from '../../schema/src/composeSupergraph.ts';
import { gatewaySignedHeaders, testSubgraphSecret } from '../../test-support/gatewaySigning.ts';
import { signedFetcher } from '../src/replicas/signedFetcher.ts';
import { subgraphDefinitions } from '../../schema/src/subgraphs.ts';
import {
  signUp,
  startIdentityStack,
  type IdentityStack,
} from '../../subgraphs/auth/test/support/identityStack.ts';
import { expenseConfigFromEnv } from '../../subgraphs/expense/src/config.ts';
import {
  startExpenseSubgraph,
  type RunningExpenseSubgraph,
} from '../../subgraphs/expense/src/expenseSubgraph.ts';
import { readGatewayConfig } from '../src/config.ts';
import { startGateway } from '../src/gatewayServer.ts';
import { runLoadInChild, type LoadResult } from './loadGenerator.ts';

const concurrency = envInt('BENCH_GATEWAY_CONCURRENCY', 16);
const seconds = envInt('BENCH_GATEWAY_SECONDS', 10);
const warmupSeconds = envInt('BENCH_GATEWAY_WARMUP_SECONDS', 2);
const expenseCount = Math.max(50, envInt('BENCH_GATEWAY_EXPENSES', 60));
const mongoUrl = envString('MONGO_URL', 'mongodb://127.0.0.1:27017');
const kafkaBrokers = envList('KAFKA_BROKERS', ['127.0.0.1:9092']);
const displayName = 'Bench Person';

const nodeFields = 'id amount { amount currency } category description occurredOn';
const gatewayQuery = `query GatewayBench { me { id displayName expenses(first: 50) { edges { node { ${nodeFields} user { displayName } } } } } }`;
const subgraphQuery = `query GatewayBench { expenses(first: 50) { edges { node { ${nodeFields} } } } }`;

type TargetName = 'direct' | 'ours' | 'apollo' | 'hive';

interface Target {
  readonly name: TargetName;
  readonly url: string;
  readonly query: string;
  stop(): Promise<void>;
}

interface Answer {
  readonly data?: unknown;
  readonly errors?: unknown;
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Fails with one clear line when Kafka or the MongoDB-protocol server is not there. */
async function requireInfra(): Promise<MongoClient> {
  const hint = 'start it with `npm run infra:up`';
  const [host = '127.0.0.1', port = '9092'] = (kafkaBrokers[0] ?? '127.0.0.1:9092').split(':');
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port: Number(port), timeout: 2_000 });
    const fail = (reason: string): void => {
      socket.destroy();
      reject(new Error(`Kafka at ${host}:${port} is not reachable (${reason}): ${hint}`));
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail('timed out'));
    socket.once('error', (error) => fail(errorMessage(error)));
  });
  const mongo = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 2_000 });
  try {
    await mongo.connect();
    await mongo.db('admin').command({ ping: 1 });
  } catch (error) {
    await mongo.close().catch(() => undefined);
    throw new Error(
      `The MongoDB-protocol server at ${mongoUrl} is not reachable (${errorMessage(error)}): ${hint}`,
    );
  }
  return mongo;
}

async function post(url: string, query: string, token: string, variables = {}): Promise<Answer> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      // The gateways ignore it; the expense subgraph called directly needs it.
      ...gatewaySignedHeaders(url, { body, authorization: `Bearer ${token}` }),
    },
    body,
  });
  const answer = (await response.json()) as Answer;
  if (response.status !== 200 || answer.errors !== undefined) {
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer).slice(0, 500)}`);
  }
  return answer;
}

async function addExpenses(expenseUrl: string, token: string): Promise<void> {
  const categories = ['groceries', 'dining', 'transport', 'utilities', 'entertainment'];
  const mutation = 'mutation ($input: ExpenseInput!) { addExpense(input: $input) { id pending } }';
  for (let index = 0; index < expenseCount; index += 1) {
    const day = String((index % 28) + 1).padStart(2, '0');
    await post(expenseUrl, mutation, token, {
      input: {
        amount: `${(index % 90) + 1}.${String(index % 100).padStart(2, '0')}`,
        currency: 'USD',
        category: categories[index % categories.length],
        description: `bench expense ${index}`,
        occurredOn: `2026-10-${day}`,
      },
    });
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/graphql`;
}

async function startOurs(jwksUrl: string, supergraphSdl: string): Promise<Target> {
  const unlimited = { capacity: 1_000_000_000, refillPerSecond: 1_000_000_000 };
  const gateway = await startGateway(
    {
      ...readGatewayConfig(),
      port: 0,
      jwksUrl,
      rateLimits: { perUser: unlimited, perAddress: unlimited },
    },
    supergraphSdl,
  );
  return { name: 'ours', url: gateway.url, query: gatewayQuery, stop: () => gateway.stop() };
}

interface StockContext {
  readonly authorization: string | undefined;
}

/**
 * The additions a stock gateway needs here: the subgraphs want the caller's token, and a request
 * signed as the gateway's (around the data source's own default fetcher, as ours signs).
 */
class ForwardAuthorization extends RemoteGraphQLDataSource<StockContext> {
  override willSendRequest(options: GraphQLDataSourceProcessOptions<StockContext>): void {
    if (!('incomingRequestContext' in options)) return;
    const { authorization } = options.context;
    if (authorization !== undefined)
      options.request.http?.headers.set('authorization', authorization);
  }
}

async function startApollo(supergraphSdl: string): Promise<Target> {
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
  return { name: 'apollo', url, query: gatewayQuery, stop: () => server.stop() };
}

async function startHive(supergraphSdl: string): Promise<Target> {
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
  const url = await listen(server);
  return {
    name: 'hive',
    url,
    query: gatewayQuery,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}

/** One request before the load: the answer must be the 50 expenses, and the same everywhere. */
async function checkAnswer(target: Target, token: string): Promise<unknown> {
  const { data } = await post(target.url, target.query, token);
  const connection =
    target.name === 'direct'
      ? (data as { expenses: { edges: unknown[] } }).expenses
      : (data as { me: { expenses: { edges: { node: { user: { displayName: string } } }[] } } }).me
          .expenses;
  if (connection.edges.length !== 50) {
    throw new Error(`${target.name} answered ${connection.edges.length} expenses, not 50`);
  }
  return data;
}

interface Measured extends LoadResult {
  /**
   * CPU time of the bench's process, where every server runs, per request (warm-up included):
   * what one request costs the subgraphs plus the gateway, which the machine's other load
   * changes much less than it changes the rates.
   */
  readonly serverCpuMsPerRequest: number;
}

async function measure(target: Target, token: string): Promise<Measured> {
  const cpuBefore = process.cpuUsage();
  const load = await runLoadInChild({
    url: target.url,
    body: JSON.stringify({ query: target.query }),
    headers: { authorization: `Bearer ${token}` },
    signAsGateway: target.name === 'direct',
    concurrency,
    warmupMs: warmupSeconds * 1_000,
    durationMs: seconds * 1_000,
  });
  const { user, system } = process.cpuUsage(cpuBefore);
  const cpuMs = (user + system) / 1_000;
  const result = { ...load, serverCpuMsPerRequest: round(cpuMs / Math.max(1, load.allRequests)) };
  say(
    `${target.name.padEnd(6)} ${String(result.rps).padStart(6)} rps   p50 ${result.p50Ms} ms   ` +
      `p95 ${result.p95Ms} ms   p99 ${result.p99Ms} ms   (${result.requests} requests, ` +
      `${result.failures} failed; ${result.serverCpuMsPerRequest} ms server CPU per request)`,
  );
  if (result.failures > 0) say(`  first failure: ${result.firstFailure ?? ''}`);
  return result;
}

async function dropEverything(
  mongo: MongoClient,
  identity: IdentityStack | undefined,
): Promise<void> {
  if (identity === undefined) return;
  const { database, topicPrefix } = identity.namespace;
  for (const suffix of ['_a', '_u', '_e']) {
    await mongo
      .db(`${database}${suffix}`)
      .dropDatabase()
      .catch(() => undefined);
  }
  const admin = new Kafka({
    clientId: 'gateway-bench',
    brokers: kafkaBrokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } catch (error) {
    say(`could not delete the bench topics (${topicPrefix}*): ${errorMessage(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const mongo = await requireInfra();
  let identity: IdentityStack | undefined;
  let expense: RunningExpenseSubgraph | undefined;
  const targets: Target[] = [];
  const results = new Map<TargetName, Measured>();
  try {
    identity = await startIdentityStack();
    const jwksUrl = `${identity.auth.url}/.well-known/jwks.json`;
    expense = await startExpenseSubgraph(
      {
        ...expenseConfigFromEnv(),
        port: 0,
        database: `${identity.namespace.database}_e`,
        topicPrefix: identity.namespace.topicPrefix,
        jwksUrl,
      },
      { exitOnFatal: false },
    );
    const urls: Record<string, string> = {
      auth: `${identity.auth.url}/graphql`,
      user: `${identity.user.url}/graphql`,
      expense: `${expense.url}/graphql`,
    };
    const supergraphSdl = composeSupergraph(
      await Promise.all(
        subgraphDefinitions().map(async (subgraph) => ({
          name: subgraph.name,
          url: urls[subgraph.name] ?? subgraph.url,
          sdl: await readFile(subgraph.sdlPath, 'utf8'),
        })),
      ),
    );

    const { accessToken: token } = await signUp(identity.auth.url, { displayName });
    await addExpenses(urls.expense ?? '', token);
    say(
      `${expenseCount} expenses added; ${concurrency} concurrent, ${warmupSeconds} s warm-up, ` +
        `${seconds} s per target`,
    );

    targets.push(
      {
        name: 'direct',
        url: urls.expense ?? '',
        query: subgraphQuery,
        stop: async () => undefined,
      },
      await startOurs(jwksUrl, supergraphSdl),
      await startApollo(supergraphSdl),
      await startHive(supergraphSdl),
    );
    const answers = new Map<TargetName, unknown>();
    for (const target of targets) answers.set(target.name, await checkAnswer(target, token));
    for (const name of ['apollo', 'hive'] as const) {
      if (!isDeepStrictEqual(answers.get(name), answers.get('ours'))) {
        throw new Error(`${name} answered differently from ours`);
      }
    }

    for (const target of targets) results.set(target.name, await measure(target, token));
  } finally {
    for (const target of targets.reverse()) {
      await target
        .stop()
        .catch((error: unknown) => say(`stopping ${target.name}: ${errorMessage(error)}`));
    }
    await expense?.close();
    await identity?.close();
    await dropEverything(mongo, identity);
    await mongo.close();
  }

  const result = (name: TargetName): Measured => {
    const found = results.get(name);
    if (found === undefined) throw new Error(`no result for ${name}`);
    return found;
  };
  const [direct, ours, apollo, hive] = (['direct', 'ours', 'apollo', 'hive'] as const).map(result);
  if (direct === undefined || ours === undefined || apollo === undefined || hive === undefined) {
    throw new Error('a target is missing');
  }
  const oursVsApollo = round(ours.rps / Math.max(1, apollo.rps));
  const oursVsHive = round(ours.rps / Math.max(1, hive.rps));
  say(
    `ours vs apollo ${oursVsApollo}x (goal >= 2), ours vs hive ${oursVsHive}x (goal >= 1), ` +
      `ours vs direct ${round(ours.rps / Math.max(1, direct.rps))}x`,
  );
  const latencies = Object.fromEntries(
    (['direct', 'ours', 'apollo', 'hive'] as const).flatMap((name) => {
      const { p50Ms, p95Ms, p99Ms, serverCpuMsPerRequest } = result(name);
      return [
        [`${name}P50Ms`, p50Ms],
        [`${name}P95Ms`, p95Ms],
        [`${name}P99Ms`, p99Ms],
        [`${name}ServerCpuMsPerRequest`, serverCpuMsPerRequest],
      ];
    }),
  );
  const failures = [direct, ours, apollo, hive].reduce((sum, { failures }) => sum + failures, 0);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'gateway',
      concurrency,
      seconds,
      directRps: direct.rps,
      oursRps: ours.rps,
      apolloRps: apollo.rps,
      hiveRps: hive.rps,
      oursVsApollo,
      oursVsHive,
      ...latencies,
      failures,
    })}\n`,
  );
}

await main().then(
  () => {
    // Stray keep-alive sockets or client timers must not keep the bench alive.
    setTimeout(() => process.exit(0), 2_000).unref();
  },
  (error: unknown) => {
    say(
      `bench:gateway failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
