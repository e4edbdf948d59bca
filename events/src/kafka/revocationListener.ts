import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import {
  accessTokenLifetimeSeconds,
  createLogger,
  errorMessage,
  retryAtStartup,
  waitFor,
  type Logger,
} from '@cashtrack/platform';
import { type RevokedAccessTokens } from '@cashtrack/platform/tokens';
import { decodeEvent } from '../codec.ts';
import { ensureTopics } from './ensureTopics.ts';
import { topicNames } from '../topics.ts';

export interface RevocationListenerOptions {
  readonly kafka: Kafka;
  /** `KAFKA_TOPIC_PREFIX`; the consumer group gets it too. Default ''. */
  readonly topicPrefix?: string;
  /** Where revocations go; the caller's verifier refuses what it holds (`refuseRevokedTokens`). */
  readonly revoked: RevokedAccessTokens;
  /**
   * How far back a start reads, in ms: any token revoked earlier has expired since. Default the
   * access-token lifetime plus two minutes for clock differences.
   */
  readonly lookBackMs?: number;
  /** Longest `start` waits to have read everything published before it. Default 30 000. */
  readonly catchUpTimeoutMs?: number;
  readonly now?: () => number;
  readonly log?: Logger;
}

/** How long the broker may hold an empty fetch of revocations, in ms. */
const revocationFetchWaitMs = 5_000;

export interface RevocationListener {
  /** Leaves and deletes this process's consumer group. */
  stop(): Promise<void>;
}

/**
 * Feeds `AccessTokenRevoked` and `SessionRevoked` events into `revoked`, in this process, for as long as it runs.
 * Each process reads every partition with a consumer group of its own (every replica must hear
 * every revocation), starting at the first event of the last `lookBackMs`, and resolves only
 * once it has read up to where the topic ended when it started: a replica that restarts
 * refuses a token revoked before it went down from its first request on. Nothing is committed;
 * the next start reads by time again.
 */
export async function startRevocationListener(
  options: RevocationListenerOptions,
): Promise<RevocationListener> {
  const prefix = options.topicPrefix ?? '';
  const topic = topicNames(prefix).accessTokenRevocations;
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger('revocations');
  const lookBackMs = options.lookBackMs ?? (accessTokenLifetimeSeconds + 120) * 1000;
  const groupId = `${prefix}access-token-revocations-${randomUUID()}`;

  await ensureTopics(options.kafka, { prefix });
  // A topic another process has just created may not have its leaders yet.
  const { starts, ends } = await retryAtStartup(`offsets of ${topic}`, async () => {
    const admin = options.kafka.admin();
    await admin.connect();
    try {
      return {
        starts: await admin.fetchTopicOffsetsByTimestamp(topic, now() - lookBackMs),
        ends: await admin.fetchTopicOffsets(topic),
      };
    } finally {
      await admin.disconnect();
    }
  });
  // Partitions still to read up to their end as of the start, with that end.
  const behind = new Map<number, bigint>();
  for (const { partition, high } of ends) {
    const start = starts.find((entry) => entry.partition === partition)?.offset ?? high;
    if (BigInt(start) < BigInt(high)) behind.set(partition, BigInt(high));
  }

  const consumer = options.kafka.consumer({
    groupId,
    // How long the broker holds a fetch while the topic is quiet; a revocation ends the wait at
    // once, so a longer one costs no latency, only CPU: each empty fetch is a round trip and a
    // pass of kafkajs's fetch loop. At 100 ms an idle gateway burnt 26-31 ms of CPU a second; at
    // 1 s its fetches were about 1.3 ms a second of its 3 (metrics off), at 5 s 0.3 (loaded
    // machine). Longer saves little more and holds up `stop`, which waits for the fetch.
    maxWaitTimeInMs: revocationFetchWaitMs,
    // Heartbeats go out between fetches, so the session must outlast a held one with room to spare.
    sessionTimeout: 6 * revocationFetchWaitMs,
  });
  await retryAtStartup(`consumer group ${groupId}`, async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
  });
  await consumer.run({
    autoCommit: false,
    eachMessage: ({ partition, message }) => {
      try {
        const event = decodeEvent(message);
        if (event.type === 'AccessTokenRevoked') {
          options.revoked.revoke(event.payload.tokenId, new Date(event.payload.expiresAt));
        } else if (event.type === 'SessionRevoked') {
          options.revoked.revokeSession(
            event.payload.sessionId,
            new Date(event.payload.lastExpiresAt),
          );
        }
      } catch (error) {
        // A revocation nobody can read cannot be enforced; say so loudly, and read on.
        log.error(
          { err: errorMessage(error), partition, offset: message.offset },
          'unreadable revocation skipped',
        );
      }
      const end = behind.get(partition);
      if (end !== undefined && BigInt(message.offset) + 1n >= end) behind.delete(partition);
      return Promise.resolve();
    },
  });
  for (const { partition, offset } of starts) consumer.seek({ topic, partition, offset });

  const stop = async (): Promise<void> => {
    await consumer.disconnect();
    const cleanup = options.kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  };
  try {
    await waitFor(() => behind.size === 0, {
      timeoutMs: options.catchUpTimeoutMs ?? 30_000,
      description: `revocations of the last ${Math.round(lookBackMs / 60_000)} minutes on ${topic}`,
    });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  log.info({ topic, revoked: options.revoked.size }, 'revocations read; listening');
  return { stop };
}
