import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@cashtrack/platform';
import type { FaultTarget, PlannedFault } from '../src/faultPlan.ts';
import { runFaults, type FaultInjector } from '../src/faultScheduler.ts';

const log = createLogger('chaos-test', 'stderr');

function recordingInjector(failStartOf?: FaultTarget) {
  const calls: string[] = [];
  const injector: FaultInjector = {
    async kill(target) {
      calls.push(`kill ${target}`);
    },
    async start(target) {
      calls.push(`start ${target}`);
      if (target === failStartOf) throw new Error(`${target} was not ready in time\nlog tail`);
    },
  };
  return { calls, injector };
}

const plan: PlannedFault[] = [
  { atMs: 0, target: 'user', downMs: 1 },
  { atMs: 5, target: 'kafka', downMs: 1 },
  { atMs: 10, target: 'expense', downMs: 1 },
];

describe('runFaults', () => {
  it('kills and starts each target in plan order, one at a time', async () => {
    const { calls, injector } = recordingInjector();
    const records = await runFaults(plan, injector, {
      startedAt: Date.now(),
      signal: new AbortController().signal,
      log,
    });
    expect(calls).toEqual([
      'kill user',
      'start user',
      'kill kafka',
      'start kafka',
      'kill expense',
      'start expense',
    ]);
    expect(records.map((record) => record.target)).toEqual(['user', 'kafka', 'expense']);
    for (const record of records) expect(record.readyAt).toBeGreaterThanOrEqual(record.killedAt);
  });

  it('records a start that failed, with the first line of its error, and goes on', async () => {
    const { injector } = recordingInjector('kafka');
    const records = await runFaults(plan, injector, {
      startedAt: Date.now(),
      signal: new AbortController().signal,
      log,
    });
    expect(records[1]).toMatchObject({
      target: 'kafka',
      readyAt: undefined,
      error: 'kafka was not ready in time',
    });
    expect(records[2]?.readyAt).toBeDefined();
  });

  it('injects nothing more once aborted', async () => {
    const { calls, injector } = recordingInjector();
    const controller = new AbortController();
    controller.abort();
    expect(
      await runFaults(plan, injector, { startedAt: Date.now(), signal: controller.signal, log }),
    ).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('waits for writes to recover before the next kill, at most recoveryWaitMs', async () => {
    const { calls, injector } = recordingInjector();
    let recoveredAt = Infinity;
    const started = Date.now();
    const records = await runFaults(plan.slice(0, 2), injector, {
      startedAt: started,
      signal: new AbortController().signal,
      log,
      writesRecovered: () => Date.now() >= recoveredAt,
      recoveryWaitMs: 300,
    });
    // Never recovered: each fault waited the bound.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(calls).toHaveLength(4);
    recoveredAt = 0;
    const quick = Date.now();
    await runFaults(plan.slice(0, 2), injector, {
      startedAt: quick,
      signal: new AbortController().signal,
      log,
      writesRecovered: () => Date.now() >= recoveredAt,
      recoveryWaitMs: 300,
    });
    expect(Date.now() - quick).toBeLessThan(300);
    expect(records).toHaveLength(2);
  });
});
