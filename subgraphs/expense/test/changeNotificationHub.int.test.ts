import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Admin, Producer } from 'kafkajs';
import { waitFor } from '@cashtrack/platform';
import { kafkaForTests, testNamespace } from '@cashtrack/test-support';
import {
  announceChanges,
  ChangeNotificationHub,
  changeNotificationsTopic,
  ensureChangeNotificationsTopic,
  type ChangeNotice,
} from '../src/subscriptions/changeNotifications.ts';

/**
 * Another replica's changes reach this one's subscribers only through the announcements on
 * Kafka, which the hub reads with a group of its own and commits on an interval, not per batch.
 */
describe('ChangeNotificationHub on the real broker', () => {
  const { topicPrefix } = testNamespace();
  const topic = `${topicPrefix}${changeNotificationsTopic}`;
  const kafka = kafkaForTests();
  let admin: Admin;
  let producer: Producer;
  let hub: ChangeNotificationHub;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await ensureChangeNotificationsTopic(kafka, topic);
    producer = kafka.producer();
    await producer.connect();
    hub = new ChangeNotificationHub(kafka, topic, topicPrefix);
    await hub.start();
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('hands each announced change to its user’s listeners, in order, and leaves no group behind', async () => {
    const heard: string[] = [];
    const otherUser: string[] = [];
    const stopListening = hub.listen('user-1', (notice) => void heard.push(notice.cursor));
    hub.listen('user-2', (notice) => void otherUser.push(notice.cursor));
    const notices: ChangeNotice[] = ['c-001', 'c-002', 'c-003'].map((cursor) => ({
      userId: 'user-1',
      cursor,
    }));
    // The group starts at the newest offset once it has joined: announce until it hears.
    await waitFor(
      async () => {
        if (heard.length > 0) return true;
        await announceChanges(producer, topic, [{ userId: 'user-1', cursor: 'c-000' }]);
        return false;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'the hub to hear a first notice' },
    );
    for (const notice of notices) await announceChanges(producer, topic, [notice]);
    await waitFor(() => heard.includes('c-003'), { description: 'every notice heard' });
    expect(heard.filter((cursor) => cursor !== 'c-000')).toEqual(['c-001', 'c-002', 'c-003']);
    expect(otherUser).toEqual([]);
    stopListening();

    const groupsBefore = (await admin.listGroups()).groups.map((group) => group.groupId);
    expect(groupsBefore.some((groupId) => groupId.startsWith(topicPrefix))).toBe(true);
    await hub.stop();
    const groupsAfter = (await admin.listGroups()).groups.map((group) => group.groupId);
    expect(groupsAfter.filter((groupId) => groupId.startsWith(topicPrefix))).toEqual([]);
  }, 60_000);
});
