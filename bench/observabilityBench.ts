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
 * Gateway: our gateway's requests per second and its own CPU per request (bench:gateway, variant
 * `single` unless BENCH_GATEWAY_VARIANTS says otherwise), a fresh bench:gateway per setting and
 * round (BENCH_OBSERVABILITY_ROUNDS, default 1, in reverse order every other round).
 *
 * Events: bench:events' runner pass (a handler per event) and its bare kafkajs consumer (JSON per
 * message), with the four settings side by side in one run (events/bench/eventsSideBySide.ts): a
 * topic per setting, produced with its tracing, then BENCH_OBSERVABILITY_EVENT_ROUNDS rounds
 * (default 6) in which every setting times both passes in a fresh process, in rotating order.
 * Each round gives each setting's runner rate over `off`'s runner rate of the same round (the
 * throughput the goal names, compared seconds apart) and its CPU per event over `off`'s; the
 * figures are the medians of those per-round ratios, with every round's value beside them, so
 * the spread is visible.
 *
 * BENCH_OBSERVABILITY_BENCHES=gateway,events picks the benches. Each bench's own variables pass
 * through (defaults here: BENCH_EVENTS=50000, BENCH_ROUNDS=2, BENCH_GATEWAY_VARIANTS=single).
 * Needs Kafka and the MongoDB-protocol server (`npm run infra:up`). The children's figures go to
 * stderr as they come, prefixed with their setting; stdout is the comparison, ending with one
 * JSON line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { envInt, envList } from '@cashtrack/platform';
import { measureEventsSideBySide, type EventRound } from '../events/bench/eventsSideBySide.ts';
import { startOtlpSink, type OtlpSink } from './otlpSink.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const rounds = Math.max(1, envInt('BENCH_OBSERVABILITY_ROUNDS', 1));
const eventRounds = Math.max(1, envInt('BENCH_OBSERVABILITY_EVENT_ROUNDS', 6));
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

const gatewayBenchScript = 'gateway/bench/gatewayBench.ts';

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

interface GatewayFigures {
  /** Our gateway's figures in the bench's first variant. */
  readonly rps: number;
  readonly p95Ms: number;
  readonly cpuMsPerRequest: number;
  readonly subgraphCpuMsPerRequest: number;
  readonly failures: number;
}

/** One setting's event figures: medians over the rounds; `VsOff` ratios are per round first. */
interface EventsFigures {
  readonly runnerPerSec: number;
  readonly runnerCpuMicros: number;
  readonly barePerSec: number;
  /** The runner's rate over the bare consumer's, in its own process and round. */
  readonly runnerOverBare: number;
  /** The runner's rate over `off`'s runner in the same round: the goal's throughput. */
  readonly rateVsOff: number;
  /** The runner's CPU per event over `off`'s in the same round. */
  readonly cpuVsOff: number;
}

interface SettingFigures {
  readonly gateway?: GatewayFigures;
  readonly events?: EventsFigures;
}

