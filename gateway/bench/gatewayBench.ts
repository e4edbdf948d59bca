/**
 * `npm run bench:gateway`: our gateway against a stock `@apollo/gateway` and Hive Gateway
 * (benchGateways.ts), side by side in one run, over the same subgraphs and supergraph, in three
 * variants (benchWorkload.ts):
 *
 *   single      one person, 16 identical concurrent queries (plus `direct`: the expense
 *               subgraph's part of it, straight at the subgraph, as the floor);
 *   manyUsers   the same query shape, each request from the next of `BENCH_GATEWAY_USERS`
 *               (default 200) people with their own tokens;
 *   mix         the app's real operations: list page, spending summary, me, now and then an
 *               update.
 *
 * Every piece runs in a process of its own: the real auth, user and expense entry points
 * (subgraphProcesses.ts, against the shared Kafka and MongoDB-protocol server with a private
 * topic prefix and databases), each gateway (gatewayProcess.ts) and the load generator
 * (loadGenerator.ts). Every process runs with `NODE_ENV=production`, as the Dockerfile has it
 * (graphql-js then skips its cross-realm `instanceof` check; benchEnvironment.ts), unless
 * `NODE_ENV` is set. A gateway's CPU per request is its own process's `process.cpuUsage()`
 * over the measured windows divided by the requests started in them; the subgraphs' CPU per
 * request (from /proc, Linux) is printed beside it. On a shared machine the rates move with
 * everybody else's load; CPU per request much less.
 *
 * Fairness: the targets are measured in interleaved slices (ours, apollo, hive, ours, apollo,
 * hive, … `BENCH_GATEWAY_SLICES`, default 5, each), so a drift of the machine's load hits every
 * target alike. Each target gets `BENCH_GATEWAY_SECONDS` (default 10) in all, each slice after
 * `BENCH_GATEWAY_WARMUP_SECONDS` (default 1) that is not counted, with
 * `BENCH_GATEWAY_CONCURRENCY` (default 16) closed loops, after the variant's requests have
 * primed the subgraphs' data (`prime`). When a subgraph process uses most of a core (or the
 * machine is saturated) under some gateway, the variant is called subgraph-bound (or
 * machine-bound): its rps ratios are then the subgraphs' limit, not a gateway ratio, and the
 * gateways' own CPU per request is the figure to compare. The one person of
 * `single` has 60 expenses, the others `BENCH_GATEWAY_USER_EXPENSES` (default 20).
 * `BENCH_GATEWAY_PROFILE=<folder>` writes each gateway's and each subgraph's V8 CPU profiles of
 * the whole run there (`<name>/CPU.*.cpuprofile`, the largest is the main thread's; Chrome
 * DevTools or speedscope); with one variant chosen, it then prints each gateway's CPU per
 * request split by part (cpuProfileParts.ts). `BENCH_GATEWAY_VARIANTS=single,mix`
 * runs some variants only. `BENCH_GATEWAY_BASELINE=<checkout>` adds `baseline`: our gateway as
 * another checkout of the repository has it (e.g. `git worktree add --detach <dir> <commit>`
 * with `ln -s "$PWD/node_modules" <dir>/node_modules`), measured in the same interleaved slices
 * as ours, so a change's before and after are one run's ratio, not two loaded runs' difference.
 *
 * Needs Kafka and the MongoDB-protocol server (`npm run infra:up`). Figures go to stderr as they
 * come; the last stdout line is one JSON object. Components log at `warn` (benchEnvironment.ts).
 */
import './benchEnvironment.ts';
import { connect } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { envInt, envList, envString, errorMessage } from '@cashtrack/platform';
import { testNamespace } from '../../test-support/namespace.ts';
import { composeSupergraph } from '../../schema/src/composeSupergraph.ts';
import { subgraphDefinitions } from '../../schema/src/subgraphs.ts';
import { gatewayNames } from './benchGateways.ts';
import {
  manyUsersRound,
  mixRound,
  post,
  seedPeople,
  singleQuery,
  singleRound,
  subgraphQuery,
} from './benchWorkload.ts';
import { startGatewayProcess, type GatewayLabel, type GatewayProcess } from './gatewayProcess.ts';
import {
  mergeLoadResults,
  runLoadInChild,
  type LoadRequest,
  type LoadResult,
} from './loadGenerator.ts';
import {
  startSubgraphProcesses,
  type SubgraphName,
  type SubgraphProcesses,
} from './subgraphProcesses.ts';
import { busyShare, machineCpu, type MachineCpu } from './machineCpu.ts';
import { cpuParts, cpuPartsTable, mainThreadProfile } from './cpuProfileParts.ts';

