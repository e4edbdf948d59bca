import { afterEach, describe, expect, it } from '@jest/globals';
import {
  fixKafkajsIdleTimerLoop,
  type KafkajsRequestQueue,
} from '../src/kafka/kafkajsIdleTimerFix.ts';
import { newKafkajsRequestQueue } from './fixtures/kafkajsRequestQueue.ts';

interface TestableQueue extends KafkajsRequestQueue {
  pending: unknown[];
  maybeThrottle(clientSideThrottleTimeMs: number): void;
}

const queues: TestableQueue[] = [];

function newQueue(): TestableQueue {
  fixKafkajsIdleTimerLoop();
  const queue = newKafkajsRequestQueue<TestableQueue>({ enforceRequestTimeout: false });
  queues.push(queue);
  return queue;
}

afterEach(() => {
  for (const queue of queues.splice(0)) {
    if (queue.throttleCheckTimeoutId !== null) clearTimeout(queue.throttleCheckTimeoutId);
  }
});

describe("kafkajs connection queue's check (issue 1556)", () => {
  it('arms no timer when nothing waits and nothing is throttled', () => {
    const queue = newQueue();
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks while requests wait', () => {
    const queue = newQueue();
    queue.pending.push({});
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
  });

  it('still checks when a broker throttle ends', () => {
    const queue = newQueue();
    queue.maybeThrottle(60_000);
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
  });
});
