/**
 * `npm run bench:observability`: what metrics and tracing cost. The same `bench:gateway` and
 * `bench:events` runs, each a fresh child process (with its own subgraph processes), once per
 * observability setting, side by side in one run:
 *
 *   off         METRICS_ENABLED=0, no OTEL_EXPORTER_OTLP_ENDPOINT
 *   metrics     metrics on (the default), tracing off
 *   tracing100  metrics, and tracing at parentbased_traceidratio 1.0
 *   tracing10   metrics, and tracing at parentbased_traceidratio 0.1
 *
 * Spans go to a local OTLP/HTTP sink (otlpSink.ts) that accepts and discards them, so exporting
 * costs what it would against a collector. The goal (issue 17, item 5): under 5% throughput at
 * 10% sampling, against `off`.
 *
 * Figures compared: our gateway's requests per second and its own CPU per request (bench:gateway,
 * variant `single` unless BENCH_GATEWAY_VARIANTS says otherwise); the event runner's events per
 * second, that rate over the bare kafkajs consumer's in the same run (the bare consumer runs no
 * code of ours, so this ratio cancels much of the machine's drift), and its CPU per event. On a
 * shared machine rates move with everyone else's load; CPU per unit of work much less.
 *
 * Settings: BENCH_OBSERVABILITY_ROUNDS (default 1) repeats the four settings, in reverse order
 * every other round; each figure is the median of its rounds (the spread of all rounds is shown
 * beside it); BENCH_OBSERVABILITY_BENCHES=gateway,events picks
 * the benches. Each bench's own variables pass through (defaults here: BENCH_EVENTS=50000,
 * BENCH_ROUNDS=2, BENCH_GATEWAY_VARIANTS=single). Needs Kafka and the MongoDB-protocol server
 * (`npm run infra:up`). The children's figures go to stderr as they come, prefixed with their
 * setting; stdout is the comparison, ending with one JSON line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { envInt, envList } from '@cashtrack/platform';
import { startOtlpSink, type OtlpSink } from './otlpSink.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const rounds = Math.max(1, envInt('BENCH_OBSERVABILITY_ROUNDS', 1));
const benchNames = ['gateway', 'events'] as const;
type BenchName = (typeof benchNames)[number];
const chosenBenches = envList('BENCH_OBSERVABILITY_BENCHES', [...benchNames]).filter(
  (name): name is BenchName => (benchNames as readonly string[]).includes(name),
);
const settingNames = ['off', 'metrics', 'tracing100', 'tracing10'] as const;
type SettingName = (typeof settingNames)[number];
/** The sampling the goal is judged at. */
const goalSetting: SettingName = 'tracing10';
const goalCostPercent = 5;

function settingEnv(name: SettingName, sink: OtlpSink): Record<string, string> {
  const tracing = (ratio: string) => ({
    METRICS_ENABLED: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: ratio,
  });
  switch (name) {
    case 'off':
      return { METRICS_ENABLED: '0', OTEL_EXPORTER_OTLP_ENDPOINT: '' };
    case 'metrics':
      return { METRICS_ENABLED: '1', OTEL_EXPORTER_OTLP_ENDPOINT: '' };
    case 'tracing100':
      return tracing('1');
    case 'tracing10':
      return tracing('0.1');
  }
}

const benchScripts: Record<BenchName, string> = {
  gateway: 'gateway/bench/gatewayBench.ts',
  events: 'events/bench/eventsBench.ts',
};

/** What bench:gateway's last line says of one target. */
const gatewayTarget = z.object({
  rps: z.number(),
  p95Ms: z.number(),
  cpuMsPerRequest: z.number().optional(),
  subgraphCpuMsPerRequest: z.number().optional(),
});
const gatewaySummary = z.object({
  variants: z.record(z.string(), z.record(z.string(), gatewayTarget)),
  failures: z.number(),
});
const eventsSummary = z.object({
  consumedPerSec: z.number(),
  bareConsumerPerSec: z.number(),
  ratio: z.number(),
  runnerCpuMicrosPerEvent: z.number(),
  batchConsumedPerSec: z.number(),
  batchRunnerCpuMicrosPerEvent: z.number(),
});

