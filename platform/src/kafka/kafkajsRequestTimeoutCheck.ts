import { kafkajsRequestQueueClass } from './kafkajsIdleTimerFix.ts';

/** What the change touches of kafkajs 2.2.4's `RequestQueue` (src/network/requestQueue). */
interface TimedRequestQueue {
  readonly enforceRequestTimeout: boolean;
  readonly requestTimeout: number;
  requestTimeoutIntervalId: NodeJS.Timeout | undefined;
  readonly inflight: ReadonlyMap<
    unknown,
    { readonly sentAt: number; readonly requestTimeout: number; timeoutRequest(): void }
  >;
  isConnected(): boolean;
  destroy(): void;
}

/** How often a connection looks for requests past their timeout (kafkajs: every 100 ms). */
const requestTimeoutCheckMs = 1_000;

let applied = false;

/**
 * kafkajs 2.2.4 looks for requests past their timeout on every broker connection ten times a
 * second, busy or idle, for as long as the connection is open: with the pending-queue loop gone
 * (kafkajsIdleTimerFix.ts) and a fetch held 5 s by the broker, the largest part left of an idle
 * gateway's CPU. Once a second is enough for timeouts of 30 s (a fetch's adds its wait): a
 * request now times out at most a second late. Otherwise kafkajs's check as it is. Idempotent;
 * `createKafkaClient` applies it.
 */
export function checkKafkajsRequestTimeoutsEverySecond(): void {
  if (applied) return;
  applied = true;
  const prototype = kafkajsRequestQueueClass().prototype as unknown as {
    scheduleRequestTimeoutCheck(this: TimedRequestQueue): void;
  };
  prototype.scheduleRequestTimeoutCheck = function (this: TimedRequestQueue): void {
    if (!this.enforceRequestTimeout) return;
    this.destroy();
    this.requestTimeoutIntervalId = setInterval(
      () => {
        const now = Date.now();
        this.inflight.forEach((request) => {
          if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
        });
        if (!this.isConnected()) this.destroy();
      },
      Math.min(this.requestTimeout, requestTimeoutCheckMs),
    );
  };
}
