import { fork, spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { envInt, envList, waitFor } from '@cashtrack/platform';
import { changeNotificationsTopic } from '../../subgraphs/expense/src/subscriptions/changeNotifications.ts';
import { gatewayClient, gql } from '../test/support/apolloClient.ts';
import { subscriptionClient } from '../test/support/subscriptionClient.ts';
import { startSystem } from '../test/support/system.ts';
import { expenseConfigFromEnv } from '../../subgraphs/expense/src/config.ts';
import { runningRecord, readInfraSettings } from '../../infra/src/index.ts';
import { expenseHops, recordProjectorSteps } from './hopTimings.ts';
import { recordLoopDelayWindows } from './loopDelayWindows.ts';
import { spikeSlotMs, stallReport, type ProbeSample } from './stallWindows.ts';

/**
 * `npm run bench:subscriptions`: opens SOCKETS idle subscriptions (default 5,000) through the
 * gateway from another process and prints the server side's memory per idle socket, then sends
 * `logExpense` at a steady RATE per second for SECONDS (default 10) and prints the latency from
 * sending it to the subscriber hearing ADDED (p50/p95/p99, the p99's rank among the samples and
 * the slowest: of 10 s at 20/s the p99 is the 2nd slowest of 200; SECONDS=30 steadies it).
 * Needs `npm run infra:up` first. The whole system (gateway, subgraphs, projector, parser
 * worker) runs in this process, so the memory figure is what one more idle subscriber costs all
 * of them together. Before the baseline, WARMUP_SOCKETS (default 200) subscribers are opened and
 * closed, so compiling the code paths, the upstream connection and caches are not counted as
 * per-socket memory.
 *
 * With PROBE_INTERVAL_MS set (25 is a good value), during the latency run a probe in a process of
 * its own (sharedPartsProbe.ts) times, that often, what every hop shares: FerretDB, Kafka, the
 * disk, the machine's CPU and IO pressure, the broker's GC; this process's own loop delay and GC
 * pauses are recorded beside it. For the slowest 1% of changes the bench ranks each signal's
 * worst value while they travelled and names the signals that spike together (stallWindows.ts).
 * SAMPLES_FILE=<path> writes every sample and each change's times as JSON for a closer look.
 */
const sockets = envInt('SOCKETS', 5_000);
/** Sockets opened and closed before the baseline, so one-time costs are not counted per socket. */
const warmup = envInt('WARMUP_SOCKETS', 200);
const rate = envInt('RATE', 20);
const seconds = envInt('SECONDS', 10);
const settleSeconds = envInt('SETTLE_SECONDS', 8);
/**
 * How often the shared parts are probed during the latency run (sharedPartsProbe.ts); 0, the
 * default, starts no probe. The probe is for finding a stall, not for the figures: at 25 ms its
 * own writes and fetches kept both cores busy (machine.busy 1.0 against 0.55 with a probe a
 * second) and doubled to tripled p50 and p99 on an idle machine.
 */
const probeIntervalMs = envInt('PROBE_INTERVAL_MS', 0);
/** The bench process's loop delay is recorded in windows of this length, probe or not. */
const loopWindowMs = probeIntervalMs > 0 ? probeIntervalMs : 25;
/** Where the probes' samples and each change's hops go as JSON, for a closer look; default none. */
const samplesFile = process.env.SAMPLES_FILE;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const gc = (globalThis as { gc?: () => void }).gc;

function memory(): { rss: number; heap: number } {
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
}

/**
 * Memory once it has settled: V8 hands pages freed by a collection back to the system only
 * seconds later (its memory reducer waits for a quiet spell), so a sample taken right after the
 * sockets opened still counts the garbage of opening them, up to 10 KB per socket more RSS.
 * Samples once a second for `SETTLE_SECONDS` (default 8) and keeps the lowest RSS.
 */
async function settledMemory(): Promise<{ rss: number; heap: number }> {
  let lowest = memory();
  for (let second = 0; second < settleSeconds; second += 1) {
    await sleep(1_000);
    const current = memory();
    if (current.rss < lowest.rss) lowest = current;
  }
  return lowest;
}

function roundTo(value: number): number {
  return Math.round(value * 10) / 10;
}

function percentileIndex(count: number, p: number): number {
  return Math.min(count - 1, Math.floor((p / 100) * count));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[percentileIndex(sorted.length, p)] ?? Number.NaN;
}

/** "2nd": how a rank from the slowest reads. */
function ordinal(rank: number): string {
  const suffix =
    rank % 100 >= 11 && rank % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][rank % 10] ?? 'th');
  return `${rank}${suffix}`;
}

