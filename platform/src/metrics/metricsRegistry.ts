import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per service, not prom-client's global one: tests run several services in one
 * process, and each must expose only its own series. Holds the process's CPU, memory, event-loop
 * delay and garbage collection from the start (prom-client's default metrics).
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
