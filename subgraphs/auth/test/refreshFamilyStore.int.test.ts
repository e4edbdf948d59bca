import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mongoForTests, testNamespace, type TestDatabase } from '@cashtrack/test-support';
import type { RefreshFamily } from '../src/domain/refreshFamily.ts';
import { createRefreshFamilyStore } from '../src/stores/refreshFamilyStore.ts';

/**
 * A refresh token rotates once, however many replicas race to rotate it: each replica's store
 * writes the same collection over its own connections, as separate processes would.
 */

const databaseName = `${testNamespace().database}_families`;
const replicas: TestDatabase[] = [];

beforeAll(async () => {
  replicas.push(
    ...(await Promise.all(Array.from({ length: 4 }, () => mongoForTests(databaseName)))),
  );
});

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
});

describe('the refresh family store', () => {
  it('lets exactly one of racing rotations of one token win, on four replicas', async () => {
    const stores = replicas.map((replica) => createRefreshFamilyStore(replica.db));
    const rotatedAt = new Date('2026-11-27T10:00:00Z');
    const expiresAt = new Date('2026-12-04T10:00:00Z');
    for (let round = 0; round < 5; round += 1) {
      const family: RefreshFamily = {
        familyId: `racing-family-${round}`,
        userId: 'user-1',
        currentTokenHash: 'hash-0',
        generation: 0,
        rotatedAt,
        expiresAt,
        revokedAt: null,
      };
      await stores[0]!.start(family);

      const won = await Promise.all(
        Array.from({ length: 12 }, (_, racer) =>
          stores[racer % stores.length]!.rotate(family, 'hash-0', {
            tokenHash: `hash-from-${racer}`,
            rotatedAt,
            expiresAt,
          }),
        ),
      );

      const winners = won.flatMap((rotated, racer) => (rotated ? [racer] : []));
      expect(winners).toHaveLength(1);
      expect(await stores[0]!.find(family.familyId)).toMatchObject({
        currentTokenHash: `hash-from-${winners[0]}`,
        generation: 1,
      });
    }
  });
});
