import { describe, expect, it } from '@jest/globals';
import { faultTargets, planFaults, type FaultPlanOptions } from '../src/faultPlan.ts';
import { chaosSeed, hashSeed, seededRandom } from '../src/prng.ts';

const options: FaultPlanOptions = {
  durationMs: 120_000,
  startAfterMs: 2_000,
  quietMs: 20_000,
  gapMs: { min: 1_500, max: 6_000 },
  downMs: { min: 200, max: 3_000 },
};

describe('seededRandom', () => {
  it('repeats its sequence for a seed, and forks independently of use', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(
      Array.from({ length: 5 }, () => b.next()),
    );
    expect(seededRandom(42).fork('x').next()).toBe(a.fork('x').next());
    expect(seededRandom(1).next()).not.toBe(seededRandom(2).next());
  });

  it('keeps int within its bounds and shuffle a permutation', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 1_000; i += 1) {
      const value = random.int(3, 5);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(5);
    }
    expect(random.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });

  it('reads CHAOS_SEED as a number or hashes text; without one picks a seed', () => {
    expect(chaosSeed('123')).toBe(123);
    expect(chaosSeed('replay-me')).toBe(hashSeed('replay-me'));
    expect(Number.isInteger(chaosSeed(undefined))).toBe(true);
  });
});

describe('planFaults', () => {
  it('is the same plan for the same seed', () => {
    expect(planFaults(seededRandom(9), options)).toEqual(planFaults(seededRandom(9), options));
    expect(planFaults(seededRandom(9), options)).not.toEqual(planFaults(seededRandom(10), options));
  });

  it('keeps faults inside the window, one at a time, with ranges respected', () => {
    const plan = planFaults(seededRandom(3), options);
    expect(plan.length).toBeGreaterThan(5);
    let previousEnd = options.startAfterMs;
    for (const fault of plan) {
      expect(fault.atMs).toBeGreaterThanOrEqual(previousEnd + options.gapMs.min);
      expect(fault.atMs).toBeLessThanOrEqual(options.durationMs - options.quietMs);
      expect(fault.downMs).toBeGreaterThanOrEqual(options.downMs.min);
      expect(fault.downMs).toBeLessThanOrEqual(options.downMs.max);
      previousEnd = fault.atMs + fault.downMs;
    }
  });

  it('hits every target once before any twice', () => {
    const plan = planFaults(seededRandom(5), options);
    const firstRound = plan.slice(0, faultTargets.length).map((fault) => fault.target);
    expect([...firstRound].sort()).toEqual([...faultTargets].sort());
  });

  it('plans nothing when the window is shorter than the first gap', () => {
    expect(planFaults(seededRandom(1), { ...options, durationMs: 10_000, quietMs: 9_000 })).toEqual(
      [],
    );
  });
});
