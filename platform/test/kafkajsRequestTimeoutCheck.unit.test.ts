import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { checkKafkajsRequestTimeoutsEverySecond } from '../src/kafka/kafkajsRequestTimeoutCheck.ts';
import { newKafkajsRequestQueue } from './fixtures/kafkajsRequestQueue.ts';

interface TestableQueue {
  readonly inflight: Map<
    number,
    { sentAt: number; requestTimeout: number; timeoutRequest(): void }
  >;
  scheduleRequestTimeoutCheck(): void;
  destroy(): void;
}

const queues: TestableQueue[] = [];

function newQueue(enforceRequestTimeout: boolean): TestableQueue {
  checkKafkajsRequestTimeoutsEverySecond();
  const queue = newKafkajsRequestQueue<TestableQueue>({ enforceRequestTimeout });
  queues.push(queue);
  return queue;
}

afterEach(() => {
  for (const queue of queues.splice(0)) queue.destroy();
  jest.useRealTimers();
});

describe("kafkajs connection queue's request timeouts, looked for once a second", () => {
  it('still time out a request that outlives its timeout, and leave a younger one alone', () => {
    jest.useFakeTimers({ now: 0 });
    const queue = newQueue(true);
    const timedOut: string[] = [];
    // As kafkajs's own: a request that timed out leaves the queue.
    queue.inflight.set(1, {
      sentAt: 0,
      requestTimeout: 30_000,
      timeoutRequest: () => {
        timedOut.push('old');
        queue.inflight.delete(1);
      },
    });
    queue.inflight.set(2, {
      sentAt: 20_000,
      requestTimeout: 30_000,
      timeoutRequest: () => timedOut.push('young'),
    });
    queue.scheduleRequestTimeoutCheck();
    jest.advanceTimersByTime(29_000);
    expect(timedOut).toEqual([]);
    jest.advanceTimersByTime(3_000);
    expect(timedOut).toEqual(['old']);
  });

  it('look for none when the client does not enforce request timeouts', () => {
    jest.useFakeTimers({ now: 0 });
    const queue = newQueue(false);
    const timedOut: string[] = [];
    queue.inflight.set(1, {
      sentAt: 0,
      requestTimeout: 1_000,
      timeoutRequest: () => timedOut.push('old'),
    });
    queue.scheduleRequestTimeoutCheck();
    jest.advanceTimersByTime(60_000);
    expect(timedOut).toEqual([]);
  });
});
