import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import {
  createLogger,
  errorMessage,
  retryAtStartup,
  type Logger,
  type TraceCarrier,
} from '@cashtrack/platform';
import { startPublishSpan, type PublishSpan } from '@cashtrack/platform/tracing';
import { createIntervalCommits, type IntervalCommits } from '@cashtrack/events/kafka';

/**
 * Every replica must hear every change of its subscribers' users, whichever replica projected
 * it, so the projector announces each change on a Kafka topic keyed by user and every replica
 * reads all of it with a group of its own. The announcement carries only the user and cursor:
 * subscribers read the change itself from the change log. A lost announcement delays a change
 * until the user's next one, never loses it (streams read everything after their last cursor).
 */
export const changeNotificationsTopic = 'cashtrack.expense-changes';

/** Announcements are only wake-up calls; a day of them is plenty. */
const retentionMs = 24 * 60 * 60 * 1000;

/**
 * How long a heard announcement's offset waits for its commit. Only a consumer that kafkajs
 * restarts within this process reads the commits (a new process starts a new group at the
 * newest offset), and what it hears again is harmless: a stream ignores cursors it has read.
 */
const commitIntervalMs = 5_000;

export interface ChangeNotice {
  readonly userId: string;
  readonly cursor: string;
  /**
   * The trace of the change (the projector's span for its event): the announcement is published
   * in it, carried in the message's headers, not its value. Only while tracing is on.
   */
  readonly traceContext?: TraceCarrier;
}

export function ensureChangeNotificationsTopic(kafka: Kafka, topic: string): Promise<void> {
  return retryAtStartup(`Kafka topic ${topic}`, () => createChangeNotificationsTopic(kafka, topic));
}

async function createChangeNotificationsTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) {
      await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: 6,
            configEntries: [{ name: 'retention.ms', value: String(retentionMs) }],
          },
        ],
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * One send for many notices; each user's are in order on their partition. A notice with a trace
 * is published in a span of it, as every other event is (events/src/kafka/producer.ts).
 */
export async function announceChanges(
  producer: Pick<Producer, 'send'>,
  topic: string,
  notices: readonly ChangeNotice[],
): Promise<void> {
  const spans: PublishSpan[] = [];
  const messages = notices.map(({ userId, cursor, traceContext }) => {
    const message = { key: userId, value: JSON.stringify({ userId, cursor }) };
    const span = traceContext === undefined ? undefined : startPublishSpan(topic, traceContext);
    if (span === undefined) return message;
    spans.push(span);
    return { ...message, headers: { ...span.headers } };
  });
  try {
    await producer.send({ topic, acks: -1, messages });
  } catch (error) {
    for (const span of spans) span.end(error);
    throw error;
  }
  for (const span of spans) span.end();
}

export type ChangeListener = (notice: ChangeNotice) => void;

/**
 * This replica's ear on the announcements: a consumer group of its own, from the newest offset,
 * handing each notice to the listeners of its user.
 */
export class ChangeNotificationHub {
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  private readonly liveStreams = new Map<string, number>();
  private readonly groupId = `expense-changes-${randomUUID()}`;
  private readonly consumer;
  private readonly commits: IntervalCommits;
  private readonly log: Logger;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    groupPrefix: string,
    log = createLogger('expense-changes'),
  ) {
    this.groupId = `${groupPrefix}${this.groupId}`;
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 10_000,
      maxWaitTimeInMs: 100,
    });
    this.log = log;
    this.commits = createIntervalCommits({
      intervalMs: commitIntervalMs,
      commit: (offsets) => this.consumer.commitOffsets([...offsets]),
      mayCommit: () => true,
      logger: log,
    });
  }

  async start(): Promise<void> {
    await retryAtStartup(`Kafka topic ${this.topic}`, async () => {
      await this.consumer.connect();
      await this.consumer.subscribe({ topic: this.topic, fromBeginning: false });
    });
    await this.consumer.run({
      // kafkajs' own commits would send an OffsetCommit after every batch, before the next
      // fetch: a round trip between each announcement and the next one's delivery.
      autoCommit: false,
      eachMessage: ({ topic, partition, message }) => {
        this.commits.handled(topic, partition, message.offset);
        let notice: ChangeNotice;
        try {
          notice = JSON.parse(message.value?.toString() ?? '') as ChangeNotice;
        } catch (error) {
          this.log.warn({ err: errorMessage(error) }, 'unreadable change notice skipped');
          return Promise.resolve();
        }
        this.deliver(notice);
        return Promise.resolve();
      },
    });
  }

  /**
   * Hands a notice to this replica's listeners of its user. The projector calls it for the
   * changes it has just logged, so subscribers on its own replica hear them without waiting for
   * the round trip through Kafka; the announcement that follows wakes them again, harmlessly
   * (a stream reads from its last cursor and finds nothing new).
   */
  deliver(notice: ChangeNotice): void {
    for (const listener of this.listeners.get(notice.userId) ?? []) listener(notice);
  }

  /** Calls `listener` for each change of `userId` announced from now on; returns how to stop. */
  listen(userId: string, listener: ChangeListener): () => void {
    const forUser = this.listeners.get(userId) ?? new Set<ChangeListener>();
    forUser.add(listener);
    this.listeners.set(userId, forUser);
    return () => {
      forUser.delete(listener);
      if (forUser.size === 0) this.listeners.delete(userId);
    };
  }

  /** A subscriber's stream has read where it starts; counted per user for `liveStreamsOf`. */
  streamStarted(userId: string): void {
    this.liveStreams.set(userId, (this.liveStreams.get(userId) ?? 0) + 1);
  }

  streamEnded(userId: string): void {
    const live = (this.liveStreams.get(userId) ?? 0) - 1;
    if (live > 0) this.liveStreams.set(userId, live);
    else this.liveStreams.delete(userId);
  }

  /**
   * The user's subscriptions on this replica that will hear every change logged from now on. A
   * subscription without `after` starts at the user's newest change as of its first read, so a
   * change logged before that read is not delivered: tests wait for this before they act.
   */
  liveStreamsOf(userId: string): number {
    return this.liveStreams.get(userId) ?? 0;
  }

  /** Leaves, and deletes this replica's group so groups do not pile up across restarts. */
  async stop(): Promise<void> {
    this.commits.cancel();
    await this.consumer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