/** Every round's figures of one setting. */
interface SettingRuns {
  readonly gateway: GatewayFigures[];
  readonly events: EventRound[];
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function round(value: number, places = 3): number {
  const scale = 10 ** places;
  return Math.round(value * scale) / scale;
}

/** Runs bench:gateway in a child with `env` added; resolves with its last stdout line, parsed. */
function runGatewayBench(label: string, env: Record<string, string>): Promise<unknown> {
  const child = spawn(process.execPath, ['--import', 'tsx', gatewayBenchScript], {
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
        reject(new Error(`${label}: bench:gateway exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(lastLine));
      } catch {
        reject(new Error(`${label}: bench:gateway ended without a JSON line`));
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

/** Each round's ratio of `figure` under a setting over the same round's under `off`. */
function perRoundOverOff(
  own: readonly EventRound[],
  off: readonly EventRound[],
  figure: (run: EventRound) => number,
): number[] {
  return own.map((run, index) => {
    const base = off[index];
    return base === undefined ? Number.NaN : round(figure(run) / figure(base));
  });
}

/**
 * The median of the rounds, figure by figure. Not the best: on a shared machine the best round
 * of one setting may have met a quiet minute the others did not, and the best of a setting that
 * ran more rounds than another (or simply got luckier) reads as a cost or a gain that is noise.
 */
function medianOf(
  { gateway, events }: SettingRuns,
  offEvents: readonly EventRound[],
): SettingFigures {
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
            runnerPerSec: middle(events, (run) => run.runnerPerSec),
            runnerCpuMicros: middle(events, (run) => run.runnerCpuMicros),
            barePerSec: middle(events, (run) => run.barePerSec),
            runnerOverBare: middle(events, (run) => run.runnerPerSec / run.barePerSec),
            rateVsOff: round(median(perRoundOverOff(events, offEvents, (run) => run.runnerPerSec))),
            cpuVsOff: round(
              median(perRoundOverOff(events, offEvents, (run) => run.runnerCpuMicros)),
            ),
          },
        }),
  };
}

/** Each round's throughput and CPU per unit of one setting, in round order: the spread. */
function roundsOf({ gateway, events }: SettingRuns, offEvents: readonly EventRound[]) {
  return {
    gatewayRps: gateway.map((run) => run.rps),
    gatewayCpuMsPerRequest: gateway.map((run) => run.cpuMsPerRequest),
    eventsRunnerPerSec: events.map((run) => run.runnerPerSec),
    eventsCpuMicrosPerEvent: events.map((run) => run.runnerCpuMicros),
    eventsRateVsOff: perRoundOverOff(events, offEvents, (run) => run.runnerPerSec),
    eventsCpuVsOff: perRoundOverOff(events, offEvents, (run) => run.runnerCpuMicros),
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
  if (chosenBenches.includes('gateway')) {
    for (let round = 1; round <= rounds; round += 1) {
      const order = round % 2 === 1 ? [...settingNames] : [...settingNames].reverse();
      for (const name of order) {
        const env = { ...childDefaults, ...settingEnv(name, sink) };
        const output = await runGatewayBench(`${name} gateway round ${round}`, env);
        runs.get(name)?.gateway.push(gatewayFiguresOf(output));
      }
    }
  }
  if (chosenBenches.includes('events')) {
    const settings = settingNames.map((name) => ({
      name,
      env: { ...childDefaults, ...settingEnv(name, sink) },
    }));
    const measured = await measureEventsSideBySide(settings, eventRounds, (line) =>
      process.stderr.write(`[events] ${line}\n`),
    );
    for (const [name, own] of measured) runs.get(name)?.events.push(...own);
  }
  const offEvents = runs.get('off')?.events ?? [];
  return {
    figures: new Map([...runs].map(([name, own]) => [name, medianOf(own, offEvents)])),
    rounds: new Map([...runs].map(([name, own]) => [name, roundsOf(own, offEvents)])),
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
      eventsRate: own.events?.rateVsOff ?? Number.NaN,
      eventsCpuPerEvent: own.events?.cpuVsOff ?? Number.NaN,
      eventsRateOverBare: ratio(own.events?.runnerOverBare, off.events?.runnerOverBare),
    };
  }
  return ratios;
}

function report({ figures, rounds: roundFigures }: Measured, sink: OtlpSink): void {
  const ratios = compare(figures);
  say('');
  say(
    `bench:observability: gateway, a fresh run per setting, the median of ${rounds} round(s); ` +
      `events, the four settings side by side, the median of ${eventRounds} rounds; ` +
      'ratios against "off"',
  );
  say('(a shared machine is noisy: compare within one run, look at the spread, rerun idle)');
  say('');
  const cell = (value: number | undefined, width = 12) =>
    (value === undefined || Number.isNaN(value) ? '-' : String(value)).padStart(width);
  say(
    `${'setting'.padEnd(11)}${'gw rps'.padStart(12)}${'gw CPU ms/req'.padStart(15)}` +
      `${'gw p95 ms'.padStart(12)}${'ev/s'.padStart(12)}${'ev/s / off'.padStart(12)}` +
      `${'CPU µs/ev'.padStart(12)}${'CPU / off'.padStart(12)}${'bare ev/s'.padStart(12)}` +
      `${'runner/bare'.padStart(13)}`,
  );
  for (const name of settingNames) {
    const { gateway, events } = figures.get(name) ?? {};
    say(
      `${name.padEnd(11)}${cell(gateway?.rps)}${cell(gateway?.cpuMsPerRequest, 15)}` +
        `${cell(gateway?.p95Ms)}${cell(events?.runnerPerSec)}${cell(events?.rateVsOff)}` +
        `${cell(events?.runnerCpuMicros)}${cell(events?.cpuVsOff)}${cell(events?.barePerSec)}` +
        `${cell(events?.runnerOverBare, 13)}`,
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
        `${spread(own.gatewayCpuMsPerRequest)}; ev/s ${spread(own.eventsRunnerPerSec)}, ` +
        `ev/s / off ${spread(own.eventsRateVsOff)}, CPU µs/ev ` +
        `${spread(own.eventsCpuMicrosPerEvent)}, CPU / off ${spread(own.eventsCpuVsOff)}`,
    );
  }
  say('');
  // Only the benches that ran: a part left out has no figures to divide.
  const ranParts = (parts: Record<BenchName, string>) =>
    chosenBenches.map((bench) => parts[bench]).join('; ');
  for (const [name, own] of Object.entries(ratios)) {
    say(
      `${name} / off: ` +
        ranParts({
          gateway:
            `gateway rps ${own.gatewayRps}, gateway CPU per request ` +
            `${own.gatewayCpuPerRequest}, subgraph CPU per request ${own.subgraphCpuPerRequest}`,
          events:
            `events rate ${own.eventsRate}, CPU per event ${own.eventsCpuPerEvent}, ` +
            `rate over bare ${own.eventsRateOverBare}`,
        }),
    );
  }
  const atGoal = ratios[goalSetting] ?? {};
  const costPercent = (throughputRatio: number | undefined) =>
    throughputRatio === undefined || Number.isNaN(throughputRatio)
      ? Number.NaN
      : round((1 - throughputRatio) * 100, 1);
  // Throughput: rps for the gateway; for events the runner's rate over off's in the same round.
  const gatewayCost = costPercent(atGoal.gatewayRps);
  const eventsCost = costPercent(atGoal.eventsRate);
  // The same costs read from CPU per unit of work.
  const gatewayCpuCost = round(((atGoal.gatewayCpuPerRequest ?? Number.NaN) - 1) * 100, 1);
  const eventsCpuCost = round(((atGoal.eventsCpuPerEvent ?? Number.NaN) - 1) * 100, 1);
  const measuredCosts = [gatewayCost, eventsCost].filter((cost) => !Number.isNaN(cost));
  const met = measuredCosts.length > 0 && measuredCosts.every((cost) => cost < goalCostPercent);
  const { requests, bytes } = sink.received();
  say(
    'throughput cost at 10% sampling: ' +
      ranParts({
        gateway: `gateway ${gatewayCost}% (CPU ${gatewayCpuCost}%)`,
        events: `events ${eventsCost}% (CPU ${eventsCpuCost}%)`,
      }) +
      `; goal under ${goalCostPercent}%: ${met ? 'met' : 'not met'}`,
  );
  say(`trace sink: ${requests} OTLP export requests, ${bytes} bytes (spans really left)`);
  say(
    JSON.stringify({
      bench: 'observability',
      rounds,
      eventRounds,
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
