import { afterEach, describe, expect, it } from '@jest/globals';
import type { Fetcher } from '@apollo/utils.fetcher';
import { Registry } from 'prom-client';
import { graphqlMetricsPlugin } from '../src/metrics/graphqlMetrics.ts';
import { createMetricsRegistry } from '../src/metrics/metricsRegistry.ts';
import { metricsEnabled } from '../src/metrics/metricsSettings.ts';
import { subgraphFetchMetrics } from '../src/metrics/subgraphFetchMetrics.ts';

/** `METRICS_ENABLED=0`: nothing is measured, so nothing costs anything on a request. */

const variable = 'METRICS_ENABLED';
const before = process.env[variable];

afterEach(() => {
  if (before === undefined) delete process.env[variable];
  else process.env[variable] = before;
});

describe('metrics off', () => {
  it('are on unless told otherwise, and refuse a value that is neither 1 nor 0', () => {
    expect(metricsEnabled({})).toBe(true);
    expect(metricsEnabled({ [variable]: '0' })).toBe(false);
    expect(() => metricsEnabled({ [variable]: 'no' })).toThrow(
      'METRICS_ENABLED must be 1 or 0, got "no"',
    );
  });

  it('keep no process metrics, hook no GraphQL request and wrap no subgraph fetch', async () => {
    process.env[variable] = '0';
    expect(await createMetricsRegistry().getMetricsAsJSON()).toEqual([]);
    const registry = new Registry();
    expect(graphqlMetricsPlugin(registry)).toEqual({});
    const fetcher: Fetcher = () => Promise.reject(new Error('not called'));
    expect(subgraphFetchMetrics(registry)('expense', fetcher)).toBe(fetcher);
    expect(await registry.getMetricsAsJSON()).toEqual([]);
  });
});