const system = await startSystem({
  auth: { passwordHashCost: { log2N: 12, r: 8, p: 1 } },
}).catch((error: unknown) => {
  log(`could not start the system (run \`npm run infra:up\` first): ${String(error)}`);
  process.exit(1);
});
log(`system up; gateway at ${system.graphqlUrl}`);

async function signUp(email: string): Promise<string> {
  const answer = await gatewayClient(system.graphqlUrl).mutate<{ signUp: { accessToken: string } }>(
    gql`
      mutation ($input: SignUpInput!) {
        signUp(input: $input) {
          accessToken
        }
      }
    `,
    { input: { email, password: 'bench-password', displayName: 'Bench' } },
  );
  const token = answer.data?.signUp.accessToken;
  if (token === undefined) throw new Error(`sign-up failed: ${JSON.stringify(answer.errors)}`);
  return token;
}

const idleToken = await signUp(`idle.${Date.now()}@bench.example`);

/** Opens `count` idle subscribers in a child process; resolves once the gateway counts them. */
async function openIdleSubscribers(count: number) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(path.dirname(fileURLToPath(import.meta.url)), 'idleSubscribers.ts'),
      system.graphqlUrl.replace(/^http/, 'ws'),
      idleToken,
      String(count),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let ready = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (chunk.toString().startsWith('ready')) ready = true;
  });
  await waitFor(() => ready || child.exitCode !== null, {
    timeoutMs: 10 * 60_000,
    description: `${count} sockets`,
  });
  if (!ready) throw new Error('the idle subscribers process failed');
  await waitFor(() => system.gateway.openSockets() >= count, {
    timeoutMs: 60_000,
    description: 'the gateway to count every socket',
  });
  return child;
}

// Warm-up: the first sockets pay for compiling the code paths, the upstream connection and
// caches; open and close a few so the baseline below already includes that.
if (warmup > 0) {
  const warming = await openIdleSubscribers(warmup);
  warming.kill('SIGTERM');
  await once(warming, 'exit');
  await waitFor(
    () => system.gateway.openSockets() === 0 && system.gateway.upstreamSubscriptions() === 0,
    { timeoutMs: 60_000, description: 'the warm-up sockets to be let go' },
  );
}

const before = await settledMemory();
const openedAt = Date.now();
const child = await openIdleSubscribers(sockets);
const openMs = Date.now() - openedAt;
const after = await settledMemory();
const rssPerSocket = (after.rss - before.rss) / sockets;
const heapPerSocket = (after.heap - before.heap) / sockets;
log(
  `${sockets} idle sockets open in ${openMs} ms; server side per socket once settled: ${(rssPerSocket / 1024).toFixed(1)} KB RSS, ${(heapPerSocket / 1024).toFixed(1)} KB heap`,
);

const latencyToken = await signUp(`latency.${Date.now()}@bench.example`);
const subscriber = subscriptionClient(system.graphqlUrl, latencyToken);
/** Epoch milliseconds with the fraction, comparable with Kafka's message timestamps. */
const epochNow = (): number => performance.timeOrigin + performance.now();
/**
 * The shared parts' probe (sharedPartsProbe.ts) in a process of its own, so its timings do not
 * wait on this process's loop; `stop` resolves with its samples.
 */
