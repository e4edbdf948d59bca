import { describe, expect, it } from '@jest/globals';
import type { LearnedTerm } from '../src/vocabulary/learnedTerms.ts';
import { createVocabularyCache } from '../src/vocabulary/vocabularyCache.ts';

/** The worker's memory of each user's learned terms. */

function fixture() {
  let clock = 0;
  let stored: readonly LearnedTerm[] = [];
  const loads: string[] = [];
  const cache = createVocabularyCache({
    load: (userId) => {
      loads.push(userId);
      return Promise.resolve(stored);
    },
    ttlMs: 1_000,
    maxUsers: 2,
    now: () => clock,
  });
  return {
    cache,
    loads,
    advance: (ms: number) => (clock += ms),
    store: (terms: readonly LearnedTerm[]) => (stored = terms),
  };
}

const bento: LearnedTerm = { words: ['bento'], category: 'dining' };

describe('vocabulary cache', () => {
  it('reads a user once within the time to live, and again after it', async () => {
    const { cache, loads, advance } = fixture();
    await cache.termsOf('anna');
    await cache.termsOf('anna');
    advance(1_000);
    await cache.termsOf('anna');
    expect(loads).toEqual(['anna', 'anna']);
  });

  it('reads a forgotten user again at once: a correction shows on the next message', async () => {
    const { cache, store } = fixture();
    expect(await cache.termsOf('anna')).toEqual([]);
    store([bento]);
    cache.forget('anna');
    expect(await cache.termsOf('anna')).toEqual([bento]);
  });

  it('keeps at most maxUsers, dropping the oldest', async () => {
    const { cache, loads } = fixture();
    await cache.termsOf('anna');
    await cache.termsOf('bob');
    await cache.termsOf('carl');
    await cache.termsOf('anna');
    expect(loads).toEqual(['anna', 'bob', 'carl', 'anna']);
  });
});
