import { randomUUID } from 'node:crypto';
import { constants } from 'node:perf_hooks';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { decodeEvent, topicNames } from '@cashtrack/events';
import { waitFor } from '@cashtrack/platform';
import { eventCursor } from '../../subgraphs/expense/src/projections/eventCursor.ts';
import {
  projectorStepsChannel,
  type ProjectorStepTimings,
} from '../../subgraphs/expense/src/projections/projectorStepTimings.ts';

/** One `logExpense` of the bench, timed on the client (epoch milliseconds). */
export interface SentExpense {
  readonly messageId: string;
  readonly sentAt: number;
  readonly answeredAt: number | undefined;
  readonly heardAt: number | undefined;
}

/**
 * The hops of one `logExpense`, from the timestamps Kafka keeps of each message (the producer's
 * clock at the send; every process here shares one clock): the command's event published, the
 * parser's `ExpenseRecorded` published, the projector's announcement of the change published,
 * the subscriber hearing it.
 */
export interface ExpenseHops {
  readonly messageId: string;
  /** Gateway, the expense subgraph's command, up to its publish of the message event. */
  readonly commandMs: number;
  /** The parser's consumer fetching the message, parsing it, publishing the expense event. */
  readonly parserMs: number;
  /**
   * The projector fetching the expense event, its read-model writes, the change log, up to the
   * announcement. Its own replica's subscribers are told just before the announcement is sent.
   */
  readonly projectorMs: number;
  /** From the announcement to the client; negative when the local hub was quicker. */
  readonly deliveryMs: number;
  readonly totalMs: number;
  /**
   * The projector's hop in steps (projectorStepTimings.ts), summing to `projectorMs`: fetched
   * and decoded (behind any batch in hand), the read models' reads, their writes, the change
   * log written and subscribers told up to the announcement's send.
   */
  readonly projectorSteps: {
    readonly fetchMs: number;
    /**
     * Of `fetchMs`, the time another batch of the projector was still in hand: kafkajs fetches
     * again only once every batch of its last fetch is handled (and its offsets committed), so
     * an event published meanwhile waits for that batch. The rest of `fetchMs` is the broker,
     * the offset commit and the fetch itself.
     */
    readonly behindBatchMs: number;
    readonly planMs: number;
    readonly writeMs: number;
    readonly reportMs: number;
  };
  /** Garbage collection pauses of this process (the whole system) while the change travelled. */
  readonly gcMs: number;
  /** Of those, the full (mark-compact) collections', which walk the whole heap and its sockets. */
  readonly gcMajorMs: number;
}

/** One pause of the garbage collector, epoch milliseconds. */
export interface GcPause {
  readonly start: number;
  readonly end: number;
  readonly major: boolean;
}

/**
 * Records, until `stop`, the projector's step timings of every batch and the garbage collector's
 * pauses in this process (the bench runs the whole system in it).
 */
export function recordProjectorSteps(): {
  readonly steps: ProjectorStepTimings[];
  readonly gcPauses: GcPause[];
  stop(): void;
} {
  const steps: ProjectorStepTimings[] = [];
  const gcPauses: GcPause[] = [];
  const onSteps = (message: unknown): void => void steps.push(message as ProjectorStepTimings);
  projectorStepsChannel.subscribe(onSteps);
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const start = performance.timeOrigin + entry.startTime;
      // Node's gc entries carry their kind in `detail`, which the DOM typing leaves out.
      const { kind } = (entry as { readonly detail?: { readonly kind?: number } }).detail ?? {};
      gcPauses.push({
        start,
        end: start + entry.duration,
        major: kind === constants.NODE_PERFORMANCE_GC_MAJOR,
      });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    steps,
    gcPauses,
    stop() {
      projectorStepsChannel.unsubscribe(onSteps);
      observer.disconnect();
    },
  };
}

function pausedWithin(pauses: readonly GcPause[], from: number, to: number): number {
  return pauses.reduce(
    (sum, pause) => sum + Math.max(0, Math.min(to, pause.end) - Math.max(from, pause.start)),
    0,
  );
}