async function startSharedPartsProbe(): Promise<{ stop(): Promise<ProbeSample[]> }> {
  const settings = readInfraSettings();
  const [broker, ferretdb] = await Promise.all(
    ['kafka', 'ferretdb'].map((name) => runningRecord(settings.infraDir, name)),
  );
  const probe = fork(
    path.join(path.dirname(fileURLToPath(import.meta.url)), 'sharedPartsProbe.ts'),
    [
      expenseConfigFromEnv().mongoUrl,
      system.expense.models.expenses.dbName,
      `${system.identity.namespace.topicPrefix}subscriptions-bench-probe`,
      String(broker?.pid ?? '-'),
      String(ferretdb?.pid ?? '-'),
    ],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  await once(probe, 'message');
  return {
    async stop() {
      probe.send('stop');
      const [samples] = (await once(probe, 'message')) as [ProbeSample[]];
      return samples;
    },
  };
}

const sentAt = new Map<string, number>();
const answeredAt = new Map<string, number>();
// A change can be heard before logExpense's own answer arrives, so arrivals are kept by message
// id and matched with sending times at the end; each is timed as it arrives.
const heardAt = new Map<string, number>();
const stopListening = subscriber.client.subscribe<{
  expenseChanged: { expense: { messageId: string | null } | null };
}>(
  { query: 'subscription { expenseChanged { cursor kind expense { messageId } } }' },
  {
    next: (result) => {
      const id = result.data?.expenseChanged.expense?.messageId ?? undefined;
      if (id !== undefined && !heardAt.has(id)) heardAt.set(id, epochNow());
    },
    error: (error) => log(`the latency subscription failed: ${String(error)}`),
    complete: () => undefined,
  },
);
await waitFor(() => subscriber.connected(), { description: 'the latency subscriber' });
const latencies = (): number[] =>
  [...sentAt].flatMap(([id, sent]) => {
    const heard = heardAt.get(id);
    return heard === undefined ? [] : [heard - sent];
  });
const client = gatewayClient(system.graphqlUrl, latencyToken);
const total = rate * seconds;
const probe = probeIntervalMs > 0 ? await startSharedPartsProbe() : undefined;
const systemLoop = recordLoopDelayWindows('system.loopDelay', loopWindowMs);
const observed = recordProjectorSteps();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
for (let index = 0; index < total; index += 1) {
  const started = epochNow();
  void client
    .mutate<{ logExpense: { id: string } }>(
      gql`
        mutation ($text: String!) {
          logExpense(text: $text) {
            id
          }
        }
      `,
      {
        text: `coffee ${(index % 90) + 1}.50`,
      },
    )
    .then((answer) => {
      const id = answer.data?.logExpense.id;
      if (id === undefined) return;
      sentAt.set(id, started);
      answeredAt.set(id, epochNow());
    });
  await sleep(Math.max(0, started + 1000 / rate - epochNow()));
}
await waitFor(() => latencies().length >= total, {
  timeoutMs: 60_000,
  description: 'every change to be heard',
}).catch(() => undefined);
stopListening();
observed.stop();
loopDelay.disable();
systemLoop.stop();
const probeSamples = (await probe?.stop()) ?? [];
/** The event loop's delays over the latency run (the whole system shares this process's loop). */
const loopDelayMs = {
  p50: roundTo(loopDelay.percentile(50) / 1e6),
  p99: roundTo(loopDelay.percentile(99) / 1e6),
  max: roundTo(loopDelay.max / 1e6),
};
const sorted = latencies().sort((a, b) => a - b);
const [p50, p95, p99] = [50, 95, 99].map((p) => Math.round(percentile(sorted, p) * 10) / 10);
/**
 * A p99 is only as steady as the samples beneath it: of 200 (10 s at 20/s) it is the 2nd slowest
 * change, so one stall decides it. Printed with its rank and the slowest, so a reader can judge;
 * SECONDS=30 gives 600 samples (the 6th slowest).
 */
const p99SlowestRank = sorted.length - percentileIndex(sorted.length, 99);
const maxMs = roundTo(sorted.at(-1) ?? Number.NaN);
log(
  `latency logExpense → ADDED over ${sorted.length}/${total} changes at ${rate}/s for ${seconds} s: p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms (the ${ordinal(p99SlowestRank)} slowest of ${sorted.length}), max ${maxMs} ms`,
);
const answers = [...sentAt].flatMap(([id, sent]) => {
  const answered = answeredAt.get(id);
  return answered === undefined ? [] : [answered - sent];
});
const hops = await expenseHops(
  new Kafka({
    clientId: 'subscriptions-bench',
    brokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    logLevel: logLevel.NOTHING,
  }),
  system.identity.namespace.topicPrefix,
  `${system.identity.namespace.topicPrefix}${changeNotificationsTopic}`,
  [...sentAt].map(([messageId, sent]) => ({
    messageId,
    sentAt: sent,
    answeredAt: answeredAt.get(messageId),
    heardAt: heardAt.get(messageId),
  })),
  observed,
);
const hopNames = [
  'commandMs',
  'parserMs',
  'projectorMs',
  'deliveryMs',
  'gcMs',
  'gcMajorMs',
] as const;
const stepNames = ['fetchMs', 'behindBatchMs', 'planMs', 'writeMs', 'reportMs'] as const;
const hopFigures = Object.fromEntries(
  [
    ...hopNames.map((name) => [name, hops.map((hop) => hop[name])] as const),
    ...stepNames.map(
      (name) => [`projector.${name}`, hops.map((hop) => hop.projectorSteps[name])] as const,
    ),
    ['answerMs', answers] as const,
  ].map(([name, values]) => {
    const ordered = [...values].sort((a, b) => a - b);
    return [
      name,
      {
        p50: roundTo(percentile(ordered, 50)),
        p99: roundTo(percentile(ordered, 99)),
        max: roundTo(ordered.at(-1) ?? Number.NaN),
      },
    ];
  }),
);
log(
  `hops (Kafka timestamps; command: gateway and the expense command to its event published; parser: consumed, parsed, published; projector: consumed, read models and change log written, announced, in steps: fetch (fetched and decoded, behind any batch in hand; behindBatch: the part while another batch was in hand), plan (reads), write (read models), report (change log, subscribers told, up to the announcement); delivery: to the client; gc: this process's collector pauses during the change) over ${hops.length} changes:`,
);
for (const [name, figures] of Object.entries(hopFigures)) {
  log(`  ${name}: p50 ${figures.p50}, p99 ${figures.p99}, max ${figures.max}`);
}
const slowest = [...hops].sort((a, b) => b.totalMs - a.totalMs).slice(0, 5);
log('slowest changes, hop by hop (ms):');
for (const hop of slowest) {
  log(
    `  total ${roundTo(hop.totalMs)}: command ${roundTo(hop.commandMs)}, parser ${roundTo(hop.parserMs)}, projector ${roundTo(hop.projectorMs)} (fetch ${roundTo(hop.projectorSteps.fetchMs)} of which behind a batch ${roundTo(hop.projectorSteps.behindBatchMs)}, plan ${roundTo(hop.projectorSteps.planMs)}, write ${roundTo(hop.projectorSteps.writeMs)}, report ${roundTo(hop.projectorSteps.reportMs)}), delivery ${roundTo(hop.deliveryMs)}, gc ${roundTo(hop.gcMs)} (major ${roundTo(hop.gcMajorMs)})`,
  );
}
log(
  `event loop delay during the latency run: p50 ${loopDelayMs.p50} ms, p99 ${loopDelayMs.p99} ms, max ${loopDelayMs.max} ms`,
);
const allSamples: ProbeSample[] = [
  ...probeSamples,
  ...systemLoop.samples,
  ...observed.gcPauses.map(({ start, end }) => ({
    signal: 'system.gcPause',
    start,
    end,
    value: end - start,
  })),
];
if (samplesFile !== undefined) {
  await writeFile(
    samplesFile,
    JSON.stringify({
      samples: allSamples,
      sentAt: [...sentAt],
      heardAt: [...heardAt],
      hops,
      steps: observed.steps,
    }),
  );
}
const stalls = stallReport(
  allSamples,
  [...sentAt].flatMap(([id, start]) => {
    const end = heardAt.get(id);
    return end === undefined ? [] : [{ start, end }];
  }),
);
log(
  `the shared parts over the latency run (${probeIntervalMs > 0 ? `probed every ${probeIntervalMs} ms` : 'no probe: PROBE_INTERVAL_MS=25 starts one'}; ms, or a share of the window for machine.busy and the pressures, cores for *.cpu). rank: over the ${stalls.slowWindows.length} slowest changes (1%, at least 3), the mean rank of the signal's worst value while the change travelled among windows of the same length anywhere in the run (0.5 ordinary, 1 its worst):`,
);
const bySlowRank = Object.entries(stalls.signals).sort(([, a], [, b]) => b.slowRank - a.slowRank);
for (const [signal, summary] of bySlowRank) {
  log(
    `  ${signal.padEnd(20)} rank ${summary.slowRank.toFixed(2)}; p50 ${summary.p50}, p95 ${summary.p95}, max ${summary.max}`,
  );
}
log(
  `spiking together (at their p95 and above their median in the same ${spikeSlotMs} ms slots, lift over chance at least 2):`,
);
for (const [signal, others] of Object.entries(stalls.together)) {
  const named = Object.entries(others).map(([other, lift]) => `${other} ${lift}x`);
  if (named.length > 0) log(`  ${signal.padEnd(20)} with ${named.join(', ')}`);
}
log("the slowest changes, each signal's worst value while it travelled (its rank):");
for (const window of stalls.slowWindows) {
  const signals = Object.entries(window.signals).map(
    ([signal, { max, rank }]) => `${signal} ${max} (${rank.toFixed(2)})`,
  );
  log(`  total ${window.totalMs}: ${signals.join(', ')}`);
}

child.kill('SIGTERM');
await once(child, 'exit');
await subscriber.dispose();
await system.stop();
process.stdout.write(
  `${JSON.stringify({
    bench: 'subscriptions',
    sockets,
    warmupSockets: warmup,
    rssKbPerIdleSocket: Math.round(rssPerSocket / 102.4) / 10,
    heapKbPerIdleSocket: Math.round(heapPerSocket / 102.4) / 10,
    goalKbPerIdleSocket: 30,
    changesHeard: sorted.length,
    changesSent: total,
    ratePerSec: rate,
    seconds,
    p50Ms: p50,
    p95Ms: p95,
    p99Ms: p99,
    p99SlowestRank,
    maxMs,
    goalP50Ms: 50,
    goalP99Ms: 250,
    hops: hopFigures,
    slowest: slowest.map((hop) => ({
      totalMs: roundTo(hop.totalMs),
      commandMs: roundTo(hop.commandMs),
      parserMs: roundTo(hop.parserMs),
      projectorMs: roundTo(hop.projectorMs),
      deliveryMs: roundTo(hop.deliveryMs),
      projectorSteps: Object.fromEntries(
        stepNames.map((name) => [name, roundTo(hop.projectorSteps[name])]),
      ),
      gcMs: roundTo(hop.gcMs),
      gcMajorMs: roundTo(hop.gcMajorMs),
    })),
    loopDelayMs,
    probeIntervalMs,
    stalls,
  })}\n`,
);
process.exit(0);
