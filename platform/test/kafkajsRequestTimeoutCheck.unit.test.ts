import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { kafkajsRequestQueueClass } from '../src/kafka/kafkajsIdleTimerFix.ts';
import { checkKafkajsRequestTimeoutsEverySecond } from '../src/kafka/kafkajsRequestTimeoutCheck.ts';

interface TestableQueue {
  readonly inflight: Map<
    number,
    { sentAt: number; requestTimeout: number; timeoutRequest(): void }
  >;
  scheduleRequestTimeoutCheck(): void;
  destroy(): void;
}

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const queues: TestableQueue[] = [];

function newQueue(enforceRequestTimeout: boolean): TestableQueue {
  checkKafkajsRequestTimeoutsEverySecond();
  const RequestQueue = kafkajsRequestQueueClass() as unknown as new (
    options: object,
  ) => TestableQueue;
  const queue = new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silent,
  });
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
