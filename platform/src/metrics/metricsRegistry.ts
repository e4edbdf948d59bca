import { collectDefaultMetrics, Registry } from 'prom-client';
import { metricsEnabled } from './metricsSettings.ts';

/**
 * One registry per service, not prom-client's global one: tests run several services in one
 * process, and each must expose only its own series. Holds the process's CPU, memory, event-loop
 * delay and garbage collection from the start (prom-client's default metrics), unless metrics
 * are off (`METRICS_ENABLED=0`): their event-loop and GC observers are the one cost that runs
 * whether anything is scraped or not.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  if (metricsEnabled()) {
    collectDefaultMetrics({
      register: registry,
      eventLoopMonitoringPrecision: eventLoopSampleMs,
    });
  }
  return registry;
}

/**
 * How often the event-loop delay histogram samples, in ms. prom-client's default, 10, is a timer
 * firing a hundred times a second in every process, busy or idle: two thirds of an idle
 * gateway's CPU (6 of 9 ms a second, measured on a loaded machine). At 100 any stall of 100 ms
 * or more still shows in the lag percentiles, whenever it happens; shorter ones show when they
 * overlap a sample, and are not what the lag panel is for.
 */
const eventLoopSampleMs = 100;
