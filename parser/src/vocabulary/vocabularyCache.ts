import type { LearnedTerm } from './learnedTerms.ts';

/**
 * Each user's learned terms, kept in memory for a moment: without it every message would wait
 * for a database read (the worker handles a partition one message at a time). This process's
 * projector forgets a user as soon as it applies their correction, so one replica always reads
 * its own learning; a correction projected by another replica shows after `ttlMs` at most.
 *
 * A read that must go to the database also refreshes, in the same query, the expired entries of
 * users who wrote within `activeMs`: people who are writing now will soon write again, and one
 * read for many costs little more than one. Without that, users who write a little less often
 * than `ttlMs` found their entry expired every time, and each message waited for its own read.
 */
export interface VocabularyCache {
  readonly termsOf: (userId: string) => Promise<readonly LearnedTerm[]>;
  readonly forget: (userId: string) => void;
}

export interface VocabularyCacheOptions {
  /** The terms of each of these users (every one of them in the answer), in one read. */
  readonly load: (
    userIds: readonly string[],
  ) => Promise<ReadonlyMap<string, readonly LearnedTerm[]>>;
  /** How long a user's terms are reused. */
  readonly ttlMs: number;
  /** Users remembered at once; the oldest entry goes first past this. */
  readonly maxUsers: number;
  /** How recent a user's last message must be for their entry to be refreshed with another's. */
  readonly activeMs: number;
  /** Users read at most in one refresh. */
  readonly maxUsersPerRead: number;
  readonly now?: () => number;
}

interface Entry {
  readonly terms: readonly LearnedTerm[];
  readonly loadedAt: number;
  usedAt: number;
}

export function createVocabularyCache(options: VocabularyCacheOptions): VocabularyCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  // Users forgotten while a read was under way: what it brings back for them may predate the
  // correction, so it is not kept.
  const forgottenDuringReads = new Set<string>();
  let readsUnderWay = 0;

  function expiredActiveUsers(userId: string, at: number): string[] {
    const users = [userId];
    for (const [other, entry] of entries) {
      if (users.length >= options.maxUsersPerRead) break;
      const expired = at - entry.loadedAt >= options.ttlMs;
      if (other !== userId && expired && at - entry.usedAt < options.activeMs) users.push(other);
    }
    return users;
  }

  function remember(userId: string, terms: readonly LearnedTerm[], loadedAt: number): void {
    const usedAt = entries.get(userId)?.usedAt ?? loadedAt;
    entries.delete(userId);
    if (entries.size >= options.maxUsers) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(userId, { terms, loadedAt, usedAt });
  }

  return {
    async termsOf(userId) {
      const at = now();
      const known = entries.get(userId);
      if (known !== undefined && at - known.loadedAt < options.ttlMs) {
        known.usedAt = at;
        return known.terms;
      }
      readsUnderWay += 1;
      let loaded: ReadonlyMap<string, readonly LearnedTerm[]>;
      try {
        loaded = await options.load(expiredActiveUsers(userId, at));
      } finally {
        readsUnderWay -= 1;
      }
      for (const [user, terms] of loaded) {
        if (!forgottenDuringReads.has(user)) remember(user, terms, at);
      }
      if (readsUnderWay === 0) forgottenDuringReads.clear();
      const entry = entries.get(userId);
      if (entry !== undefined) entry.usedAt = at;
      return loaded.get(userId) ?? [];
    },
    forget(userId) {
      entries.delete(userId);
      if (readsUnderWay > 0) forgottenDuringReads.add(userId);
    },
  };
}
