import { createRequire } from 'node:module';

/** What the fix touches of kafkajs 2.2.4's `RequestQueue` (src/network/requestQueue). */
export interface KafkajsRequestQueue {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  readonly pending: readonly unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's check interval while requests wait (its CHECK_PENDING_REQUESTS_INTERVAL). */
const pendingCheckMs = 10;

const requireFromHere = createRequire(import.meta.url);

/** kafkajs's `RequestQueue` class, whose prototype the fix replaces a method of. */
export function kafkajsRequestQueueClass(): { prototype: KafkajsRequestQueue } {
  return requireFromHere('kafkajs/src/network/requestQueue/index.js') as {
    prototype: KafkajsRequestQueue;
  };
}

let applied = false;

/**
 * kafkajs 2.2.4 (its last release) re-arms a timer after every check of a connection's queue,
 * with `throttledUntil - now` as the delay: -1 - now when nothing is throttled, which Node runs
 * after 1 ms. So every broker connection of every process woke up a thousand times a second,
 * with nothing queued (kafkajs issues 1556, 1604 and 1704, fixes proposed in pull requests 1667
 * and 1768, none merged). An idle gateway burnt 25-32 ms of CPU a second, 5 with this.
 *
 * The check stays wherever it is needed: while requests wait (every 10 ms, as before, at the
 * earliest when a throttle ends), and when a throttle ends. A request that cannot go at once
 * is queued and schedules the check itself; an answer or a timeout checks the queue at once.
 * Idempotent; `createKafkaClient` applies it.
 */
export function fixKafkajsIdleTimerLoop(): void {
  if (applied) return;
  applied = true;
  kafkajsRequestQueueClass().prototype.scheduleCheckPendingRequests = function (
    this: KafkajsRequestQueue,
  ): void {
    if (this.throttleCheckTimeoutId !== null) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && untilUnthrottled <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : pendingCheckMs,
    );
  };
}
