import { describe, expect, it } from '@jest/globals';
import type { LearnedTerm } from '../src/vocabulary/learnedTerms.ts';
import { createVocabularyCache } from '../src/vocabulary/vocabularyCache.ts';

/** The worker's memory of each user's learned terms. */

function fixture() {
  let clock = 0;
  const stored = new Map<string, readonly LearnedTerm[]>();
  const reads: string[][] = [];
  let pending: (() => void) | undefined;
  let holdReads = false;
  const cache = createVocabularyCache({
    load: async (userIds) => {
      reads.push([...userIds]);
      // What the database holds when the read starts.
      const answer = new Map(userIds.map((userId) => [userId, stored.get(userId) ?? []]));
      if (holdReads) await new Promise<void>((resolve) => (pending = resolve));
      return answer;
    },
    ttlMs: 1_000,
    maxUsers: 3,
    activeMs: 3_000,
    maxUsersPerRead: 3,
    now: () => clock,
  });
  return {
    cache,
    reads,
    advance: (ms: number) => (clock += ms),
    store: (userId: string, terms: readonly LearnedTerm[]) => stored.set(userId, terms),
    holdNextRead: () => (holdReads = true),
    releaseRead: () => {
      holdReads = false;
      pending?.();
    },
  };
}

const bento: LearnedTerm = { words: ['bento'], category: 'dining' };

describe('vocabulary cache', () => {
  it('reads a user once within the time to live, and again after it', async () => {
    const { cache, reads, advance } = fixture();
    await cache.termsOf('anna');
    await cache.termsOf('anna');
    advance(1_000);
    await cache.termsOf('anna');
    expect(reads).toEqual([['anna'], ['anna']]);
  });

  it('reads a forgotten user again at once: a correction shows on the next message', async () => {
    const { cache, store } = fixture();
    expect(await cache.termsOf('anna')).toEqual([]);
    store('anna', [bento]);
    cache.forget('anna');
    expect(await cache.termsOf('anna')).toEqual([bento]);
  });

  it('refreshes the expired entries of users writing now in the same read, never others', async () => {
    const { cache, reads, advance, store } = fixture();
    await cache.termsOf('anna');
    await cache.termsOf('bob');
    advance(2_500);
    await cache.termsOf('carl'); // anna and bob expired, and still writing
    expect(reads.at(-1)).toEqual(['carl', 'anna', 'bob']);
    store('bob', [bento]);
    advance(500); // carl's entry is fresh; anna's and bob's were read again just now
    expect(await cache.termsOf('anna')).toEqual([]);
    expect(await cache.termsOf('bob')).toEqual([]); // still within its time to live
    advance(600);
    expect(await cache.termsOf('bob')).toEqual([bento]);
    advance(5_000); // nobody wrote for longer than activeMs
    await cache.termsOf('dora');
    expect(reads.at(-1)).toEqual(['dora']);
  });

  it('keeps nothing a read brought back for a user forgotten while it was under way', async () => {
    const { cache, store, holdNextRead, releaseRead } = fixture();
    holdNextRead();
    const first = cache.termsOf('anna');
    store('anna', [bento]);
    cache.forget('anna'); // the correction was projected while the read was out
    releaseRead();
    expect(await first).toEqual([]);
    expect(await cache.termsOf('anna')).toEqual([bento]);
  });

  it('keeps at most maxUsers, dropping the oldest', async () => {
    const { cache, reads } = fixture();
    for (const user of ['anna', 'bob', 'carl', 'dora', 'anna']) await cache.termsOf(user);
    expect(reads).toEqual([['anna'], ['bob'], ['carl'], ['dora'], ['anna']]);
  });
});