const concurrency = envInt('BENCH_GATEWAY_CONCURRENCY', 16);
const seconds = envInt('BENCH_GATEWAY_SECONDS', 10);
const warmupSeconds = envInt('BENCH_GATEWAY_WARMUP_SECONDS', 1);
const slices = Math.max(1, envInt('BENCH_GATEWAY_SLICES', 5));
/** A subgraph process busy for this share of one core or more is what limits the rate. */
const saturatedCoreShare = 0.85;
/** So is a machine this busy over all its cores, whoever keeps it busy. */
const saturatedMachineShare = 0.95;
const userCount = Math.max(2, envInt('BENCH_GATEWAY_USERS', 200));
const userExpenses = Math.max(1, envInt('BENCH_GATEWAY_USER_EXPENSES', 20));
const profileDir = envString('BENCH_GATEWAY_PROFILE', '');
const baselineCheckout = envString('BENCH_GATEWAY_BASELINE', '');
const mongoUrl = envString('MONGO_URL', 'mongodb://127.0.0.1:27017');
const kafkaBrokers = envList('KAFKA_BROKERS', ['127.0.0.1:9092']);

const variantNames = ['single', 'manyUsers', 'mix'] as const;
type VariantName = (typeof variantNames)[number];
const chosenVariants = envList('BENCH_GATEWAY_VARIANTS', [...variantNames]).filter(
  (name): name is VariantName => (variantNames as readonly string[]).includes(name),
);
type TargetName = GatewayLabel | 'direct';

interface Measured extends LoadResult {
  /**
   * CPU of the target's own process in its measured windows (each slice's warm-up left out), per
   * request started in them (the few still in flight at a window's start are counted in neither).
   */
  readonly cpuMsPerRequest: number | undefined;
  /** CPU of the three subgraph processes per answered request (10 ms ticks; Linux only). */
  readonly subgraphCpuMsPerRequest: number | undefined;
  /** The busiest subgraph process over the measured windows, as a share of one core (Linux). */
  readonly busiestSubgraph: { readonly name: SubgraphName; readonly coreShare: number } | undefined;
  /** How busy the whole machine was over the measured windows, 0 to 1 (Linux). */
  readonly machineBusyShare: number | undefined;
}

/** Something the bench sends load to: a gateway, or the expense subgraph itself (`direct`). */
interface Target {
  readonly name: TargetName;
  readonly url: string;
  readonly requests: readonly LoadRequest[];
  readonly signAsGateway: boolean;
  cpuMs(): Promise<number | undefined>;
}

