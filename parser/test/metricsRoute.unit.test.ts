import { describe, expect, it } from '@jest/globals';
import { consumerMetrics, isLoopbackAddress } from '../src/worker/metricsRoute.ts';

/** Who may read the worker's /metrics, and what it holds. */

describe('the metrics route', () => {
  it.each(['127.0.0.1', '127.8.0.1', '::1', '::ffff:127.0.0.1'])('counts %s as this host', (a) => {
    expect(isLoopbackAddress(a)).toBe(true);
  });

  it.each(['10.0.0.7', '::ffff:10.0.0.7', '172.18.0.3', 'fe80::1', '128.0.0.1', '', undefined])(
    'counts %s as another host',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(false);
    },
  );

  it('shows counts as Prometheus text and never the last error', () => {
    const text = consumerMetrics({
      state: 'failed',
      processed: 12,
      deadLettered: 2,
      retries: 3,
      lag: 4,
      partitions: [
        {
          topic: 'cashtrack.expense-messages',
          partition: 0,
          nextOffset: '5',
          highWatermark: '9',
          lag: 4,
        },
      ],
      lastError: 'connect ECONNREFUSED 10.1.2.3:9092',
    });
    expect(text).toContain('parser_consumer_state{state="failed"} 1');
    expect(text).toContain('parser_consumer_state{state="running"} 0');
    expect(text).toContain('parser_consumer_processed_total 12\n');
    expect(text).toContain('parser_consumer_lag 4\n');
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('expense-messages');
  });
});