interface Timestamped {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** Every message on `topics` up to their ends now, read once by a throwaway group. */
async function readTopics(kafka: Kafka, topics: readonly string[]): Promise<Timestamped[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        ends.set(`${topic}/${partition}`, Number(high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const groupId = `subscriptions-bench-hops-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const read: Timestamped[] = [];
  const reached = new Map<string, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        read.push({ topic, partition, message });
        reached.set(`${topic}/${partition}`, Number(message.offset) + 1);
        return Promise.resolve();
      },
    });
    await waitFor(
      () => [...ends].every(([key, end]) => end === 0 || (reached.get(key) ?? 0) >= end),
      { timeoutMs: 60_000, description: 'the bench topics read to their ends' },
    );
  } finally {
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
  return read;
}

/**
 * Each heard `logExpense`'s hops, matched through the topics under `topicPrefix`: the message
 * event by its id, the expense event by its origin's message id, the announcement by the
 * cursor of the expense event (the first announcing that cursor or a later one of the user).
 */
export async function expenseHops(
  kafka: Kafka,
  topicPrefix: string,
  changesTopic: string,
  sent: readonly SentExpense[],
  observed: {
    readonly steps: readonly ProjectorStepTimings[];
    readonly gcPauses: readonly GcPause[];
  },
): Promise<ExpenseHops[]> {
  const stepsByEvent = new Map<string, ProjectorStepTimings>();
  for (const batch of observed.steps) {
    for (const eventId of batch.eventIds) {
      if (!stepsByEvent.has(eventId)) stepsByEvent.set(eventId, batch);
    }
  }
  const names = topicNames(topicPrefix);
  const messages = await readTopics(kafka, [names.expenseMessages, names.expenses, changesTopic]);
  const messagePublished = new Map<string, number>();
  const expensePublished = new Map<
    string,
    { at: number; cursor: string; userId: string; eventId: string }
  >();
  const unmatched: ProjectorStepTimings = {
    eventIds: [],
    startedAt: Number.NaN,
    plannedAt: Number.NaN,
    writtenAt: Number.NaN,
    reportedAt: Number.NaN,
  };
  const announcements: { userId: string; cursor: string; at: number }[] = [];
  for (const { topic, partition, message } of messages) {
    const at = Number(message.timestamp);
    if (topic === changesTopic) {
      const notice = JSON.parse(message.value?.toString() ?? '{}') as {
        userId?: string;
        cursor?: string;
      };
      if (notice.userId !== undefined && notice.cursor !== undefined) {
        announcements.push({ userId: notice.userId, cursor: notice.cursor, at });
      }
      continue;
    }
    const event = decodeEvent(message);
    if (event.type === 'ExpenseMessageSubmitted') messagePublished.set(event.aggregateId, at);
    if (event.type === 'ExpenseRecorded' && event.payload.origin !== null) {
      expensePublished.set(event.payload.origin.messageId, {
        at,
        cursor: eventCursor(partition, message.offset),
        userId: event.userId,
        eventId: event.eventId,
      });
    }
  }
  announcements.sort((a, b) => a.at - b.at);
  return sent.flatMap((expense) => {
    const command = messagePublished.get(expense.messageId);
    const recorded = expensePublished.get(expense.messageId);
    if (command === undefined || recorded === undefined || expense.heardAt === undefined) return [];
    const announced = announcements.find(
      (notice) => notice.userId === recorded.userId && notice.cursor >= recorded.cursor,
    );
    if (announced === undefined) return [];
    const steps = stepsByEvent.get(recorded.eventId) ?? unmatched;
    const inHandUntil = observed.steps
      .filter((batch) => batch.startedAt <= recorded.at && batch.reportedAt > recorded.at)
      .reduce((latest, batch) => Math.max(latest, batch.reportedAt), recorded.at);
    return [
      {
        messageId: expense.messageId,
        commandMs: command - expense.sentAt,
        parserMs: recorded.at - command,
        projectorMs: announced.at - recorded.at,
        deliveryMs: expense.heardAt - announced.at,
        totalMs: expense.heardAt - expense.sentAt,
        projectorSteps: {
          fetchMs: steps.startedAt - recorded.at,
          behindBatchMs: Math.max(0, Math.min(steps.startedAt, inHandUntil) - recorded.at),
          planMs: steps.plannedAt - steps.startedAt,
          writeMs: steps.writtenAt - steps.plannedAt,
          reportMs: announced.at - steps.writtenAt,
        },
        gcMs: pausedWithin(observed.gcPauses, expense.sentAt, expense.heardAt),
        gcMajorMs: pausedWithin(
          observed.gcPauses.filter((pause) => pause.major),
          expense.sentAt,
          expense.heardAt,
        ),
      },
    ];
  });
}