/** What one slice of one target measured: its load and the CPU used in its measured window. */
interface Slice {
  readonly load: LoadResult;
  readonly cpuMs: number | undefined;
  readonly subgraphCpuMs: Readonly<Record<SubgraphName, number>> | undefined;
  readonly wallMs: number;
  readonly machine: { readonly before: MachineCpu; readonly after: MachineCpu } | undefined;
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

async function composeFor(subgraphs: SubgraphProcesses): Promise<string> {
  return composeSupergraph(
    await Promise.all(
      subgraphDefinitions().map(async (subgraph) => {
        const base = subgraphs.urls[subgraph.name as keyof SubgraphProcesses['urls']];
        return {
          name: subgraph.name,
          url: base === undefined ? subgraph.url : `${base}/graphql`,
          sdl: await readFile(subgraph.sdlPath, 'utf8'),
        };
      }),
    ),
  );
}

/** The one person's query answers 50 expenses, and the same through every gateway. */
async function checkSingle(
  gateways: readonly GatewayProcess[],
  expenseUrl: string,
  token: string,
): Promise<void> {
  const direct = await post(expenseUrl, subgraphQuery, token);
  const edges = (direct.data as { expenses: { edges: unknown[] } }).expenses.edges;
  if (edges.length !== 50) throw new Error(`direct answered ${edges.length} expenses, not 50`);
  const answers = await Promise.all(gateways.map(({ url }) => post(url, singleQuery, token)));
  answers.forEach((answer, index) => {
    if (!isDeepStrictEqual(answer.data, answers[0]?.data)) {
      throw new Error(`${gateways[index]?.name} answered differently from ${gateways[0]?.name}`);
    }
  });
}

async function measureSlice(target: Target, subgraphs: SubgraphProcesses): Promise<Slice> {
  // Read when the warm-up is over: JIT compilation and connection set-up are not the figure.
  let cpuBefore: Promise<number | undefined> = Promise.resolve(undefined);
  let subgraphsBefore: Readonly<Record<SubgraphName, number>> | undefined;
  let machineBefore: MachineCpu | undefined;
  let measuringFrom = 0;
  const load = await runLoadInChild(
    {
      url: target.url,
      requests: target.requests,
      signAsGateway: target.signAsGateway,
      concurrency,
      warmupMs: warmupSeconds * 1_000,
      durationMs: (seconds * 1_000) / slices,
    },
    () => {
      cpuBefore = target.cpuMs();
      subgraphsBefore = subgraphs.cpuMs();
      machineBefore = machineCpu();
      measuringFrom = performance.now();
    },
  );
  const cpuAfter = await target.cpuMs();
  const subgraphsAfter = subgraphs.cpuMs();
  const machineAfter = machineCpu();
  const wallMs = performance.now() - measuringFrom;
  const before = await cpuBefore;
  return {
    load,
    cpuMs: before === undefined || cpuAfter === undefined ? undefined : cpuAfter - before,
    subgraphCpuMs:
      subgraphsBefore === undefined || subgraphsAfter === undefined
        ? undefined
        : {
            auth: subgraphsAfter.auth - subgraphsBefore.auth,
            user: subgraphsAfter.user - subgraphsBefore.user,
            expense: subgraphsAfter.expense - subgraphsBefore.expense,
          },
    wallMs,
    machine:
      machineBefore === undefined || machineAfter === undefined
        ? undefined
        : { before: machineBefore, after: machineAfter },
  };
}

/** The sum of `value` over `items`; undefined when any item has none. */
function sumOf<T>(items: readonly T[], value: (item: T) => number | undefined): number | undefined {
  let total = 0;
  for (const item of items) {
    const one = value(item);
    if (one === undefined) return undefined;
    total += one;
  }
  return total;
}

const subgraphNames: readonly SubgraphName[] = ['auth', 'user', 'expense'];

function measuredOf(target: TargetName, taken: readonly Slice[]): Measured {
  const load = mergeLoadResults(taken.map((slice) => slice.load));
  const wallMs = taken.reduce((sum, slice) => sum + slice.wallMs, 0);
  const perRequest = (ms: number | undefined): number | undefined =>
    ms === undefined ? undefined : round(ms / Math.max(1, load.requests));
  const bySubgraph = subgraphNames.map((name) => ({
    name,
    ms: sumOf(taken, (slice) => slice.subgraphCpuMs?.[name]),
  }));
  const busiest = bySubgraph.reduce((most, one) => ((one.ms ?? 0) > (most.ms ?? 0) ? one : most));
  const busyShares = sumOf(taken, (slice) =>
    slice.machine === undefined
      ? undefined
      : busyShare(slice.machine.before, slice.machine.after) * slice.wallMs,
  );
  const result: Measured = {
    ...load,
    cpuMsPerRequest: perRequest(sumOf(taken, (slice) => slice.cpuMs)),
    subgraphCpuMsPerRequest: perRequest(sumOf(bySubgraph, (one) => one.ms)),
    busiestSubgraph:
      busiest.ms === undefined
        ? undefined
        : { name: busiest.name, coreShare: round(busiest.ms / Math.max(1, wallMs)) },
    machineBusyShare:
      busyShares === undefined ? undefined : round(busyShares / Math.max(1, wallMs)),
  };
  const busiestText =
    result.busiestSubgraph === undefined
      ? '-'
      : `${result.busiestSubgraph.name} ${result.busiestSubgraph.coreShare} of a core`;
  say(
    `  ${target.padEnd(6)} ${String(result.rps).padStart(6)} rps   p50 ${result.p50Ms} ms   ` +
      `p99 ${result.p99Ms} ms   ${result.cpuMsPerRequest ?? '-'} ms CPU/request ` +
      `(subgraphs ${result.subgraphCpuMsPerRequest ?? '-'}, busiest ${busiestText}; machine ` +
      `${result.machineBusyShare ?? '-'} busy)   ${result.requests} requests, ` +
      `${result.failures} failed`,
  );
  if (result.failures > 0) say(`    first failure: ${result.firstFailure ?? ''}`);
  return result;
}

/**
 * Every target `slices` times in turn (A, B, C, A, B, C, …), each slice as long, so that the
 * machine's drift (others' load, FerretDB's checkpoints) falls on all of them alike.
 */
async function measureInterleaved(
  targets: readonly Target[],
  subgraphs: SubgraphProcesses,
): Promise<Map<TargetName, Measured>> {
  const taken = new Map<TargetName, Slice[]>(targets.map((target) => [target.name, []]));
  for (let slice = 0; slice < slices; slice += 1) {
    for (const target of targets) {
      taken.get(target.name)?.push(await measureSlice(target, subgraphs));
    }
  }
  return new Map(
    targets.map((target) => [target.name, measuredOf(target.name, taken.get(target.name) ?? [])]),
  );
}

/**
 * Why a variant's rps ratios are not gateway ratios, if they are not: a subgraph process (or the
 * whole machine) was saturated under some gateway, so the gateways ran into the same ceiling.
 */
function boundBy(measured: ReadonlyMap<TargetName, Measured>): string | undefined {
  const gateways = [...measured].filter(([name]) => name !== 'direct');
  const saturated = gateways.flatMap(([name, { busiestSubgraph }]) =>
    busiestSubgraph !== undefined && busiestSubgraph.coreShare >= saturatedCoreShare
      ? [`${busiestSubgraph.name} at ${busiestSubgraph.coreShare} of a core under ${name}`]
      : [],
  );
  if (saturated.length > 0) return `subgraph-bound (${saturated.join(', ')})`;
  const busy = gateways.flatMap(([name, { machineBusyShare }]) =>
    machineBusyShare !== undefined && machineBusyShare >= saturatedMachineShare
      ? [`the machine ${machineBusyShare} busy under ${name}`]
      : [],
  );
  return busy.length > 0 ? `machine-bound (${busy.join(', ')})` : undefined;
}

async function dropEverything(mongo: MongoClient, subgraphs: SubgraphProcesses): Promise<void> {
  for (const database of subgraphs.databases) {
    await mongo
      .db(database)
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
    const topics = (await admin.listTopics()).filter((topic) =>
      topic.startsWith(subgraphs.topicPrefix),
    );
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } catch (error) {
    say(`could not delete the bench topics (${subgraphs.topicPrefix}*): ${errorMessage(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

type Results = Map<VariantName, Map<TargetName, Measured>>;

/**
 * Sends the variant's requests through every gateway in turn, each for as long as one target is
 * measured, before any is measured. Every target replays the round from its start, so without
 * this the first one measured read each person's expenses and buckets cold from FerretDB and
 * the ones after it read them warm: the fixed order ours, apollo, hive handed Hive the warmest
 * subgraphs in every variant. Each gateway gets the same extra JIT warm-up. Answers the requests
 * sent.
 */
async function prime(
  gateways: readonly GatewayProcess[],
  requests: readonly LoadRequest[],
): Promise<number> {
  let sent = 0;
  for (const gateway of gateways) {
    const load = await runLoadInChild({
      url: gateway.url,
      requests,
      concurrency,
      warmupMs: 0,
      durationMs: (warmupSeconds + seconds) * 1_000,
    });
    sent += load.allRequests;
  }
  return sent;
}

/**
 * What a gateway burns with no request at all (ours: the Kafka consumer that hears of revoked
 * tokens), over `idleSeconds`: a cost per second, not per request, printed beside the figures
 * because at a low request rate it weighs on the CPU per request.
 */
async function idleCpuMsPerSecond(gateway: GatewayProcess): Promise<number> {
  const idleSeconds = 5;
  const before = await gateway.cpuMs();
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1_000));
  return round(((await gateway.cpuMs()) - before) / idleSeconds);
}

interface RunOutcome {
  readonly results: Results;
  readonly mixOperations: object;
  readonly idleCpu: ReadonlyMap<GatewayLabel, number>;
}

async function run(mongo: MongoClient): Promise<RunOutcome> {
  const results: Results = new Map();
  const idleCpu = new Map<GatewayLabel, number>();
  let mixOperations: object = {};
  if (profileDir !== '') await mkdir(profileDir, { recursive: true });
  const subgraphs = await startSubgraphProcesses({
    namespace: testNamespace('gatewayBench'),
    kafkaBrokers: kafkaBrokers.join(','),
    mongoUrl,
    ...(profileDir === '' ? {} : { profileDir: path.resolve(profileDir) }),
  });
  const gateways: GatewayProcess[] = [];
  try {
    const supergraphSdl = await composeFor(subgraphs);
    say(`seeding: 1 person with 60 expenses, ${userCount} with ${userExpenses} each`);
    const [main, ...people] = await seedPeople(subgraphs.urls, [
      60,
      ...Array<number>(userCount).fill(userExpenses),
    ]);
    if (main === undefined) throw new Error('no bench person');
    const setting = {
      supergraphSdl,
      jwksUrl: subgraphs.jwksUrl,
      kafkaBrokers,
      topicPrefix: subgraphs.topicPrefix,
    };
    const profiling = profileDir === '' ? {} : { profileDir: path.resolve(profileDir) };
    for (const name of gatewayNames) {
      gateways.push(await startGatewayProcess(name, setting, profiling));
    }
    if (baselineCheckout !== '') {
      gateways.push(
        await startGatewayProcess('ours', setting, { ...profiling, checkout: baselineCheckout }),
      );
    }
    const expenseUrl = `${subgraphs.urls.expense}/graphql`;
    await checkSingle(gateways, expenseUrl, main.token);
    const today = new Date().toISOString().slice(0, 10);
    const mix = await mixRound(people, today);
    mixOperations = mix.operations;
    const rounds: Record<VariantName, LoadRequest[]> = {
      single: singleRound(main),
      manyUsers: manyUsersRound(people),
      mix: mix.round,
    };
    say(
      `${concurrency} concurrent, ${warmupSeconds} s warm-up, ${seconds} s per target; ` +
        `mix of ${JSON.stringify(mix.operations)} per round`,
    );
    for (const variant of chosenVariants) {
      say(`${variant}:`);
      const primed = await prime(gateways, rounds[variant]);
      say(`  primed through every gateway: ${primed} requests, not counted`);
      const direct: Target = {
        name: 'direct',
        url: expenseUrl,
        requests: [
          {
            headers: { authorization: `Bearer ${main.token}` },
            body: JSON.stringify({ query: subgraphQuery }),
          },
        ],
        signAsGateway: true,
        cpuMs: async () => undefined,
      };
      const targets: Target[] = [
        ...(variant === 'single' ? [direct] : []),
        ...gateways.map((gateway) => ({
          name: gateway.name,
          url: gateway.url,
          requests: rounds[variant],
          signAsGateway: false,
          cpuMs: () => gateway.cpuMs(),
        })),
      ];
      const measured = await measureInterleaved(targets, subgraphs);
      results.set(variant, measured);
      const bound = boundBy(measured);
      if (bound !== undefined) {
        say(`  ${variant} is ${bound}: its rps ratios are not gateway ratios; compare CPU/request`);
      }
    }
    // Once the load is over and the gateways have settled: what they burn between requests.
    for (const gateway of gateways) idleCpu.set(gateway.name, await idleCpuMsPerSecond(gateway));
    say(`idle CPU, ms per second: ${JSON.stringify(Object.fromEntries(idleCpu))}`);
  } finally {
    for (const gateway of gateways.reverse()) {
      await gateway
        .stop()
        .catch((error: unknown) => say(`stopping ${gateway.name}: ${errorMessage(error)}`));
    }
    await subgraphs.stop();
    await dropEverything(mongo, subgraphs);
  }
  return { results, mixOperations, idleCpu };
}

function summary({ results, mixOperations, idleCpu }: RunOutcome): object {
  const variants: Record<string, object> = {};
  const oursVsApollo: Record<string, number> = {};
  const oursVsHive: Record<string, number> = {};
  const hiveCpuOverOurs: Record<string, number> = {};
  const apolloCpuOverOurs: Record<string, number> = {};
  /** With a baseline: its CPU per request over ours (above 1: the change saved CPU). */
  const baselineCpuOverOurs: Record<string, number> = {};
  /** Variants whose rps ratios are a subgraph's (or the machine's) limit, and why. */
  const notGatewayBound: Record<string, string> = {};
  let failures = 0;
  for (const [variant, measured] of results) {
    const figures: Record<string, object> = {};
    for (const [target, result] of measured) {
      failures += result.failures;
      figures[target] = {
        rps: result.rps,
        p50Ms: result.p50Ms,
        p95Ms: result.p95Ms,
        p99Ms: result.p99Ms,
        cpuMsPerRequest: result.cpuMsPerRequest,
        subgraphCpuMsPerRequest: result.subgraphCpuMsPerRequest,
        busiestSubgraph: result.busiestSubgraph,
        machineBusyShare: result.machineBusyShare,
        failures: result.failures,
      };
    }
    variants[variant] = figures;
    const bound = boundBy(measured);
    if (bound !== undefined) notGatewayBound[variant] = bound;
    const ours = measured.get('ours');
    const apollo = measured.get('apollo');
    const hive = measured.get('hive');
    if (ours === undefined || apollo === undefined || hive === undefined) continue;
    oursVsApollo[variant] = round(ours.rps / Math.max(1, apollo.rps));
    oursVsHive[variant] = round(ours.rps / Math.max(1, hive.rps));
    const cpuRatio = (other: Measured): number =>
      round((other.cpuMsPerRequest ?? 0) / Math.max(0.001, ours.cpuMsPerRequest ?? 0));
    hiveCpuOverOurs[variant] = cpuRatio(hive);
    apolloCpuOverOurs[variant] = cpuRatio(apollo);
    const baseline = measured.get('baseline');
    if (baseline !== undefined) {
      baselineCpuOverOurs[variant] = cpuRatio(baseline);
      say(`${variant}: CPU per request baseline/ours ${baselineCpuOverOurs[variant]}`);
    }
    say(
      `${variant}: ours vs apollo ${oursVsApollo[variant]}x, ours vs hive ${oursVsHive[variant]}x ` +
        `(rps); CPU per request apollo/ours ${apolloCpuOverOurs[variant]}, ` +
        `hive/ours ${hiveCpuOverOurs[variant]}` +
        (notGatewayBound[variant] === undefined
          ? ''
          : ` (${notGatewayBound[variant]}: the rps ratios are not gateway ratios)`),
    );
  }
  return {
    bench: 'gateway',
    nodeEnv: process.env.NODE_ENV,
    concurrency,
    seconds,
    slices,
    users: userCount,
    mixOperations,
    idleCpuMsPerSecond: Object.fromEntries(idleCpu),
    oursVsApollo,
    oursVsHive,
    apolloCpuOverOurs,
    hiveCpuOverOurs,
    ...(baselineCheckout === '' ? {} : { baseline: baselineCheckout, baselineCpuOverOurs }),
    notGatewayBound,
    variants,
    failures,
  };
}

/** With profiles of one variant's run: each gateway's CPU per request, split by part. */
async function reportCpuParts(results: Results): Promise<void> {
  const [variant, ...others] = [...results.keys()];
  const measured = variant === undefined ? undefined : results.get(variant);
  if (measured === undefined || others.length > 0) {
    say('CPU by part: profile one variant per run (BENCH_GATEWAY_VARIANTS) to split it');
    return;
  }
  const gateways = await Promise.all(
    [...measured]
      .filter(([name]) => name !== 'direct')
      .map(async ([name, result]) => ({
        name,
        cpuMsPerRequest: result.cpuMsPerRequest ?? 0,
        parts: cpuParts(await mainThreadProfile(path.join(profileDir, name))),
      })),
  );
  say(
    `${variant}: CPU per request by part, from the profiles (* paid alike by any gateway on ` +
      'Apollo Gateway, Apollo Server and node:http; cpuProfileParts.ts)',
  );
  for (const line of cpuPartsTable(gateways)) say(`  ${line}`);
}

async function main(): Promise<void> {
  const mongo = await requireInfra();
  try {
    const outcome = await run(mongo);
    const figures = summary(outcome);
    if (profileDir !== '') await reportCpuParts(outcome.results);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await mongo.close();
  }
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
