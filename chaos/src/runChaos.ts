import { setTimeout as delay } from 'node:timers/promises';
import { createLogger, type Logger } from '@cashtrack/platform';
import {
  startLocalSystem,
  type LocalSystem,
  type ServiceName,
} from '../../test-support/localSystem.ts';
import { faultTargets, planFaults, type FaultTarget } from './faultPlan.ts';
import { runFaults, type FaultInjector } from './faultScheduler.ts';
import { gatewayClient } from './gatewayClient.ts';
import {
  allHold,
  checkInvariants,
  invariantNames,
  type ChaosVerdict,
  type InvariantCounts,
  type InvariantName,
} from './invariants.ts';
import type { FaultRecord, ObservedUser, OperationRecord } from './ledger.ts';
import { countDeadLetters, observeUser } from './observe.ts';
import { seededRandom } from './prng.ts';
import { signUpUser, type ChaosUser } from './sessions.ts';
import { ResumableSubscriber } from './subscriber.ts';
import { Workload } from './workload.ts';

export interface ChaosOptions {
  /** How long the users write; faults stop `quietSeconds` before the end. */
  readonly seconds: number;
  readonly seed: number;
  /** Default 5. */
  readonly users?: number;
  /** Mean pause between one user's writes, default 400 ms. */
  readonly meanIntervalMs?: number;
  /** Default: a fifth of the run, at least 8 s. */
  readonly quietSeconds?: number;
  /** How long the system may take to show every acknowledged write afterwards. Default 90 s. */
  readonly settleTimeoutMs?: number;
  readonly targets?: readonly FaultTarget[];
  /** Keep the private system's folder (data and every process's log) even after a clean run. */
  readonly keepDir?: boolean;
  /** Each human-readable line of the report (the CLI prints them; the test ignores them). */
  readonly print?: (line: string) => void;
  readonly log?: Logger;
}

export interface ChaosReport extends InvariantCounts {
  readonly seed: number;
  readonly seconds: number;
  readonly users: number;
  readonly operationsAcknowledged: number;
  readonly operationsFailed: number;
  readonly faultsInjected: number;
  readonly faultsByTarget: Readonly<Record<string, number>>;
  /** Failed writes by error code (`NETWORK`, `TIMEOUT`, or the GraphQL error's code). */
  readonly failuresByCode: Readonly<Record<string, number>>;
  readonly maxFaultToAckMs: number | null;
  readonly maxRecoveryMs: number | null;
  readonly subscriberReconnects: number;
  /** Service exits the harness did not cause (a service dying of a dependency's outage). */
  readonly unexpectedExits: number;
  readonly settleMs: number;
  readonly ok: boolean;
  readonly details: readonly string[];
}

const minWritingAfterRecoveryMs = 5_000;

const infraTargets = new Set<FaultTarget>(['kafka', 'ferretdb']);

function injectorFor(system: LocalSystem): FaultInjector {
  return {
    async kill(target) {
      if (infraTargets.has(target))
        await system.stopServer(target as 'kafka' | 'ferretdb', 'SIGKILL');
      else await system.stopService(target as ServiceName, 'SIGKILL');
    },
    async start(target) {
      if (infraTargets.has(target)) await system.startServer(target as 'kafka' | 'ferretdb');
      else await system.startService(target as ServiceName);
    },
  };
}

