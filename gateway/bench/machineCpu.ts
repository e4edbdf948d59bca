/**
 * The whole machine's CPU time from /proc/stat (Linux), busy and total over every core, in clock
 * ticks: over a window, busy over total says whether the machine itself was saturated, in which
 * case no process's rate in it says much about that process.
 */
import { readFileSync } from 'node:fs';

export interface MachineCpu {
  readonly busyTicks: number;
  readonly totalTicks: number;
}

/** Undefined off Linux. */
export function machineCpu(): MachineCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal …
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (ticks.length < 8 || ticks.some((tick) => !Number.isFinite(tick))) return undefined;
    const totalTicks = ticks.reduce((sum, tick) => sum + tick, 0);
    const waiting = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busyTicks: totalTicks - waiting, totalTicks };
  } catch {
    return undefined;
  }
}

/** The share of the machine's CPU that was busy between two readings, 0 to 1. */
export function busyShare(before: MachineCpu, after: MachineCpu): number {
  const total = after.totalTicks - before.totalTicks;
  return total <= 0 ? 0 : (after.busyTicks - before.busyTicks) / total;
}