interface GatewayFigures {
  /** Our gateway's figures in the bench's first variant. */
  readonly rps: number;
  readonly p95Ms: number;
  readonly cpuMsPerRequest: number;
  readonly subgraphCpuMsPerRequest: number;
  readonly failures: number;
}
type EventsFigures = z.infer<typeof eventsSummary>;

interface SettingFigures {
  readonly gateway?: GatewayFigures;
  readonly events?: EventsFigures;
}

/** Every round's figures of one setting. */
interface SettingRuns {
  readonly gateway: GatewayFigures[];
  readonly events: EventsFigures[];
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function round(value: number, places = 3): number {
  const scale = 10 ** places;
  return Math.round(value * scale) / scale;
}

/** Runs one bench in a child with `env` added; resolves with its last stdout line, parsed. */
function runBench(bench: BenchName, label: string, env: Record<string, string>): Promise<unknown> {
  const child = spawn(process.execPath, ['--import', 'tsx', benchScripts[bench]], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastLine = '';
  const forward = (stream: NodeJS.ReadableStream, keepLast: boolean) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        if (keepLast) lastLine = line;
        process.stderr.write(`[${label}] ${line}\n`);
      }
    });
  };
  forward(child.stdout, true);
  forward(child.stderr, false);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`${label}: bench:${bench} exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(lastLine));
      } catch {
        reject(new Error(`${label}: bench:${bench} ended without a JSON line`));
      }
    });
  });
}

function gatewayFiguresOf(output: unknown): GatewayFigures {
  const summary = gatewaySummary.parse(output);
  const ours = Object.values(summary.variants)[0]?.ours;
  if (ours === undefined) throw new Error('bench:gateway measured no variant of our gateway');
  return {
    rps: ours.rps,
    p95Ms: ours.p95Ms,
    cpuMsPerRequest: ours.cpuMsPerRequest ?? Number.NaN,
    subgraphCpuMsPerRequest: ours.subgraphCpuMsPerRequest ?? Number.NaN,
    failures: summary.failures,
  };
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/**
 * The median of the rounds, figure by figure. Not the best: on a shared machine the best round
 * of one setting may have met a quiet minute the others did not, and the best of a setting that
 * ran more rounds than another (or simply got luckier) reads as a cost or a gain that is noise.
 */
function medianOf({ gateway, events }: SettingRuns): SettingFigures {
  const middle = <T>(runs: readonly T[], figure: (run: T) => number) =>
    round(median(runs.map(figure)));
  return {
    ...(gateway.length === 0
      ? {}
      : {
          gateway: {
            rps: middle(gateway, (run) => run.rps),
            p95Ms: middle(gateway, (run) => run.p95Ms),
            cpuMsPerRequest: middle(gateway, (run) => run.cpuMsPerRequest),
            subgraphCpuMsPerRequest: middle(gateway, (run) => run.subgraphCpuMsPerRequest),
            failures: gateway.map((run) => run.failures).reduce((sum, count) => sum + count, 0),
          },
        }),
    ...(events.length === 0
      ? {}
      : {
          events: {
            consumedPerSec: middle(events, (run) => run.consumedPerSec),
            bareConsumerPerSec: middle(events, (run) => run.bareConsumerPerSec),
            ratio: middle(events, (run) => run.ratio),
            runnerCpuMicrosPerEvent: middle(events, (run) => run.runnerCpuMicrosPerEvent),
            batchConsumedPerSec: middle(events, (run) => run.batchConsumedPerSec),
            batchRunnerCpuMicrosPerEvent: middle(events, (run) => run.batchRunnerCpuMicrosPerEvent),
          },
        }),
  };
}

/** Each round's throughput and CPU per unit of one setting, in round order: the spread. */
function roundsOf({ gateway, events }: SettingRuns) {
  return {
    gatewayRps: gateway.map((run) => run.rps),
    gatewayCpuMsPerRequest: gateway.map((run) => run.cpuMsPerRequest),
    eventsRatio: events.map((run) => run.ratio),
    eventsCpuMicrosPerEvent: events.map((run) => run.runnerCpuMicrosPerEvent),
  };
}
type RoundFigures = ReturnType<typeof roundsOf>;

interface Measured {
  /** Each setting's medians. */
  readonly figures: Map<SettingName, SettingFigures>;
  /** Each setting's figures of every round. */
  readonly rounds: Map<SettingName, RoundFigures>;
}

async function measureAll(sink: OtlpSink): Promise<Measured> {
  const runs = new Map<SettingName, SettingRuns>(
    settingNames.map((name) => [name, { gateway: [], events: [] }]),
  );
  const gatewayVariants = process.env.BENCH_GATEWAY_VARIANTS ?? 'single';
  const childDefaults = {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    BENCH_EVENTS: process.env.BENCH_EVENTS ?? '50000',
    BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? '2',
    BENCH_GATEWAY_VARIANTS: gatewayVariants,
    // `single` queries its one person alone: the others bench:gateway signs up (200 by default,
    // each a password hash) are for `manyUsers` and `mix`, and would cost minutes per run.
    ...(gatewayVariants === 'single'
      ? {
          BENCH_GATEWAY_USERS: process.env.BENCH_GATEWAY_USERS ?? '2',
          BENCH_GATEWAY_USER_EXPENSES: process.env.BENCH_GATEWAY_USER_EXPENSES ?? '1',
        }
      : {}),
  };
  for (let round = 1; round <= rounds; round += 1) {
    const order = round % 2 === 1 ? [...settingNames] : [...settingNames].reverse();
    for (const name of order) {
      const env = { ...childDefaults, ...settingEnv(name, sink) };
      const own = runs.get(name) ?? { gateway: [], events: [] };
      for (const bench of chosenBenches) {
        const output = await runBench(bench, `${name} ${bench} round ${round}`, env);
        if (bench === 'gateway') own.gateway.push(gatewayFiguresOf(output));
        else own.events.push(eventsSummary.parse(output));
      }
      runs.set(name, own);
    }
  }
  return {
    figures: new Map([...runs].map(([name, own]) => [name, medianOf(own)])),
    rounds: new Map([...runs].map(([name, own]) => [name, roundsOf(own)])),
  };
}

const most = (values: readonly number[]) => Math.max(...values);
const least = (values: readonly number[]) => Math.min(...values);

/** `value / base`, rounded; NaN when either is missing. */
function ratio(value: number | undefined, base: number | undefined): number {
  if (value === undefined || base === undefined || base === 0) return Number.NaN;
  return round(value / base);
}

function compare(figures: Map<SettingName, SettingFigures>) {
  const off = figures.get('off') ?? {};
  const ratios: Record<string, Record<string, number>> = {};
  for (const name of settingNames) {
    if (name === 'off') continue;
    const own = figures.get(name) ?? {};
    ratios[name] = {
      gatewayRps: ratio(own.gateway?.rps, off.gateway?.rps),
      gatewayCpuPerRequest: ratio(own.gateway?.cpuMsPerRequest, off.gateway?.cpuMsPerRequest),
      subgraphCpuPerRequest: ratio(
        own.gateway?.subgraphCpuMsPerRequest,
        off.gateway?.subgraphCpuMsPerRequest,
      ),
      eventsRate: ratio(own.events?.consumedPerSec, off.events?.consumedPerSec),
      eventsRateOverBare: ratio(own.events?.ratio, off.events?.ratio),
      eventsCpuPerEvent: ratio(
        own.events?.runnerCpuMicrosPerEvent,
        off.events?.runnerCpuMicrosPerEvent,
      ),
      batchEventsRate: ratio(own.events?.batchConsumedPerSec, off.events?.batchConsumedPerSec),
      batchCpuPerEvent: ratio(
        own.events?.batchRunnerCpuMicrosPerEvent,
        off.events?.batchRunnerCpuMicrosPerEvent,
      ),
    };
  }
  return ratios;
}

function report({ figures, rounds: roundFigures }: Measured, sink: OtlpSink): void {
  const ratios = compare(figures);
  say('');
  say(
    `bench:observability: each setting a fresh run of the same benches, the median of ${rounds} ` +
      'round(s); ratios against "off"',
  );
  say('(a shared machine is noisy: read CPU per request/event before rates, and rerun idle)');
  say('');
  const cell = (value: number | undefined, width = 12) =>
    (value === undefined || Number.isNaN(value) ? '-' : String(value)).padStart(width);
  say(
    `${'setting'.padEnd(11)}${'gw rps'.padStart(12)}${'gw CPU ms/req'.padStart(15)}` +
      `${'gw p95 ms'.padStart(12)}${'ev/s'.padStart(12)}${'runner/bare'.padStart(13)}` +
      `${'CPU µs/ev'.padStart(12)}${'batch ev/s'.padStart(12)}${'batch µs/ev'.padStart(13)}`,
  );
  for (const name of settingNames) {
    const { gateway, events } = figures.get(name) ?? {};
    say(
      `${name.padEnd(11)}${cell(gateway?.rps)}${cell(gateway?.cpuMsPerRequest, 15)}` +
        `${cell(gateway?.p95Ms)}${cell(events?.consumedPerSec)}${cell(events?.ratio, 13)}` +
        `${cell(events?.runnerCpuMicrosPerEvent)}${cell(events?.batchConsumedPerSec)}` +
        `${cell(events?.batchRunnerCpuMicrosPerEvent, 13)}`,
    );
  }
  say('');
  const spread = (values: readonly number[]) =>
    values.length === 0 ? '-' : `${least(values)}–${most(values)} [${values.join(', ')}]`;
  for (const name of settingNames) {
    const own = roundFigures.get(name);
    if (own === undefined) continue;
    say(
      `${name} rounds: gw rps ${spread(own.gatewayRps)}, gw CPU ms/req ` +
        `${spread(own.gatewayCpuMsPerRequest)}; runner/bare ${spread(own.eventsRatio)}, ` +
        `CPU µs/ev ${spread(own.eventsCpuMicrosPerEvent)}`,
    );
  }
  say('');
  for (const [name, own] of Object.entries(ratios)) {
    say(
      `${name} / off: gateway rps ${own.gatewayRps}, gateway CPU per request ${own.gatewayCpuPerRequest}, ` +
        `subgraph CPU per request ${own.subgraphCpuPerRequest}; events rate ${own.eventsRate}, ` +
        `rate over bare ${own.eventsRateOverBare}, CPU per event ${own.eventsCpuPerEvent}; ` +
        `batch rate ${own.batchEventsRate}, batch CPU per event ${own.batchCpuPerEvent}`,
    );
  }
  const atGoal = ratios[goalSetting] ?? {};
  const costPercent = (throughputRatio: number | undefined) =>
    throughputRatio === undefined || Number.isNaN(throughputRatio)
      ? Number.NaN
      : round((1 - throughputRatio) * 100, 1);
  // Throughput: rps for the gateway; for events the rate over the bare consumer of the same run.
  const gatewayCost = costPercent(atGoal.gatewayRps);
  const eventsCost = costPercent(atGoal.eventsRateOverBare);
  // The same costs read from CPU per unit of work, which drifts less with the machine's load.
  const gatewayCpuCost = round(((atGoal.gatewayCpuPerRequest ?? Number.NaN) - 1) * 100, 1);
  const eventsCpuCost = round(((atGoal.eventsCpuPerEvent ?? Number.NaN) - 1) * 100, 1);
  const measuredCosts = [gatewayCost, eventsCost].filter((cost) => !Number.isNaN(cost));
  const met = measuredCosts.length > 0 && measuredCosts.every((cost) => cost < goalCostPercent);
  const { requests, bytes } = sink.received();
  say(
    `throughput cost at 10% sampling: gateway ${gatewayCost}% (CPU ${gatewayCpuCost}%), ` +
      `events ${eventsCost}% (CPU ${eventsCpuCost}%); goal under ${goalCostPercent}%: ` +
      `${met ? 'met' : 'not met'}`,
  );
  say(`trace sink: ${requests} OTLP export requests, ${bytes} bytes (spans really left)`);
  say(
    JSON.stringify({
      bench: 'observability',
      rounds,
      statistic: 'median',
      benches: chosenBenches,
      settings: Object.fromEntries(settingNames.map((name) => [name, settingEnv(name, sink)])),
      figures: Object.fromEntries(figures),
      perRound: Object.fromEntries(roundFigures),
      ratios,
      goal: {
        setting: goalSetting,
        maxThroughputCostPercent: goalCostPercent,
        gatewayThroughputCostPercent: gatewayCost,
        eventsThroughputCostPercent: eventsCost,
        gatewayCpuCostPercent: gatewayCpuCost,
        eventsCpuCostPercent: eventsCpuCost,
        met,
      },
      sink: { exportRequests: requests, bytes },
    }),
  );
}

const sink = await startOtlpSink();
try {
  report(await measureAll(sink), sink);
} finally {
  await sink.stop();
}
