import { describe, expect, it } from '@jest/globals';
import { stallReport, type ProbeSample } from '../bench/stallWindows.ts';

/**
 * `bench:subscriptions` names what stalled while its slowest changes travelled: a signal that
 * peaks exactly then ranks at the top, one that peaks elsewhere does not, and signals whose
 * spikes fall in the same slots are named together.
 */

/** A sample every 25 ms over 0..10 s, `value` 1 except where `peak` says otherwise. */
function series(signal: string, peak: (start: number) => number | undefined): ProbeSample[] {
  return Array.from({ length: 400 }, (_, index) => {
    const start = index * 25;
    return { signal, start, end: start + 25, value: peak(start) ?? 1 };
  });
}

const within = (from: number, to: number, value: number) => (start: number) =>
  start >= from && start < to ? value : undefined;

/** Changes of 40 ms every 50 ms, but those sent between 5 and 5.1 s take 300 ms. */
const changes = Array.from({ length: 190 }, (_, index) => {
  const start = index * 50;
  return { start, end: start + (start >= 5_000 && start < 5_150 ? 300 : 40) };
});

describe('stallReport', () => {
  const report = stallReport(
    [
      ...series('broker', within(5_050, 5_150, 200)),
      ...series('database', within(5_050, 5_150, 150)),
      ...series('elsewhere', within(1_000, 1_100, 500)),
    ],
    changes,
  );

  it('ranks a signal peaking during the slowest changes at the top, one peaking elsewhere low', () => {
    expect(report.slowWindows).toHaveLength(3);
    expect(report.slowWindows.every(({ totalMs }) => totalMs === 300)).toBe(true);
    expect(report.signals.broker?.slowRank).toBeGreaterThan(0.9);
    expect(report.signals.elsewhere?.slowRank).toBeLessThan(0.6);
    expect(report.slowWindows[0]?.signals.broker?.max).toBe(200);
  });

  it('names the signals that spike in the same slots together, and not the others', () => {
    expect(Object.keys(report.together.broker ?? {})).toEqual(['database']);
    expect(Object.keys(report.together.elsewhere ?? {})).toEqual([]);
  });
});
