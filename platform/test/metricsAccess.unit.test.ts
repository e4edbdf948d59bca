import { describe, expect, it } from '@jest/globals';
import { isLoopbackAddress, mayReadMetrics } from '../src/metrics/metricsAccess.ts';

/** Who may read a process's /metrics. */

describe('metrics access', () => {
  it.each(['127.0.0.1', '127.8.0.1', '::1', '::ffff:127.0.0.1'])('counts %s as this host', (a) => {
    expect(isLoopbackAddress(a)).toBe(true);
  });

  it.each(['10.0.0.7', '::ffff:10.0.0.7', '172.18.0.3', 'fe80::1', '128.0.0.1', '', undefined])(
    'counts %s as another host',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(false);
    },
  );

  it('lets a caller on this host in without a token', () => {
    expect(mayReadMetrics({ peerAddress: '127.0.0.1', authorization: undefined }, '')).toBe(true);
  });

  it('keeps another host out while no token is set, whatever it presents', () => {
    const caller = { peerAddress: '10.0.0.7', authorization: 'Bearer ' };
    expect(mayReadMetrics(caller, '')).toBe(false);
  });

  it('lets another host in with the token, and only with it', () => {
    const token = 'scrape-secret-of-at-least-some-length';
    const peerAddress = '172.18.0.9';
    expect(mayReadMetrics({ peerAddress, authorization: `Bearer ${token}` }, token)).toBe(true);
    expect(mayReadMetrics({ peerAddress, authorization: `Bearer ${token}x` }, token)).toBe(false);
    expect(mayReadMetrics({ peerAddress, authorization: token }, token)).toBe(false);
    expect(mayReadMetrics({ peerAddress, authorization: undefined }, token)).toBe(false);
  });
});