/**
 * Starts a private system, has several users write and listen while processes are SIGKILLed and
 * restarted at seeded random moments, lets the system settle, and checks that nothing
 * acknowledged was lost, doubled or heard wrong. Resolves with the report; `ok` is false when an
 * invariant is broken. The private system is removed afterwards unless the run failed (its logs
 * are then kept; the report's details name the folder).
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? createLogger('chaos', 'stderr');
  const print = options.print ?? (() => undefined);
  const userCount = options.users ?? 5;
  const durationMs = options.seconds * 1000;
  const quietMs = (options.quietSeconds ?? Math.max(8, options.seconds / 5)) * 1000;
  const random = seededRandom(options.seed);
  const plan = planFaults(random.fork('faults'), {
    durationMs,
    startAfterMs: 2_000,
    quietMs,
    gapMs: { min: 1_500, max: 6_000 },
    downMs: { min: 200, max: 3_000 },
    targets: options.targets ?? faultTargets,
  });
  print(
    `chaos: seed ${options.seed} (CHAOS_SEED=${options.seed} replays it), ${options.seconds} s, ${userCount} users, ${plan.length} faults planned`,
  );

  const system = await startLocalSystem({
    logLevel: 'info',
    // A restart on a busy machine (module loading, then the consumer group's session) can take
    // most of a minute; only a service still not ready after this counts as not coming back.
    readyTimeoutMs: 120_000,
    env: {
      // The run measures durability, not abuse limits: every user writes from one address.
      GATEWAY_RATE_USER_BURST: '100000',
      GATEWAY_RATE_USER_PER_SECOND: '100000',
      GATEWAY_RATE_ADDRESS_BURST: '100000',
      GATEWAY_RATE_ADDRESS_PER_SECOND: '100000',
    },
  });
  let ok = false;
  try {
    print(`chaos: private system up in ${system.dir} (gateway ${system.graphqlUrl})`);
    const client = gatewayClient(system.graphqlUrl, 20_000);
    const runLabel = `${options.seed.toString(36)}${Date.now().toString(36)}`;
    const users: ChaosUser[] = [];
    for (let index = 0; index < userCount; index += 1)
      users.push(await signUpUser(client, index, runLabel, Date.now() + 60_000));

    const workload = new Workload({
      client,
      random: random.fork('workload'),
      meanIntervalMs: options.meanIntervalMs ?? 400,
    });
    const subscribers = users.map((user) => {
      const subscriber = new ResumableSubscriber({
        graphqlUrl: system.graphqlUrl,
        userId: user.userId,
        token: () => user.accessToken,
        log,
        onChange: (change) => workload.noteHeard(user.userId, change),
      });
      subscriber.start();
      return subscriber;
    });
    // A subscription without `after` starts at "now" as the subgraph first reads it, so each
    // user writes until its subscriber hears something; that first change is its base.
    await Promise.all(
      users.map(async (user, index) => {
        const subscriber = subscribers[index] as ResumableSubscriber;
        const deadline = Date.now() + 60_000;
        while (subscriber.heardCount() === 0) {
          if (Date.now() > deadline) throw new Error(`user ${index}'s subscription heard nothing`);
          await workload.warmUp(user);
          const waitUntil = Date.now() + 3_000;
          while (subscriber.heardCount() === 0 && Date.now() < waitUntil) await delay(50);
        }
      }),
    );
    print(`chaos: ${userCount} users signed up and listening; writing for ${options.seconds} s`);

    const startedAt = Date.now();
    const stopWriting = new AbortController();
    const stopFaults = new AbortController();
    const writing = Promise.all(users.map((user) => workload.run(user, stopWriting.signal)));
    const faulting = runFaults(plan, injectorFor(system), {
      startedAt,
      signal: stopFaults.signal,
      log,
      writesRecovered: (killedAt) =>
        workload.records.some((record) => record.acknowledged && record.startedAt >= killedAt),
    });
    // Each subscriber also loses its socket now and then and resumes after its last cursor.
    const dropRandom = random.fork('drops');
    const dropTimers = new Set<NodeJS.Timeout>();
    const scheduleDrop = (subscriber: ResumableSubscriber): void => {
      const timer = setTimeout(
        () => {
          dropTimers.delete(timer);
          if (stopWriting.signal.aborted) return;
          subscriber.drop();
          scheduleDrop(subscriber);
        },
        dropRandom.int(5_000, 15_000),
      );
      dropTimers.add(timer);
    };
    for (const subscriber of subscribers) scheduleDrop(subscriber);
    const progress = setInterval(() => {
      print(
        `chaos: ${Math.round((Date.now() - startedAt) / 1000)} s, ${workload.acknowledgedCount()} writes acknowledged`,
      );
    }, 10_000);
    await delay(durationMs - quietMs);
    stopFaults.abort();
    const faults: FaultRecord[] = await faulting;
    // Writes go on for the planned time, and at least a few seconds past the last recovery
    // (which may overrun the plan), so every fault is followed by writes that must succeed.
    await delay(Math.max(startedAt + durationMs - Date.now(), minWritingAfterRecoveryMs));
    stopWriting.abort();
    for (const timer of dropTimers) clearTimeout(timer);
    await writing;
    clearInterval(progress);
    print(
      `chaos: writing stopped; ${workload.acknowledgedCount()} writes acknowledged, ${faults.length} faults; settling`,
    );

    // Settling: observe until every check passes or time is up; the last observation counts.
    const settleStarted = Date.now();
    const settleDeadline = settleStarted + (options.settleTimeoutMs ?? 90_000);
    let verdict: ChaosVerdict | undefined;
    let observationError: string | undefined;
    for (;;) {
      try {
        const today = new Date();
        const from = new Date(today.getTime() - 60 * 86_400_000).toISOString().slice(0, 10);
        const to = new Date(today.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
        const observed: ObservedUser[] = await Promise.all(
          users.map((user, index) =>
            observeUser(
              { client, graphqlUrl: system.graphqlUrl, from, to },
              user,
              workload.records.filter((record) => record.userId === user.userId),
              subscribers[index]?.log(),
            ),
          ),
        );
        verdict = checkInvariants({
          operations: workload.records,
          subscribers: subscribers.map((subscriber) => subscriber.log()),
          observed,
          deadLetters: await countDeadLetters([system.kafkaBrokers]),
          faults,
        });
        observationError = undefined;
        if (settled(verdict) || Date.now() > settleDeadline) break;
        log.info({ broken: verdict.details.slice(0, 3) }, 'not settled yet');
      } catch (error) {
        log.warn({ err: error }, 'observing failed; retrying');
        observationError = error instanceof Error ? error.message : String(error);
        if (Date.now() > settleDeadline) break;
      }
      await delay(3_000);
    }
    // A system that cannot even be read back is a failed run, reported like any other.
    if (verdict === undefined)
      verdict = checkInvariants({
        operations: workload.records,
        subscribers: [],
        observed: [],
        deadLetters: 0,
        faults,
      });
    const unobservable =
      observationError === undefined
        ? []
        : [`the system could not be read back through the gateway: ${observationError}`];
    const settleMs = Date.now() - settleStarted;
    await Promise.all(subscribers.map((subscriber) => subscriber.stop()));

    const faultsByTarget: Record<string, number> = {};
    for (const fault of faults)
      faultsByTarget[fault.target] = (faultsByTarget[fault.target] ?? 0) + 1;
    const failuresByCode: Record<string, number> = {};
    for (const record of workload.records)
      if (!record.acknowledged) {
        const code = record.errorCode ?? 'UNKNOWN';
        failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
      }
    const recoveries = faults.flatMap((fault) =>
      fault.readyAt === undefined ? [] : [fault.readyAt - fault.killedAt],
    );
    ok = allHold(verdict) && unobservable.length === 0;
    const report: ChaosReport = {
      seed: options.seed,
      seconds: options.seconds,
      users: userCount,
      operationsAcknowledged: verdict.operationsAcknowledged,
      operationsFailed: verdict.operationsFailed,
      faultsInjected: verdict.faultsInjected,
      faultsByTarget,
      failuresByCode,
      ...verdict.counts,
      maxFaultToAckMs: verdict.maxFaultToAckMs,
      maxRecoveryMs: recoveries.length === 0 ? null : Math.max(...recoveries),
      subscriberReconnects: subscribers.reduce((sum, s) => sum + s.log().reconnects, 0),
      unexpectedExits: system.unexpectedExits().length,
      settleMs,
      ok,
      details: ok ? [] : [...unobservable, ...verdict.details, `logs kept in ${system.dir}`],
    };
    printReport(report, print);
    for (const line of faultTimeline(faults, workload.records, startedAt)) print(line);
    return report;
  } finally {
    await system.dispose({ keepDir: options.keepDir === true || !ok });
  }
}

/** Invariants that waiting cannot mend: a fault is over, a dead letter stays in its topic. */
const final: readonly InvariantName[] = ['faultsNotRecovered', 'deadLetters'];

