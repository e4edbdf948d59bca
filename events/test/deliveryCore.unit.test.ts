import { describe, expect, it } from '@jest/globals';
import { currentCorrelationId } from '@cashtrack/platform';
import type { DeadLetterMessage, SourceMessage } from '../src/deadLetter.ts';
import {
  createDeliveryCore,
  type DeliveryCore,
  type DeliveryCoreOptions,
  type PartitionBatch,
} from '../src/delivery/deliveryCore.ts';
import type {
  EventContext,
  EventHandling,
  PositionedEvent,
} from '../src/delivery/eventHandling.ts';
import {
  encodeEvent,
  FatalConsumerError,
  PoisonEventError,
  type CashTrackEvent,
} from '../src/index.ts';
import { readDeadLetter, type DeadLetterInfo } from './deadLetterReader.ts';
import { manualExpense } from './sampleEvents.ts';

/**
 * The delivery core on its own, without a broker: a partition is a list of messages, the
 * transport records what it was asked to commit, the dead-letter topic is a list, and pauses
 * are recorded instead of slept.
 */

const topic = 'cashtrack.expenses';

function message(offset: number, value: string): SourceMessage {
  return { key: 'user-1', value: Buffer.from(value), offset: String(offset), headers: {} };
}

function eventMessages(events: readonly CashTrackEvent[], firstOffset = 0): SourceMessage[] {
  return events.map((event, index) => message(firstOffset + index, encodeEvent(event).value));
}

function expenses(count: number): CashTrackEvent[] {
  return Array.from({ length: count }, (_, index) =>
    manualExpense('user-1', `expense-${index}`, 100 + index),
  );
}

interface Partition extends PartitionBatch {
  readonly committed: string[];
  heartbeats: number;
  stale: boolean;
}

function partition(messages: readonly SourceMessage[], highWatermark = messages.length): Partition {
  const batch: Partition = {
    topic,
    partition: 3,
    messages,
    highWatermark: String(highWatermark),
    committed: [],
    heartbeats: 0,
    stale: false,
    heartbeat: () => {
      batch.heartbeats += 1;
      return Promise.resolve();
    },
    isStale: () => batch.stale,
    commitUpTo: (offset) => {
      batch.committed.push(offset);
    },
  };
  return batch;
}

interface Harness {
  readonly core: DeliveryCore;
  readonly letters: DeadLetterInfo[];
  readonly pauses: number[];
  readonly fatal: unknown[];
}

function harness(
  handling: EventHandling,
  overrides: Partial<Omit<DeliveryCoreOptions, 'handling'>> = {},
): Harness {
  const letters: DeadLetterInfo[] = [];
  const pauses: number[] = [];
  const fatal: unknown[] = [];
  const core = createDeliveryCore({
    handling,
    groupId: 'projector',
    deadLetters: (_topic: string, letter: DeadLetterMessage) => {
      letters.push(readDeadLetter(letter));
      return Promise.resolve();
    },
    retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 40 },
    heartbeatEveryMs: 1_000,
    onFatal: (error) => fatal.push(error),
    sleep: (ms) => {
      pauses.push(ms);
      return Promise.resolve();
    },
    ...overrides,
  });
  return { core, letters, pauses, fatal };
}

