import type { Random } from './prng.ts';

/** What the chaos run kills: every process whose crash must lose nothing. */
export const faultTargets = ['parser-worker', 'expense', 'user', 'kafka', 'ferretdb'] as const;
export type FaultTarget = (typeof faultTargets)[number];

export interface Range {
  readonly min: number;
  readonly max: number;
}

export interface FaultPlanOptions {
  /** The whole workload's length; faults stop `quietMs` before its end. */
  readonly durationMs: number;
  /** No fault before this, so every user is signed up and subscribed first. */
  readonly startAfterMs: number;
  /** The tail without faults, in which writes must succeed again. */
  readonly quietMs: number;
  /** Pause between one fault's restart and the next kill. */
  readonly gapMs: Range;
  /** How long a killed process stays dead before it is started again. */
  readonly downMs: Range;
  readonly targets?: readonly FaultTarget[];
}

export interface PlannedFault {
  /** Milliseconds after the workload started. */
  readonly atMs: number;
  readonly target: FaultTarget;
  readonly downMs: number;
}

/**
 * A fault schedule from a seeded generator: random gaps and down times, targets in shuffled
 * rounds so that every target is hit once before any is hit twice (a short run still covers
 * each). One fault at a time: two concurrent faults would make a slow recovery impossible to
 * attribute. Times are offsets; the scheduler shifts later faults when a restart overruns.
 */
export function planFaults(random: Random, options: FaultPlanOptions): PlannedFault[] {
  const targets = options.targets ?? faultTargets;
  if (targets.length === 0) return [];
  const lastKillAt = options.durationMs - options.quietMs;
  const plan: PlannedFault[] = [];
  let round: FaultTarget[] = [];
  let at = options.startAfterMs + random.int(options.gapMs.min, options.gapMs.max);
  while (at <= lastKillAt) {
    if (round.length === 0) round = random.shuffle(targets);
    const target = round.shift() as FaultTarget;
    const downMs = random.int(options.downMs.min, options.downMs.max);
    plan.push({ atMs: at, target, downMs });
    at += downMs + random.int(options.gapMs.min, options.gapMs.max);
  }
  return plan;
}