/** Nothing left that more waiting could mend. */
function settled(verdict: ChaosVerdict): boolean {
  return invariantNames.every((name) => final.includes(name) || verdict.counts[name] === 0);
}

/** One line per fault: when, how long until ready, how long until the next acknowledged write. */
function faultTimeline(
  faults: readonly FaultRecord[],
  records: readonly OperationRecord[],
  startedAt: number,
): string[] {
  const acknowledged = records
    .filter((record) => record.acknowledged)
    .sort((a, b) => a.endedAt - b.endedAt);
  return faults.map((fault) => {
    const next = acknowledged.find((record) => record.startedAt >= fault.killedAt)?.endedAt;
    const failed = records.filter(
      (record) =>
        !record.acknowledged &&
        record.endedAt >= fault.killedAt &&
        (next === undefined || record.endedAt <= next),
    ).length;
    return `  fault at +${((fault.killedAt - startedAt) / 1000).toFixed(1)} s: ${fault.target.padEnd(13)} ready after ${fault.readyAt === undefined ? 'never' : `${fault.readyAt - fault.killedAt} ms`}, next ack after ${next === undefined ? 'never' : `${next - fault.killedAt} ms`} (${failed} writes failed meanwhile)`;
  });
}

function printReport(report: ChaosReport, print: (line: string) => void): void {
  print(
    `operations acknowledged      ${report.operationsAcknowledged} (failed: ${report.operationsFailed}${Object.entries(
      report.failuresByCode,
    )
      .map(([code, count]) => `, ${code} ${count}`)
      .join('')})`,
  );
  print(
    `faults injected              ${report.faultsInjected} (${Object.entries(report.faultsByTarget)
      .map(([target, count]) => `${target} ${count}`)
      .join(', ')})`,
  );
  for (const name of invariantNames) print(`${name.padEnd(28)} ${report[name]}`);
  print(`longest fault → next ack     ${report.maxFaultToAckMs ?? '-'} ms`);
  print(`longest kill → ready again   ${report.maxRecoveryMs ?? '-'} ms`);
  print(`subscriber reconnects        ${report.subscriberReconnects}`);
  print(`unexpected service exits     ${report.unexpectedExits}`);
  print(`settled in                   ${report.settleMs} ms`);
  for (const detail of report.details) print(`  ${detail}`);
}
