/**
 * What the shared parts did while the slowest changes of `npm run bench:subscriptions`
 * travelled: each probe signal (sharedPartsProbe.ts, and the system process's own loop delay and
 * collector pauses) is a series of timed samples. For the slowest 1% of end-to-end samples (at
 * least 3) it gives each signal's highest value in the window and how that ranks among windows
 * of the same length anywhere in the run: a long window catches some spike of every signal on a
 * loaded machine, so only the rank says which signal was at its worst while the change was slow.
 */

/** One timed reading of a signal over [start, end] (epoch ms): a latency or a window's measure. */
export interface ProbeSample {
  readonly signal: string;
  readonly start: number;
  readonly end: number;
  readonly value: number;
}

/** One end-to-end sample: a change from its `logExpense` sent to the subscriber hearing it. */
export interface EndToEndWindow {
  readonly start: number;
  readonly end: number;
}

export interface SignalSummary {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  /**
   * Over the slowest windows, the mean rank of the signal's highest value in the window among
   * windows of the same length evenly spread over the run: 0.5 is an ordinary window, 1 the
   * signal's worst of the run.
   */
  readonly slowRank: number;
}

export interface SlowWindow {
  readonly totalMs: number;
  /** Per signal, its highest value in the window and that value's rank (see `slowRank`). */
  readonly signals: Readonly<Record<string, { readonly max: number; readonly rank: number }>>;
}

export interface StallReport {
  readonly slowWindows: readonly SlowWindow[];
  readonly signals: Readonly<Record<string, SignalSummary>>;
  /**
   * Per signal, the others that spiked (reached their p95, above their median) in the same slots at least
   * twice as often as they spike at all, by that lift: parts that stall together share a cause.
   */
  readonly together: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Slots of the run in which spikes count as at the same moment. */
export const spikeSlotMs = 50;

/** The least lift of a co-spike `together` names. */
const togetherLift = 2;

/** Windows of each slow length placed over the run to rank the slow window's value among. */
const placements = 200;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (value: number): number => Math.round(value * 100) / 100;

/** The highest value of `samples` (sorted by start) overlapping [from, to], or undefined. */
function maxWithin(samples: readonly ProbeSample[], from: number, to: number): number | undefined {
  let highest: number | undefined;
  for (const sample of samples) {
    if (sample.start > to) break;
    if (sample.end >= from && (highest === undefined || sample.value > highest)) {
      highest = sample.value;
    }
  }
  return highest;
}

/**
 * The share of windows as long as [from, to] placed over [runStart, runEnd] whose highest value
 * is below `max` (ties count half): how unusual the window's worst value is for its length.
 */
function rankAmongPlacements(
  series: readonly ProbeSample[],
  max: number,
  length: number,
  runStart: number,
  runEnd: number,
): number {
  const room = Math.max(0, runEnd - length - runStart);
  let below = 0;
  for (let placed = 0; placed < placements; placed += 1) {
    const from = runStart + (room * placed) / (placements - 1);
    const other = maxWithin(series, from, from + length) ?? Number.NEGATIVE_INFINITY;
    if (other < max) below += 1;
    else if (other === max) below += 0.5;
  }
  return below / placements;
}

/**
 * The slots of [runStart, runEnd] in which `series` reached its p95 while above its median: a
 * signal that is flat most of the time (a collector's pauses, mostly none) spikes only when it
 * rises.
 */
function spikeSlots(
  series: readonly ProbeSample[],
  threshold: { readonly p50: number; readonly p95: number },
  runStart: number,
  slots: number,
): Set<number> {
  const spiked = new Set<number>();
  for (const sample of series) {
    if (sample.value < threshold.p95 || sample.value <= threshold.p50) continue;
    const first = Math.max(0, Math.floor((sample.start - runStart) / spikeSlotMs));
    const last = Math.min(slots - 1, Math.floor((sample.end - runStart) / spikeSlotMs));
    for (let slot = first; slot <= last; slot += 1) spiked.add(slot);
  }
  return spiked;
}

function spikingTogether(
  spikes: ReadonlyMap<string, Set<number>>,
  slots: number,
): Record<string, Record<string, number>> {
  const together: Record<string, Record<string, number>> = {};
  for (const [signal, own] of spikes) {
    const lifts: [string, number][] = [];
    for (const [other, theirs] of spikes) {
      if (other === signal || own.size === 0 || theirs.size === 0) continue;
      let both = 0;
      for (const slot of own) if (theirs.has(slot)) both += 1;
      const lift = both / own.size / (theirs.size / slots);
      if (lift >= togetherLift) lifts.push([other, round(lift)]);
    }
    together[signal] = Object.fromEntries(lifts.sort(([, a], [, b]) => b - a));
  }
  return together;
}

export function stallReport(
  samples: readonly ProbeSample[],
  windows: readonly EndToEndWindow[],
): StallReport {
  const bySignal = new Map<string, ProbeSample[]>();
  for (const sample of samples) {
    const series = bySignal.get(sample.signal) ?? [];
    series.push(sample);
    bySignal.set(sample.signal, series);
  }
  const runStart = Math.min(...windows.map((window) => window.start));
  const runEnd = Math.max(...windows.map((window) => window.end));
  const slowest = [...windows]
    .sort((a, b) => b.end - b.start - (a.end - a.start))
    .slice(0, Math.max(3, Math.ceil(windows.length / 100)));
  const signals: Record<string, SignalSummary> = {};
  const slots = Math.max(1, Math.ceil((runEnd - runStart) / spikeSlotMs));
  const spikes = new Map<string, Set<number>>();
  const perWindow: Record<string, { max: number; rank: number }>[] = slowest.map(() => ({}));
  for (const [signal, series] of [...bySignal].sort(([a], [b]) => a.localeCompare(b))) {
    series.sort((a, b) => a.start - b.start);
    const values = series.map((sample) => sample.value).sort((a, b) => a - b);
    const threshold = { p50: percentile(values, 50), p95: percentile(values, 95) };
    spikes.set(signal, spikeSlots(series, threshold, runStart, slots));
    let ranks = 0;
    slowest.forEach((window, index) => {
      const max = maxWithin(series, window.start, window.end) ?? Number.NEGATIVE_INFINITY;
      const rank = rankAmongPlacements(series, max, window.end - window.start, runStart, runEnd);
      ranks += rank;
      const slot = perWindow[index];
      if (slot !== undefined && Number.isFinite(max)) slot[signal] = { max: round(max), rank };
    });
    signals[signal] = {
      p50: round(percentile(values, 50)),
      p95: round(percentile(values, 95)),
      max: round(values.at(-1) ?? Number.NaN),
      slowRank: round(ranks / slowest.length),
    };
  }
  return {
    slowWindows: slowest.map((window, index) => ({
      totalMs: round(window.end - window.start),
      signals: perWindow[index] ?? {},
    })),
    signals,
    together: spikingTogether(spikes, slots),
  };
}
