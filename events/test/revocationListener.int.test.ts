import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import { RevokedAccessTokens } from '@cashtrack/platform/tokens';
import { kafkaForTests, testNamespace, waitFor } from '@cashtrack/test-support';
import {
  createEventProducer,
  ensureTopics,
  startRevocationListener,
  type EventProducer,
  type RevocationListener,
} from '../src/kafka/index.ts';
import { newEvent } from '../src/index.ts';

/**
 * Every verifier's ear on `cashtrack.access-token-revocations`: what it read before it started
 * is in its set before `start` resolves (a restarted replica refuses a token revoked while it
 * was down), and what comes later arrives within moments.
 */

const { topicPrefix } = testNamespace();
const kafka: Kafka = kafkaForTests();
let producer: EventProducer;
const listeners: RevocationListener[] = [];

function revocation(expiresAt: Date) {
  const tokenId = randomUUID();
  return newEvent({
    type: 'AccessTokenRevoked',
    userId: 'user-1',
    aggregateId: tokenId,
    aggregateVersion: 1,
    payload: { tokenId, expiresAt: expiresAt.toISOString() },
    correlationId: 'logout-1',
    now: new Date(),
  });
}

function sessionRevocation(lastExpiresAt: Date) {
  const sessionId = randomUUID();
  return newEvent({
    type: 'SessionRevoked',
    userId: 'user-1',
    aggregateId: sessionId,
    aggregateVersion: 1,
    payload: { sessionId, lastExpiresAt: lastExpiresAt.toISOString() },
    correlationId: 'logout-everywhere-1',
    now: new Date(),
  });
}

async function listen(revoked: RevokedAccessTokens): Promise<RevocationListener> {
  const listener = await startRevocationListener({ kafka, topicPrefix, revoked });
  listeners.push(listener);
  return listener;
}

beforeAll(async () => {
  await ensureTopics(kafka, { prefix: topicPrefix, partitions: 2 });
  producer = createEventProducer(kafka, { topicPrefix });
  await producer.connect();
});

afterAll(async () => {
  await Promise.all(listeners.map((listener) => listener.stop()));
  await producer.disconnect();
});

describe('the revocation listener', () => {
  it('has read every revocation published before it started by the time it resolves', async () => {
    const inAMinute = new Date(Date.now() + 60_000);
    const earlier = [revocation(inAMinute), revocation(inAMinute), revocation(inAMinute)];
    const expired = revocation(new Date(Date.now() - 10 * 60_000));
    await producer.publish([...earlier, expired]);

    const revoked = new RevokedAccessTokens();
    await listen(revoked);
    for (const event of earlier)
      expect(revoked.isRevoked({ tokenId: event.payload.tokenId })).toBe(true);
    // Expired tokens are refused for their `exp` already; remembering them would only cost memory.
    expect(revoked.isRevoked({ tokenId: expired.payload.tokenId })).toBe(false);
    expect(revoked.isRevoked({ tokenId: randomUUID() })).toBe(false);
  });

  it('hears a revocation published while it runs, and a restart still knows it', async () => {
    const revoked = new RevokedAccessTokens();
    const first = await listen(revoked);
    const later = revocation(new Date(Date.now() + 60_000));
    await producer.publish([later]);
    await waitFor(() => revoked.isRevoked({ tokenId: later.payload.tokenId }), {
      timeoutMs: 5_000,
      description: 'the revocation to arrive',
    });
    await first.stop();
    listeners.splice(listeners.indexOf(first), 1);

    const afterRestart = new RevokedAccessTokens();
    await listen(afterRestart);
    expect(afterRestart.isRevoked({ tokenId: later.payload.tokenId })).toBe(true);
  });

  it('refuses every token of a session ended before or after it started', async () => {
    const inAMinute = new Date(Date.now() + 60_000);
    const before = sessionRevocation(inAMinute);
    await producer.publish([before]);
    const revoked = new RevokedAccessTokens();
    await listen(revoked);
    const ofBefore = { tokenId: randomUUID(), sessionId: before.payload.sessionId };
    expect(revoked.isRevoked(ofBefore)).toBe(true);

    const after = sessionRevocation(inAMinute);
    await producer.publish([after]);
    const ofAfter = { tokenId: randomUUID(), sessionId: after.payload.sessionId };
    await waitFor(() => revoked.isRevoked(ofAfter), {
      timeoutMs: 5_000,
      description: 'the session revocation to arrive',
    });
    expect(revoked.isRevoked({ tokenId: randomUUID(), sessionId: randomUUID() })).toBe(false);
  });
});
