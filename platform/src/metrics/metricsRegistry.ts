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
  if (metricsEnabled()) collectDefaultMetrics({ register: registry });
  return registry;
}