/** A promise settled from outside, for handlers that must stay busy until the test says so. */
function gate(): { readonly opened: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

function outage(): Error {
  return Object.defineProperty(new Error('connection refused'), 'name', {
    value: 'MongoServerSelectionError',
  });
}

describe('delivering events one at a time', () => {
  it('hands each event in order, inside its correlation, and commits the last one handled', async () => {
    // Given three events on a partition whose end is two messages further
    const events = expenses(3);
    const batch = partition(eventMessages(events, 40), 45);
    const seen: { event: CashTrackEvent; context: EventContext; correlation?: string }[] = [];
    const { core } = harness({
      handle: (event, context) => {
        seen.push({ event, context, correlation: currentCorrelationId() });
        return Promise.resolve();
      },
    });

    // When they are delivered
    await core.deliver(batch);

    // Then each was handled once, in order, in its correlation, and the last offset committed
    expect(seen.map(({ event }) => event)).toEqual(events);
    expect(seen.map(({ correlation }) => correlation)).toEqual(
      events.map((event) => event.correlationId),
    );
    expect(seen[1]?.context).toMatchObject({ topic, partition: 3, offset: '41', attempt: 1 });
    expect(batch.committed).toEqual(['42']);
    expect(core.stats()).toMatchObject({
      state: 'running',
      processed: 3,
      deadLettered: 0,
      retries: 0,
      lag: 2,
      partitions: [{ topic, partition: 3, nextOffset: '43', highWatermark: '45', lag: 2 }],
    });
  });

  it('hands each event to a synchronous handler in order, in its correlation, and retries a throw', async () => {
    // Given a handler that returns no promise and throws once on the second of three events
    const events = expenses(3);
    const batch = partition(eventMessages(events, 10));
    const seen: { aggregateId: string; attempt: number; correlation?: string }[] = [];
    const { core, letters } = harness({
      handle: (event, context) => {
        seen.push({
          aggregateId: event.aggregateId,
          attempt: context.attempt,
          correlation: currentCorrelationId(),
        });
        if (event.aggregateId === 'expense-1' && context.attempt === 1) {
          throw new Error('write conflict');
        }
      },
    });

    // When they are delivered
    await core.deliver(batch);

    // Then each was handled in order in its correlation, the throw retried, the last committed
    expect(seen).toEqual([
      { aggregateId: 'expense-0', attempt: 1, correlation: events[0]?.correlationId },
      { aggregateId: 'expense-1', attempt: 1, correlation: events[1]?.correlationId },
      { aggregateId: 'expense-1', attempt: 2, correlation: events[1]?.correlationId },
      { aggregateId: 'expense-2', attempt: 1, correlation: events[2]?.correlationId },
    ]);
    expect(letters).toEqual([]);
    expect(batch.committed).toEqual(['12']);
    expect(core.stats()).toMatchObject({ processed: 3, retries: 1 });
  });

  it('commits an offset only once its handler has finished', async () => {
    // Given a handler still busy with the only event
    const busy = gate();
    let started = false;
    const batch = partition(eventMessages(expenses(1)));
    const { core } = harness({
      handle: async () => {
        started = true;
        await busy.opened;
      },
    });

    // When the delivery is under way
    const delivering = core.deliver(batch);
    await Promise.resolve();

    // Then nothing is committed until the handler finishes
    expect(started).toBe(true);
    expect(batch.committed).toEqual([]);
    busy.open();
    await delivering;
    expect(batch.committed).toEqual(['0']);
  });

  it('retries a failing handler after growing, jittered pauses and then goes on', async () => {
    // Given a handler that fails twice before it succeeds
    const attempts: number[] = [];
    const batch = partition(eventMessages(expenses(2)));
    const { core, pauses, letters } = harness({
      handle: (event, context) => {
        if (event.aggregateId !== 'expense-0') return Promise.resolve();
        attempts.push(context.attempt);
        return context.attempt < 3
          ? Promise.reject(new Error('write conflict'))
          : Promise.resolve();
      },
    });

    // When the events are delivered
    await core.deliver(batch);

    // Then it was tried three times, pausing about 10 then about 20 ms, and nothing was parked
    expect(attempts).toEqual([1, 2, 3]);
    expect(pauses).toHaveLength(2);
    expect(pauses[0]).toBeGreaterThanOrEqual(5);
    expect(pauses[0]).toBeLessThanOrEqual(10);
    expect(pauses[1]).toBeGreaterThanOrEqual(10);
    expect(pauses[1]).toBeLessThanOrEqual(20);
    expect(letters).toEqual([]);
    expect(batch.committed).toEqual(['1']);
    expect(core.stats()).toMatchObject({ processed: 2, retries: 2, lastError: 'write conflict' });
  });

  it('parks an event whose handler keeps failing after the last attempt, and goes on', async () => {
    // Given a handler that always fails on the first of three events
    const handled: string[] = [];
    const batch = partition(eventMessages(expenses(3), 7));
    const { core, letters } = harness({
      handle: (event) => {
        if (event.aggregateId === 'expense-0') return Promise.reject(new Error('always fails'));
        handled.push(event.aggregateId);
        return Promise.resolve();
      },
    });

    // When they are delivered
    await core.deliver(batch);

    // Then it is dead-lettered after three attempts, the others are handled, all are committed
    expect(letters).toMatchObject([
      {
        errorCode: 'Error',
        errorMessage: 'always fails',
        attempts: 3,
        sourceTopic: topic,
        sourcePartition: 3,
        sourceOffset: '7',
        consumerGroup: 'projector',
      },
    ]);
    expect(handled).toEqual(['expense-1', 'expense-2']);
    expect(batch.committed).toEqual(['9']);
    expect(core.stats()).toMatchObject({ processed: 2, deadLettered: 1, retries: 2 });
  });

  it('counts handled, retried and parked events per topic, and their totals', async () => {
    // Given a handler that always fails on one event of the second topic
    const { core } = harness({
      handle: (event) =>
        event.aggregateId === 'expense-2'
          ? Promise.reject(new Error('always fails'))
          : Promise.resolve(),
    });

    // When two events come from one topic, then three from another
    await core.deliver(partition(eventMessages(expenses(2))));
    await core.deliver({ ...partition(eventMessages(expenses(3))), topic: 'cashtrack.users' });

    // Then each topic counts its own, and the totals add them up
    expect(core.stats()).toMatchObject({
      processed: 4,
      retries: 2,
      deadLettered: 1,
      topics: [
        { topic, processed: 2, retries: 0, deadLettered: 0 },
        { topic: 'cashtrack.users', processed: 2, retries: 2, deadLettered: 1 },
      ],
    });
  });

  it('parks a message that is no event, and a poison event, at once without retrying', async () => {
    // Given garbage, then a poison event, then a good one
    const [poison, good] = expenses(2);
    const batch = partition([message(0, 'not json at all'), ...eventMessages([poison!, good!], 1)]);
    const handled: string[] = [];
    const { core, letters, pauses } = harness({
      handle: (event) => {
        if (event.eventId === poison?.eventId) {
          return Promise.reject(new PoisonEventError('never'));
        }
        handled.push(event.eventId);
        return Promise.resolve();
      },
    });

    // When they are delivered
    await core.deliver(batch);

    // Then both bad ones are parked without a pause, the good one handled
    expect(letters.map(({ errorCode, attempts }) => [errorCode, attempts])).toEqual([
      ['INVALID_EVENT', 0],
      ['POISON_EVENT', 1],
    ]);
    expect(pauses).toEqual([]);
    expect(handled).toEqual([good?.eventId]);
    expect(batch.committed).toEqual(['2']);
  });

  it('stops for good on a fatal error, commits only what came before, and says so once', async () => {
    // Given a handler that fails fatally on the second of three events
    const handled: string[] = [];
    const batch = partition(eventMessages(expenses(3)));
    const { core, fatal, letters } = harness({
      handle: (event) => {
        if (event.aggregateId === 'expense-1') {
          return Promise.reject(new FatalConsumerError('cannot go on'));
        }
        handled.push(event.aggregateId);
        return Promise.resolve();
      },
    });

    // When they are delivered
    await core.deliver(batch);

    // Then the first is committed, the third never handled, and the transport told to stop
    expect(handled).toEqual(['expense-0']);
    expect(batch.committed).toEqual(['0']);
    expect(letters).toEqual([]);
    expect(fatal).toMatchObject([{ code: 'CONSUMER_FATAL', message: 'cannot go on' }]);
    expect(core.state()).toBe('failed');

    // And a later batch is not handled at all
    await core.deliver(partition(eventMessages(expenses(1), 3)));
    expect(handled).toEqual(['expense-0']);
  });

  it('stops for good when a message can be neither handled nor parked', async () => {
    // Given a dead-letter topic that cannot be written to
    const batch = partition([message(0, 'garbage'), ...eventMessages(expenses(1), 1)]);
    const handled: string[] = [];
    const { core, fatal } = harness(
      {
        handle: (event) => {
          handled.push(event.eventId);
          return Promise.resolve();
        },
      },
      { deadLetters: () => Promise.reject(new Error('broker gone')) },
    );

    // When the garbage is delivered
    await core.deliver(batch);

    // Then nothing is committed and nothing after it handled
    expect(batch.committed).toEqual([]);
    expect(handled).toEqual([]);
    expect(fatal).toMatchObject([{ code: 'CONSUMER_FATAL' }]);
    expect(String((fatal[0] as Error).message)).toContain('broker gone');
  });
});

describe('pausing for an unreachable dependency', () => {
  it('waits an outage out on the same event past the retry budget, then resumes', async () => {
    // Given a database that is unreachable for six attempts, where the budget is three
    let unreachable = 6;
    const handled: string[] = [];
    const batch = partition(eventMessages(expenses(2)));
    const { core, letters, pauses } = harness({
      handle: (event) => {
        if (event.aggregateId === 'expense-0' && unreachable > 0) {
          unreachable -= 1;
          return Promise.reject(outage());
        }
        handled.push(event.aggregateId);
        return Promise.resolve();
      },
    });

    // When the events are delivered
    await core.deliver(batch);

    // Then it paused six times, heartbeating, parked nothing and handled both in order
    expect(pauses).toHaveLength(6);
    expect(batch.heartbeats).toBeGreaterThanOrEqual(6);
    expect(letters).toEqual([]);
    expect(handled).toEqual(['expense-0', 'expense-1']);
    expect(batch.committed).toEqual(['1']);
    expect(core.stats()).toMatchObject({ state: 'running', retries: 6, deadLettered: 0 });
  });

  it('gives the event up uncommitted when the consumer stops during the pause', async () => {
    // Given an outage that lasts, and a stop asked for during the first pause
    const batch = partition(eventMessages(expenses(2)));
    const stopping: Promise<void>[] = [];
    const { core, letters } = harness(
      { handle: () => Promise.reject(outage()) },
      {
        sleep: () => {
          stopping.push(core.stop());
          return Promise.resolve();
        },
      },
    );

    // When the events are delivered
    await core.deliver(batch);
    await Promise.all(stopping);

    // Then nothing is committed or parked: whoever holds the partition next tries again
    expect(batch.committed).toEqual([]);
    expect(letters).toEqual([]);
    expect(core.state()).toBe('stopped');
  });

  it('gives the event up uncommitted when the group membership is lost during the pause', async () => {
    // Given a rebalance that begins while the handler waits out an outage
    const batch: Partition = {
      ...partition(eventMessages(expenses(1))),
      heartbeat: () => Promise.reject(new Error('The group is rebalancing')),
    };
    const { core, letters } = harness({ handle: () => Promise.reject(outage()) });

    // When the event is delivered
    await core.deliver(batch);

    // Then it is neither committed nor parked, and the core goes on running
    expect(batch.committed).toEqual([]);
    expect(letters).toEqual([]);
    expect(core.state()).toBe('running');
  });
});

describe('stopping', () => {
  it('lets the event in hand finish, commits it, and handles nothing after it', async () => {
    // Given a handler busy with the first of three events
    const busy = gate();
    const handled: string[] = [];
    const batch = partition(eventMessages(expenses(3)));
    const { core } = harness({
      handle: async (event) => {
        if (event.aggregateId === 'expense-0') await busy.opened;
        handled.push(event.aggregateId);
      },
    });
    const delivering = core.deliver(batch);
    await Promise.resolve();

    // When the consumer is asked to stop
    let stopResolved = false;
    const stopping = core.stop().then(() => {
      stopResolved = true;
    });
    await Promise.resolve();

    // Then it drains: stopping waits for the event in hand, which is committed, and no more
    expect(core.state()).toBe('stopping');
    expect(stopResolved).toBe(false);
    busy.open();
    await Promise.all([delivering, stopping]);
    expect(handled).toEqual(['expense-0']);
    expect(batch.committed).toEqual(['0']);
    expect(core.stats()).toMatchObject({ state: 'stopped', processed: 1 });

    // And a batch delivered after the stop is left alone
    const later = partition(eventMessages(expenses(1), 3));
    await core.deliver(later);
    expect(later.committed).toEqual([]);
  });

  it('stops at once when nothing is in hand', async () => {
    const { core } = harness({ handle: () => Promise.resolve() });
    await core.stop();
    expect(core.state()).toBe('stopped');
  });
});

describe('delivering events in batches', () => {
  it('hands consecutive events in batches of at most maxBatchEvents and commits the last', async () => {
    // Given five events and batches of at most two
    const events = expenses(5);
    const batch = partition(eventMessages(events, 10));
    const handedIn: PositionedEvent[][] = [];
    const { core } = harness({
      maxBatchEvents: 2,
      handleBatch: (positioned, context) => {
        expect(context).toMatchObject({ topic, partition: 3, attempt: 1 });
        handedIn.push([...positioned]);
        return Promise.resolve();
      },
    });

    // When they are delivered
    await core.deliver(batch);

    // Then they came in order, two, two and one, with their positions
    expect(handedIn.map((run) => run.map(({ offset }) => offset))).toEqual([
      ['10', '11'],
      ['12', '13'],
      ['14'],
    ]);
    expect(handedIn.flat().map(({ event }) => event)).toEqual(events);
    expect(batch.committed).toEqual(['14']);
    expect(core.stats()).toMatchObject({ processed: 5 });
  });

  it('hands a failed batch in again one event at a time, and parks only the bad event', async () => {
    // Given a batch handler that cannot take one event of four
    const events = expenses(4);
    const failing = events[2]!;
    const handled: string[] = [];
    const sizes: number[] = [];
    const batch = partition(eventMessages(events));
    const { core, letters } = harness({
      handleBatch: (positioned) => {
        sizes.push(positioned.length);
        if (positioned.some(({ event }) => event.eventId === failing.eventId)) {
          return Promise.reject(new Error('cannot take this one'));
        }
        handled.push(...positioned.map(({ event }) => event.aggregateId));
        return Promise.resolve();
      },
    });

    // When they are delivered
    await core.deliver(batch);

    // Then the batch failed, each event came alone, the bad one was parked after its attempts
    expect(sizes[0]).toBe(4);
    expect(sizes.slice(1).every((size) => size === 1)).toBe(true);
    expect(handled).toEqual(['expense-0', 'expense-1', 'expense-3']);
    expect(letters.map(({ sourceOffset, attempts }) => [sourceOffset, attempts])).toEqual([
      ['2', 3],
    ]);
    expect(batch.committed).toEqual(['3']);
  });

  it('handles the events before an undecodable message before parking it', async () => {
    // Given garbage between two runs of events
    const events = expenses(4);
    const batch = partition([
      ...eventMessages(events.slice(0, 2)),
      message(2, 'not an event'),
      ...eventMessages(events.slice(2), 3),
    ]);
    const order: string[] = [];
    const { core, letters } = harness(
      {
        handleBatch: (positioned) => {
          order.push(positioned.map(({ offset }) => offset).join(','));
          return Promise.resolve();
        },
      },
      {
        deadLetters: (_topic, letter) => {
          order.push(`parked ${readDeadLetter(letter).sourceOffset}`);
          return Promise.resolve();
        },
      },
    );

    // When they are delivered
    await core.deliver(batch);

    // Then the first run, the parking and the second run happened in that order
    expect(order).toEqual(['0,1', 'parked 2', '3,4']);
    expect(letters).toEqual([]);
    expect(batch.committed).toEqual(['4']);
  });
});
